// Text views of a file's first bytes for analysts: dotted ASCII, hex dumps and printable strings, in the
// layouts Assemblyline's file viewer uses.

/** Bytes shown by the viewer endpoints. */
export const VIEW_MAX_BYTES = 1024 * 1024;

/** Printable ASCII, tab, LF and CR kept; everything else becomes '.'. */
export function asciiView(data: Uint8Array): string {
  let out = '';
  for (let i = 0; i < data.length; i += 8192) {
    const part = data.subarray(i, i + 8192);
    out += String.fromCharCode(
      ...Array.from(part, (b) => ((b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13 ? b : 0x2e)),
    );
  }
  return out;
}

/** Space-separated lowercase hex bytes ("4d 5a 90 00"). */
export function hexBytes(data: Uint8Array): string {
  return Buffer.from(data).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

/** Classic dump: offset, hex bytes, printable characters, `width` bytes a line. */
export function hexdump(data: Uint8Array, width = 16): string {
  if (!(width > 0)) throw new RangeError('width must be positive');
  const lines: string[] = [];
  const pad = width * 3 - 1;
  for (let off = 0; off < data.length; off += width) {
    const row = data.subarray(off, off + width);
    let printable = '';
    for (const b of row) printable += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    lines.push(`${off.toString(16).toUpperCase().padStart(8, '0')}:  ${hexBytes(row).padEnd(pad)}   ${printable}`);
  }
  return lines.join('\n');
}

/**
 * Printable strings of at least `minLength` characters, ASCII first then UTF-16LE, without repeats, stopping
 * before `maxChars` of output.
 */
export function printableStrings(data: Uint8Array, minLength = 6, maxChars = VIEW_MAX_BYTES): { content: string; truncated: boolean } {
  const found: string[] = [];
  const seen = new Set<string>();
  let count = -1;
  let truncated = false;
  const take = (s: string): boolean => {
    if (seen.has(s)) return true;
    if (count + s.length >= maxChars) {
      truncated = true;
      return false;
    }
    seen.add(s);
    count += s.length + 1;
    found.push(s);
    return true;
  };
  const scan = (step: 1 | 2): boolean => {
    for (let start = 0; start < step; start++) {
      let run = '';
      for (let i = start; i + step - 1 < data.length; i += step) {
        const b = data[i]!;
        const printable = b >= 0x20 && b < 0x7f && (step === 1 || data[i + 1] === 0);
        if (printable) run += String.fromCharCode(b);
        else {
          if (run.length >= minLength && !take(run)) return false;
          run = '';
        }
      }
      if (run.length >= minLength && !take(run)) return false;
      if (step === 1) break;
    }
    return true;
  };
  if (scan(1)) scan(2);
  return { content: found.join('\n'), truncated };
}
