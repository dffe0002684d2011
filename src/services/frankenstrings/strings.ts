// Printable strings of a binary buffer: runs of ASCII and runs of UTF-16LE (ASCII characters each followed by a
// zero byte, the way Windows programs store wide strings). Indicators are searched in these runs rather than in
// the raw bytes so that a match never straddles binary data.

export interface FoundString {
  offset: number;
  value: string;
  wide: boolean;
}

const printable = (b: number) => (b >= 0x20 && b < 0x7f) || b === 0x09;

export function asciiStrings(buf: Buffer, minLength: number): FoundString[] {
  const out: FoundString[] = [];
  let start = -1;
  for (let i = 0; i <= buf.length; i++) {
    if (i < buf.length && printable(buf[i]!)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= minLength) out.push({ offset: start, value: buf.toString('latin1', start, i), wide: false });
      start = -1;
    }
  }
  return out;
}

/** Runs of printable ASCII encoded as UTF-16LE, at either byte alignment. */
export function wideStrings(buf: Buffer, minLength: number): FoundString[] {
  const out: FoundString[] = [];
  for (const align of [0, 1]) {
    let start = -1;
    let i = align;
    for (; i + 1 < buf.length; i += 2) {
      if (printable(buf[i]!) && buf[i + 1] === 0) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        if ((i - start) / 2 >= minLength) out.push({ offset: start, value: buf.toString('utf16le', start, i), wide: true });
        start = -1;
      }
    }
    if (start >= 0 && (i - start) / 2 >= minLength) out.push({ offset: start, value: buf.toString('utf16le', start, i), wide: true });
  }
  return out;
}
