// RTF embedded objects: the hex text after \objdata is an OLE1 object (often an OLE2 file or a Package holding
// a file). Word ignores control words, whitespace and stray characters inside that hex, which exploit kits
// use to hide it, so decoding skips them the same way. \objupdate makes Word load the object when the document
// opens, and Equation Editor objects are the classic CVE-2017-11882 / CVE-2018-0802 vector.

export interface RtfObject {
  /** Offset of the \objdata control word in the file. */
  offset: number;
  data: Buffer;
  /** Class from a preceding {\*\objclass ...} group, if any. */
  objclass?: string;
}

export interface RtfScan {
  objects: RtfObject[];
  objupdate: boolean;
  /** Offsets where \objdata hex ran into the end of the file. */
  truncated: boolean;
}

const MAX_OBJECTS = 100;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Hex digits of the group that \objdata opens, up to the brace that closes it. */
function readObjdata(b: Buffer, start: number, out: Buffer): { data: Buffer; end: number; truncated: boolean } {
  let n = 0;
  let high = -1;
  let depth = 0;
  let i = start;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0x7b) depth++;
    else if (c === 0x7d) {
      if (depth === 0) return { data: Buffer.from(out.subarray(0, n)), end: i, truncated: false };
      depth--;
    } else if (c === 0x5c) {
      // A control word (letters plus an optional numeric parameter) or a control symbol: not data.
      i++;
      if (i < b.length && /[a-z]/i.test(String.fromCharCode(b[i]!))) {
        while (i < b.length && /[a-z]/i.test(String.fromCharCode(b[i]!))) i++;
        if (i < b.length && (b[i] === 0x2d || (b[i]! >= 0x30 && b[i]! <= 0x39))) {
          i++;
          while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
        }
        if (i < b.length && b[i] === 0x20) i++;
        continue;
      }
    } else {
      const v = hexValue(c);
      if (v >= 0) {
        if (high < 0) high = v;
        else {
          out[n++] = (high << 4) | v;
          high = -1;
        }
      }
    }
    i++;
  }
  return { data: Buffer.from(out.subarray(0, n)), end: b.length, truncated: true };
}

export function scanRtf(b: Buffer): RtfScan {
  const text = b.toString('latin1');
  const scan: RtfScan = { objects: [], objupdate: /\\objupdate/i.test(text), truncated: false };
  // One scratch buffer for all objects: hex never decodes to more than half the file.
  const scratch = Buffer.alloc(Math.ceil(b.length / 2));
  const re = /\\objdata\b/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && scan.objects.length < MAX_OBJECTS) {
    const before = text.slice(Math.max(0, m.index - 2000), m.index);
    const cls = [...before.matchAll(/\\\*\s*\\objclass\s+([^}\\]{1,200})/gi)].pop()?.[1]?.trim();
    const { data, end, truncated } = readObjdata(b, m.index + m[0].length, scratch);
    scan.truncated ||= truncated;
    scan.objects.push({ offset: m.index, data, objclass: cls });
    re.lastIndex = Math.max(end, m.index + m[0].length);
  }
  return scan;
}

/** Equation Editor by class name (OLE1 class or \objclass), however the author cased it. */
export function isEquationClass(name: string | undefined): boolean {
  return !!name && /^equation\.\d/i.test(name.trim());
}

export const EQUATION_CLSIDS = new Set(['0002CE02-0000-0000-C000-000000000046', '0002CE03-0000-0000-C000-000000000046']);
