// Encoded payloads hidden in a file: base64 blobs that decode to a PE or to script text, hex-encoded PEs and PEs
// XOR-encoded with a single-byte key. Each finder is linear in the input: candidates are located by a cheap
// pattern first and only those are decoded.

export type Encoding = 'base64' | 'hex' | 'xor';

export interface Decoded {
  encoding: Encoding;
  /** Offset of the encoded data in the scanned buffer. */
  offset: number;
  kind: 'pe' | 'script' | 'text';
  data: Buffer;
  /** XOR key, for xor. */
  key?: number;
  /** For script text: what it looks like (e.g. "powershell"). */
  language?: string;
}

/** A DOS header whose e_lfanew points at a "PE\0\0" signature. */
export function isPe(buf: Buffer, at = 0): boolean {
  if (buf.length < at + 0x40 || buf[at] !== 0x4d || buf[at + 1] !== 0x5a) return false;
  const lfanew = buf.readUInt32LE(at + 0x3c);
  if (lfanew < 0x40 || lfanew > 0x10000 || at + lfanew + 4 > buf.length) return false;
  return buf.readUInt32LE(at + lfanew) === 0x00004550;
}

/**
 * Bytes the PE at `at` occupies (headers and raw section data), so a PE found in the middle of other data is cut
 * at its end; undefined when the headers are cut short.
 */
export function peExtent(buf: Buffer, at = 0): number | undefined {
  if (!isPe(buf, at)) return undefined;
  const nt = at + buf.readUInt32LE(at + 0x3c);
  if (nt + 24 > buf.length) return undefined;
  const sections = buf.readUInt16LE(nt + 6);
  const optSize = buf.readUInt16LE(nt + 20);
  const table = nt + 24 + optSize;
  if (table + sections * 40 > buf.length) return undefined;
  let end = table + sections * 40 - at;
  for (let i = 0; i < sections; i++) {
    const s = table + i * 40;
    const rawSize = buf.readUInt32LE(s + 16);
    const rawPtr = buf.readUInt32LE(s + 20);
    if (rawSize) end = Math.max(end, rawPtr + rawSize);
  }
  return end;
}

/** The PE at the start of `data`, cut at its end when the headers allow; overlay-free but never truncated. */
function trimPe(data: Buffer): Buffer {
  const end = peExtent(data);
  return end !== undefined && end <= data.length ? data.subarray(0, end) : data;
}

// Script text: a few keywords per language, matched case-insensitively on printable decoded text.
const SCRIPT_HINTS: Array<[string, RegExp]> = [
  ['powershell', /\b(?:invoke-(?:expression|webrequest)|iex\b|new-object\s+(?:system\.)?net\.webclient|downloadstring|frombase64string|start-process|-encodedcommand|\$env:)/i],
  ['vbscript', /\b(?:createobject\s*\(|wscript\.|dim\s+\w+|end\s+sub\b|shell\.application)/i],
  ['javascript', /\b(?:function\s*\w*\s*\(|eval\s*\(|var\s+\w+\s*=|document\.write|activexobject|string\.fromcharcode)/i],
  ['shell', /^#!\s*\/|\b(?:curl|wget)\s+-|\bchmod\s+\+x\b|\/bin\/(?:ba)?sh\b/m],
  ['batch', /\b(?:cmd(?:\.exe)?\s+\/c|@echo\s+off|set\s+\w+=|powershell(?:\.exe)?\s+-)/i],
  ['html', /<\s*(?:script|html|iframe|body)\b/i],
];

function printableRatio(s: string): number {
  if (!s.length) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d) ok++;
  }
  return ok / s.length;
}

/** Decoded bytes as text when they are (nearly all) printable, reading UTF-16LE when every other byte is zero. */
export function asText(data: Buffer): string | undefined {
  let zeros = 0;
  for (let i = 1; i < data.length; i += 2) if (data[i] === 0) zeros++;
  const text = data.length > 2 && zeros >= (data.length / 2) * 0.9 ? data.toString('utf16le') : data.toString('latin1');
  return printableRatio(text) >= 0.95 ? text : undefined;
}

export function scriptLanguage(text: string): string | undefined {
  return SCRIPT_HINTS.find(([, re]) => re.test(text))?.[0];
}

// Runs of base64 characters, line breaks allowed (MIME and PEM wrap base64 at 64-76 characters).
const B64_RUN = /[A-Za-z0-9+/]{4,}(?:={0,2})(?:(?:\r?\n)[A-Za-z0-9+/]{4,}={0,2})*/g;

/**
 * Base64 blobs of at least `minLength` characters decoding to a PE, script text or other printable text. Hex
 * strings and long letter runs also match the alphabet; they decode to noise and are dropped.
 */
export function findBase64(text: string, minLength: number, max: number): Decoded[] {
  const out: Decoded[] = [];
  for (const m of text.matchAll(B64_RUN)) {
    if (out.length >= max) break;
    if (m[0].length < minLength) continue;
    const compact = m[0].replace(/\s+/g, '');
    // Padding can only end a blob; a run like "abc=def" is two things glued together.
    if (/=[^=]/.test(compact) || compact.length < minLength) continue;
    if (/^[0-9a-f]+$/i.test(compact)) continue;
    const usable = compact.length - (compact.replace(/=+$/, '').length % 4 === 1 ? 1 : 0);
    const data = Buffer.from(compact.slice(0, usable), 'base64');
    if (isPe(data)) {
      out.push({ encoding: 'base64', offset: m.index!, kind: 'pe', data: trimPe(data) });
      continue;
    }
    const decodedText = asText(data);
    if (decodedText === undefined) continue;
    const language = scriptLanguage(decodedText);
    out.push({ encoding: 'base64', offset: m.index!, kind: language ? 'script' : 'text', data, language });
  }
  return out;
}

/** Hex text starting with "4D5A" (MZ) that decodes to a PE. */
export function findHexPe(text: string, minLength: number, max: number): Decoded[] {
  const out: Decoded[] = [];
  for (const m of text.matchAll(/4d5a(?:[0-9a-f]{2})+/gi)) {
    if (out.length >= max) break;
    if (m[0].length < minLength) continue;
    const data = Buffer.from(m[0], 'hex');
    if (isPe(data)) out.push({ encoding: 'hex', offset: m.index!, kind: 'pe', data: trimPe(data) });
  }
  return out;
}

const STUB = Buffer.from('This program cannot be run', 'latin1');
/** Farthest the DOS stub message sits from "MZ" in real PEs (the standard stub puts it at 0x4E). */
const STUB_WINDOW = 0x200;

/**
 * PEs XOR-encoded with one byte key (1-255). One pass over the buffer: at each position the key that would turn
 * the byte into "T" is tried against the rest of the stub message, so the cost does not grow with the key range.
 */
export function findXorPe(buf: Buffer, max: number): Decoded[] {
  const out: Decoded[] = [];
  const last = buf.length - STUB.length;
  let next = 0;
  for (let i = 0; i <= last && out.length < max; i++) {
    const key = buf[i]! ^ STUB[0]!;
    if (key === 0 || (buf[i + 1]! ^ key) !== STUB[1] || (buf[i + 2]! ^ key) !== STUB[2]) continue;
    let j = 3;
    while (j < STUB.length && (buf[i + j]! ^ key) === STUB[j]) j++;
    if (j < STUB.length) continue;
    // Look back for the encoded "MZ" that starts this PE.
    for (let start = i - 2; start >= Math.max(next, i - STUB_WINDOW); start--) {
      if ((buf[start]! ^ key) !== 0x4d || (buf[start + 1]! ^ key) !== 0x5a) continue;
      const head = xor(buf.subarray(start, Math.min(buf.length, start + 0x1000)), key);
      if (!isPe(head)) continue;
      const extent = peExtent(head);
      const end = extent !== undefined ? Math.min(buf.length, start + extent) : buf.length;
      const data = trimPe(xor(buf.subarray(start, end), key));
      out.push({ encoding: 'xor', offset: start, kind: 'pe', data, key });
      next = start + data.length;
      i = next - 1;
      break;
    }
  }
  return out;
}

export function xor(data: Buffer, key: number): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ key;
  return out;
}
