// OLE property sets ([MS-OLEPS]): the \x05SummaryInformation and \x05DocumentSummaryInformation streams that
// hold a document's author, title, times and code page. Only the simple property types documents use are
// decoded; every offset is checked against the stream so a forged count or offset just ends the walk.
import { decodeCodepage } from './ole.js';

export type PropValue = string | number | boolean | Date;

const SUMMARY_NAMES: Record<number, string> = {
  1: 'codepage', 2: 'title', 3: 'subject', 4: 'author', 5: 'keywords', 6: 'comments', 7: 'template',
  8: 'last_saved_by', 9: 'revision_number', 10: 'total_edit_time', 11: 'last_printed', 12: 'create_time',
  13: 'last_saved_time', 14: 'num_pages', 15: 'num_words', 16: 'num_chars', 18: 'creating_application', 19: 'security',
};
const DOC_SUMMARY_NAMES: Record<number, string> = {
  1: 'codepage', 2: 'category', 3: 'presentation_format', 4: 'bytes', 5: 'lines', 6: 'paragraphs', 7: 'slides',
  8: 'notes', 9: 'hidden_slides', 10: 'mm_clips', 11: 'scale_crop', 14: 'manager', 15: 'company', 16: 'links_dirty',
  23: 'app_version', 26: 'content_type', 27: 'content_status', 28: 'language', 29: 'doc_version',
};

const MAX_PROPERTIES = 256;
const MAX_STRING = 64 * 1024;
// FILETIME counts 100 ns intervals since 1601-01-01.
const FILETIME_EPOCH_DIFF = 11644473600000n;

function filetime(lo: number, hi: number, isDuration: boolean): Date | number | undefined {
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  if (ticks === 0n) return undefined;
  // Edit time is stored as a FILETIME that is really a duration.
  if (isDuration) return Number(ticks / 10_000_000n);
  const ms = ticks / 10_000n - FILETIME_EPOCH_DIFF;
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function readValue(b: Buffer, o: number, codepage: number | undefined, pid: number): PropValue | undefined {
  if (o + 4 > b.length) return undefined;
  const vt = b.readUInt16LE(o);
  const v = o + 4;
  switch (vt) {
    case 0x02: return v + 2 <= b.length ? b.readInt16LE(v) : undefined; // VT_I2
    case 0x03: case 0x16: return v + 4 <= b.length ? b.readInt32LE(v) : undefined; // VT_I4, VT_INT
    case 0x13: case 0x17: return v + 4 <= b.length ? b.readUInt32LE(v) : undefined; // VT_UI4, VT_UINT
    case 0x0b: return v + 2 <= b.length ? b.readUInt16LE(v) !== 0 : undefined; // VT_BOOL
    case 0x1e: { // VT_LPSTR: byte count including the terminator, text in the property set's code page
      if (v + 4 > b.length) return undefined;
      const n = Math.min(b.readUInt32LE(v), MAX_STRING, b.length - v - 4);
      const bytes = b.subarray(v + 4, v + 4 + n);
      const text = codepage === 1200 ? bytes.toString('utf16le') : decodeCodepage(bytes, codepage);
      return text.replace(/\0+$/, '');
    }
    case 0x1f: { // VT_LPWSTR: character count
      if (v + 4 > b.length) return undefined;
      const n = Math.min(b.readUInt32LE(v) * 2, MAX_STRING, b.length - v - 4);
      return b.subarray(v + 4, v + 4 + n).toString('utf16le').replace(/\0+$/, '');
    }
    case 0x40: // VT_FILETIME
      return v + 8 <= b.length ? filetime(b.readUInt32LE(v), b.readUInt32LE(v + 4), pid === 10) : undefined;
    default:
      return undefined;
  }
}

/** Properties of the first section of a property set stream, by name; empty for anything unreadable. */
export function parsePropertySet(b: Buffer, kind: 'summary' | 'docsummary'): Record<string, PropValue> {
  const names = kind === 'summary' ? SUMMARY_NAMES : DOC_SUMMARY_NAMES;
  const out: Record<string, PropValue> = {};
  if (b.length < 48 || b.readUInt16LE(0) !== 0xfffe) return out;
  const sectionOffset = b.readUInt32LE(44);
  if (sectionOffset + 8 > b.length) return out;
  const sec = b.subarray(sectionOffset);
  const count = Math.min(sec.readUInt32LE(4), MAX_PROPERTIES, Math.floor((sec.length - 8) / 8));
  const ids: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) ids.push([sec.readUInt32LE(8 + i * 8), sec.readUInt32LE(12 + i * 8)]);
  // The code page decides how the 8-bit strings read, so it is decoded first.
  let codepage: number | undefined;
  const cp = ids.find(([pid]) => pid === 1);
  if (cp) {
    const v = readValue(sec, cp[1], undefined, 1);
    if (typeof v === 'number') codepage = v < 0 ? v + 0x10000 : v;
  }
  for (const [pid, off] of ids) {
    const name = names[pid];
    if (!name) continue;
    const v = pid === 1 ? codepage : readValue(sec, off, codepage, pid);
    if (v !== undefined && v !== '') out[name] = v;
  }
  return out;
}

export function formatProp(v: PropValue): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

/** AL tag types for the metadata fields that have one. */
export const SUMMARY_TAGS: Record<string, string> = {
  author: 'file.ole.summary.author', codepage: 'file.ole.summary.codepage', comments: 'file.ole.summary.comment',
  company: 'file.ole.summary.company', create_time: 'file.ole.summary.create_time', last_printed: 'file.ole.summary.last_printed',
  last_saved_by: 'file.ole.summary.last_saved_by', last_saved_time: 'file.ole.summary.last_saved_time',
  manager: 'file.ole.summary.manager', subject: 'file.ole.summary.subject', title: 'file.ole.summary.title',
};
