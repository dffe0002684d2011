// Text formats decided from structure rather than keywords: Assemblyline URI files, JSON, CSV and
// INI, plus the decoding shared by every text rule.
import { hasBytes, latin1 } from './source.js';

export const URI_FILE_PREFIX = '# Assemblyline URI file\n';

// RFC 3986 scheme, which is also what Python's urlparse accepts.
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const URI_KEY = /^uri[ \t]*:[ \t]*(.*?)[ \t]*$/;

/**
 * Assemblyline URI files are a marker comment followed by YAML with a `uri` key; the label is
 * `uri/<scheme>`. Anything that does not hold a usable URI is ordinary text.
 */
export function uriFileLabel(h: Uint8Array): string {
  const text = Buffer.from(h.buffer, h.byteOffset, h.length).toString('utf8');
  for (const line of text.slice(URI_FILE_PREFIX.length).split(/\r?\n/)) {
    const m = URI_KEY.exec(line);
    if (!m) continue;
    let value = m[1];
    // Strip YAML quoting and trailing comments.
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote));
    } else {
      const comment = value.search(/[ \t]#/);
      if (comment >= 0) value = value.slice(0, comment).trimEnd();
    }
    const scheme = SCHEME.exec(value);
    return scheme ? `uri/${scheme[1].toLowerCase()}` : 'text/plain';
  }
  return 'text/plain';
}

/** Decoded text of the bytes we hold, plus whether it came from UTF-16. */
export interface DecodedText {
  text: string;
  wide: boolean;
}

/**
 * Text for the content rules. Byte-oriented formats are read one char per byte so that match
 * offsets equal file offsets; UTF-16LE (with BOM, or recognisable by its zero high bytes) is
 * decoded so the same rules apply to "wide" scripts.
 */
export function decodeText(h: Uint8Array, limit: number): DecodedText {
  const end = Math.min(h.length, limit);
  if (looksUtf16le(h)) {
    const start = h[0] === 0xff && h[1] === 0xfe ? 2 : 0;
    const len = (end - start) & ~1;
    return { text: Buffer.from(h.buffer, h.byteOffset + start, len).toString('utf16le'), wide: true };
  }
  const start = hasBytes(h, 0, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  return { text: latin1(h, start, end), wide: false };
}

function looksUtf16le(h: Uint8Array): boolean {
  if (h.length >= 2 && h[0] === 0xff && h[1] === 0xfe) return true;
  const n = Math.min(h.length, 128) & ~1;
  if (n < 8) return false;
  let zeros = 0;
  for (let i = 1; i < n; i += 2) if (h[i] === 0 && h[i - 1] !== 0) zeros++;
  return zeros * 2 >= n * 0.9;
}

/** JSON documents: objects or arrays only; a truncated header is judged by its opening. */
export function isJson(text: string, complete: boolean): boolean {
  const t = text.trim();
  const open = t[0];
  if (open !== '{' && open !== '[') return false;
  if (complete) {
    try {
      JSON.parse(t);
      return true;
    } catch {
      return false;
    }
  }
  // Without the end of the file, accept an opening that only JSON would produce.
  return /^(\{\s*"(?:[^"\\\n]|\\.)*"\s*:|\[\s*(?:[[{"\d-]|true|false|null))/.test(t);
}

const CSV_DELIMITERS = [',', ';', '\t', '|'];
const MAX_CSV_ROWS = 100;

/**
 * Assemblyline does not trust libmagic's CSV guess: it wants more than two records with the same
 * number of fields. Quoted fields may contain delimiters and newlines.
 */
export function isCsv(text: string): boolean {
  for (const d of CSV_DELIMITERS) {
    const counts = csvFieldCounts(text, d);
    if (counts.length > 2 && counts[0] > 1 && counts.every((c) => c === counts[0])) return true;
  }
  return false;
}

function csvFieldCounts(text: string, delim: string): number[] {
  const counts: number[] = [];
  let fields = 1;
  let quoted = false;
  let rowHasData = false;
  for (let i = 0; i < text.length && counts.length < MAX_CSV_ROWS; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      rowHasData = true;
    } else if (c === delim) {
      fields++;
      rowHasData = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (rowHasData) counts.push(fields);
      fields = 1;
      rowHasData = false;
    } else {
      rowHasData = true;
    }
  }
  if (rowHasData && counts.length < MAX_CSV_ROWS) counts.push(fields);
  return counts;
}

const INI_SECTION = /^\[[^\]\r\n]{1,128}\]$/;
const INI_PAIR = /^[^=\s;#[][^=\r\n]{0,127}=/;

/**
 * INI files: a section header before any setting, and mostly section headers, key=value pairs and
 * comments. A little free text (some INI files carry notes) is tolerated.
 */
export function isIni(text: string): boolean {
  let sections = 0;
  let pairs = 0;
  let other = 0;
  let seen = 0;
  for (const raw of text.split('\n', 2000)) {
    const line = raw.trim();
    if (line === '' || line[0] === ';' || line[0] === '#') continue;
    seen++;
    if (INI_SECTION.test(line)) sections++;
    else if (INI_PAIR.test(line)) {
      if (sections === 0) return false;
      pairs++;
    } else {
      if (sections === 0) return false;
      other++;
    }
  }
  return seen > 0 && sections > 0 && pairs >= 2 && other * 4 <= pairs + sections;
}
