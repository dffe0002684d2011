// OLE2 / Compound File Binary documents (Word 97-2003, Excel, PowerPoint, MSI, Outlook .msg, ...).
// libmagic only reads the summary-information stream, which many files lack or hide ("Cannot read
// section info"). We walk the directory ourselves and decide from the top-level stream names and the
// root CLSID. Large files may be truncated in the header; reads beyond it go through the FileView,
// and when nothing is reachable we fall back to searching the header for directory names.
import { FileView, hasBytes, indexOfBytes, u16le, u32le } from './source.js';

export const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

// Root-entry CLSIDs that name the producing application (from the Assemblyline vocabulary).
const CLSID_TYPES: Record<string, string> = {
  '00020803-0000-0000-C000-000000000046': 'document/office/word', // MS Graph Chart
  '00020900-0000-0000-C000-000000000046': 'document/office/word', // Word 6.0/95
  '00020901-0000-0000-C000-000000000046': 'document/office/word', // Word picture
  '00020906-0000-0000-C000-000000000046': 'document/office/word', // Word 97-2003
  '00020907-0000-0000-C000-000000000046': 'document/office/word',
  '00020C01-0000-0000-C000-000000000046': 'document/office/excel',
  '00020821-0000-0000-C000-000000000046': 'document/office/excel',
  '00020820-0000-0000-C000-000000000046': 'document/office/excel', // Excel 97-2003
  '00020810-0000-0000-C000-000000000046': 'document/office/excel', // Excel 5.0/95
  '00021A14-0000-0000-C000-000000000046': 'document/office/visio',
  '0002CE02-0000-0000-C000-000000000046': 'document/office/equation', // Equation Editor 3.0
  '0003000A-0000-0000-C000-000000000046': 'document/office/paintbrush',
  '0003000C-0000-0000-C000-000000000046': 'document/office/package', // OLE Package
  '000C1084-0000-0000-C000-000000000046': 'document/installer/windows', // MSI
  '00020D0B-0000-0000-C000-000000000046': 'document/office/email', // Outlook item
  '29130400-2EED-1069-BF5D-00DD011186B7': 'document/office/wordpro',
  '46E31370-3F7A-11CE-BED6-00AA00611080': 'document/office/word', // Forms 2.0 MultiPage
  '5512D110-5CC6-11CF-8D67-00AA00BDCE1D': 'document/office/word', // Forms 2.0 HTML controls
  '5512D11A-5CC6-11CF-8D67-00AA00BDCE1D': 'document/office/word',
  '5512D11C-5CC6-11CF-8D67-00AA00BDCE1D': 'document/office/word',
  '64818D10-4F9B-11CF-86EA-00AA00B929E8': 'document/office/powerpoint',
  '64818D11-4F9B-11CF-86EA-00AA00B929E8': 'document/office/powerpoint',
  '11943940-36DE-11CF-953E-00C0A84029E9': 'document/office/word', // Photo Editor
  'B801CA65-A1FC-11D0-85AD-444553540000': 'document/pdf', // embedded Acrobat document
  'A25250C4-50C1-11D3-8EA3-0090271BECDD': 'document/office/wordperfect',
  'C62A69F0-16DC-11CE-9E98-00AA00574A4F': 'document/office/word', // Forms 2.0 Form
  'F4754C9B-64F5-4B40-8AF4-679732AC0607': 'document/office/word', // Word.Document.12
  'BDD1F04B-858B-11D1-B16A-00C0F0283628': 'document/office/word', // ListView control
};

// libmagic's MIME for a CFB file, used when neither streams nor CLSID decided.
const MIME_TYPES: Record<string, string> = {
  'application/msword': 'document/office/word',
  'application/vnd.ms-excel': 'document/office/excel',
  'application/vnd.ms-powerpoint': 'document/office/powerpoint',
  'application/vnd.ms-outlook': 'document/office/email',
  'application/vnd.ms-msi': 'document/installer/windows',
  'application/x-msi': 'document/installer/windows',
  'application/encrypted': 'document/office/passwordprotected',
  'application/x-hwp': 'document/office/hwp',
};

const PROTECTED = 'document/office/passwordprotected';
const END_OF_CHAIN = 0xfffffffe;
const MAX_SPECIAL_SID = 0xfffffffa;
const NO_STREAM = 0xffffffff;
const MAX_DIR_SECTORS = 4096;

interface DirEntry {
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
  clsid: Uint8Array;
  start: number;
  size: number;
}

class Cfb {
  readonly sectorSize: number;
  readonly miniCutoff: number;
  private readonly difat: number[] = [];
  private readonly view: FileView;

  constructor(view: FileView, header: Uint8Array) {
    this.view = view;
    this.sectorSize = 1 << u16le(header, 0x1e);
    this.miniCutoff = u32le(header, 0x38) || 4096;
    for (let i = 0; i < 109; i++) {
      const sid = u32le(header, 0x4c + i * 4);
      if (sid >= MAX_SPECIAL_SID) break;
      this.difat.push(sid);
    }
    // Files with more than 109 FAT sectors chain further DIFAT sectors.
    let next = u32le(header, 0x44);
    const perSector = this.sectorSize / 4 - 1;
    const seen = new Set<number>();
    while (next < MAX_SPECIAL_SID && !seen.has(next) && seen.size < 1024) {
      seen.add(next);
      const sec = this.sector(next);
      if (!sec) break;
      for (let i = 0; i < perSector; i++) {
        const sid = u32le(sec, i * 4);
        if (sid < MAX_SPECIAL_SID) this.difat.push(sid);
      }
      next = u32le(sec, perSector * 4);
    }
  }

  sector(sid: number): Uint8Array | undefined {
    const s = this.view.read((sid + 1) * this.sectorSize, this.sectorSize);
    return s && s.length === this.sectorSize ? s : undefined;
  }

  /** Next sector in a chain, or undefined when the FAT sector is unreadable. */
  next(sid: number): number | undefined {
    const perSector = this.sectorSize / 4;
    const fatSid = this.difat[Math.floor(sid / perSector)];
    if (fatSid === undefined) return undefined;
    const entry = this.view.read((fatSid + 1) * this.sectorSize + (sid % perSector) * 4, 4);
    return entry && entry.length === 4 ? u32le(entry, 0) : undefined;
  }

  directory(first: number): DirEntry[] {
    const entries: DirEntry[] = [];
    const seen = new Set<number>();
    let sid = first;
    while (sid < MAX_SPECIAL_SID && !seen.has(sid) && seen.size < MAX_DIR_SECTORS) {
      seen.add(sid);
      const sec = this.sector(sid);
      if (!sec) break;
      for (let o = 0; o + 128 <= sec.length; o += 128) entries.push(parseEntry(sec, o));
      const n = this.next(sid);
      if (n === undefined) break;
      sid = n;
    }
    return entries;
  }
}

function parseEntry(b: Uint8Array, o: number): DirEntry {
  const nameLen = Math.min(u16le(b, o + 0x40), 64);
  const name = nameLen >= 2 ? Buffer.from(b.subarray(o, o + nameLen - 2)).toString('utf16le') : '';
  return {
    name,
    type: b[o + 0x42],
    left: u32le(b, o + 0x44),
    right: u32le(b, o + 0x48),
    child: u32le(b, o + 0x4c),
    clsid: b.subarray(o + 0x50, o + 0x60),
    start: u32le(b, o + 0x74),
    size: u32le(b, o + 0x78),
  };
}

/** The root's direct children, found by walking its red-black sibling tree. */
function topLevel(entries: DirEntry[]): DirEntry[] {
  const root = entries[0];
  if (!root || root.type !== 5) return [];
  const out: DirEntry[] = [];
  const stack = [root.child];
  const seen = new Set<number>();
  while (stack.length) {
    const id = stack.pop()!;
    if (id === NO_STREAM || id >= entries.length || seen.has(id)) continue;
    seen.add(id);
    const e = entries[id];
    if (e.type === 0) continue;
    out.push(e);
    stack.push(e.left, e.right);
  }
  return out;
}

export function formatClsid(b: Uint8Array): string {
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Array.from(b.subarray(from, to));
    if (reverse) part.reverse();
    return part.map((x) => x.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`.toUpperCase();
}

/** Assemblyline label for a compound file. `mime` is libmagic's opinion, used as a fallback. */
export function oleLabel(view: FileView, mime: string): string | undefined {
  const h = view.header;
  if (!hasBytes(h, 0, OLE_SIGNATURE) || h.length < 512) return undefined;
  const shift = u16le(h, 0x1e);
  const cfb = shift >= 7 && shift <= 16 ? new Cfb(view, h) : undefined;
  const entries = cfb ? cfb.directory(u32le(h, 0x30)) : [];

  const top = topLevel(entries);
  // A damaged tree still leaves usable names; judge from every entry we managed to read.
  const pool = top.length > 0 ? top : entries.slice(1);
  const names = new Map<string, DirEntry>();
  for (const e of pool) if (!names.has(e.name)) names.set(e.name, e);

  let label = cfb && names.size > 0 ? byStreams(cfb, names) : undefined;
  if (!label && entries[0]) label = CLSID_TYPES[formatClsid(entries[0].clsid)];
  if (!label && entries.length === 0) label = byHeaderScan(h);
  if (!label) label = MIME_TYPES[mime];
  if (!label && names.has('Details') && entries[0] && entries[0].clsid.every((x) => x === 0)) {
    label = 'quarantine/mcafee';
  }
  return label ?? 'document/office/unknown';
}

function byStreams(cfb: Cfb, names: Map<string, DirEntry>): string | undefined {
  if (names.has('EncryptedPackage')) return PROTECTED;
  const word = names.get('WordDocument');
  if (word) return wordEncrypted(cfb, word) ? PROTECTED : 'document/office/word';
  const book = names.get('Workbook') ?? names.get('Book');
  if (book) return excelEncrypted(cfb, book) ? PROTECTED : 'document/office/excel';
  if (names.has('PowerPoint Document')) {
    return names.has('EncryptedSummary') ? PROTECTED : 'document/office/powerpoint';
  }
  for (const n of names.keys()) {
    if (n.startsWith('__substg1.0_') || n === '__properties_version1.0' || n === '__nameid_version1.0') {
      return 'document/office/email';
    }
  }
  if (names.has('VisioDocument')) return 'document/office/visio';
  if (names.has('HwpSummaryInformation')) return 'document/office/hwp';
  if (names.has('Equation Native')) return 'document/office/equation';
  return undefined;
}

// The Word File Information Block starts the WordDocument stream: wIdent 0xA5EC, then a flags
// word whose fEncrypted bit (0x0100) marks password-protected documents.
function wordEncrypted(cfb: Cfb, e: DirEntry): boolean {
  if (e.size < cfb.miniCutoff || e.start >= MAX_SPECIAL_SID) return false;
  const fib = cfb.sector(e.start);
  return !!fib && u16le(fib, 0) === 0xa5ec && (u16le(fib, 0x0a) & 0x0100) !== 0;
}

// BIFF8 workbooks announce encryption with a FILEPASS record (0x002F) right after the opening BOF.
function excelEncrypted(cfb: Cfb, e: DirEntry): boolean {
  if (e.size < cfb.miniCutoff || e.start >= MAX_SPECIAL_SID) return false;
  const sec = cfb.sector(e.start);
  if (!sec) return false;
  let o = 0;
  for (let n = 0; n < 32 && o + 4 <= sec.length; n++) {
    const type = u16le(sec, o);
    if (type === 0x002f) return true;
    if (type === 0x000a) break;
    o += 4 + u16le(sec, o + 2);
  }
  return false;
}

const NAME_NEEDLES: [Buffer, string][] = [
  [Buffer.from('EncryptedPackage', 'utf16le'), PROTECTED],
  [Buffer.from('WordDocument', 'utf16le'), 'document/office/word'],
  [Buffer.from('Workbook', 'utf16le'), 'document/office/excel'],
  [Buffer.from('PowerPoint Document', 'utf16le'), 'document/office/powerpoint'],
  [Buffer.from('__substg1.0_', 'utf16le'), 'document/office/email'],
];

// Last resort when the directory itself is out of reach: directory entries start with the
// UTF-16 name, so a known stream name in the bytes we hold is good evidence.
function byHeaderScan(h: Uint8Array): string | undefined {
  for (const [needle, label] of NAME_NEEDLES) if (indexOfBytes(h, needle, 512) >= 0) return label;
  return undefined;
}
