// Compound File Binary (OLE2) access through the cfb library: the flat list of storages and streams with
// their paths relative to the root, sizes as the directory declares them, and content as far as it could be
// read (a damaged FAT leaves a stream shorter than its declared size; that is reported, not fatal).
import * as CFB from 'cfb';
import { loopingChain } from './fat-chains.js';

export const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export type OleEntryType = 'root' | 'storage' | 'stream';

export interface OleEntry {
  /** Path below the root, '/'-separated ("Macros/VBA/dir"); the root itself is "". */
  path: string;
  name: string;
  type: OleEntryType;
  /** Size declared by the directory entry. */
  size: number;
  content: Buffer;
  clsid?: string;
}

export interface OleDoc {
  entries: OleEntry[];
  rootClsid?: string;
  streams(): OleEntry[];
  /** Case-insensitive lookup by path below the root. */
  get(path: string): OleEntry | undefined;
}

export function isOle(buf: Uint8Array): boolean {
  return buf.length >= 512 && OLE_MAGIC.equals(Buffer.from(buf.subarray(0, 8)));
}

const TYPES: Record<number, OleEntryType> = { 1: 'storage', 2: 'stream', 5: 'root' };

/** Parses a compound file; throws with cfb's message when the header itself is unusable. */
export function openOle(buf: Buffer): OleDoc {
  // cfb also reads zip files as containers: only hand it real compound files.
  if (!isOle(buf)) throw new Error('not a compound file (no OLE signature)');
  const loop = loopingChain(buf);
  if (loop) throw new Error(loop);
  const c = CFB.read(buf, { type: 'buffer' });
  const entries: OleEntry[] = [];
  let rootClsid: string | undefined;
  c.FileIndex.forEach((e, i) => {
    const type = TYPES[e.type];
    if (!type) return;
    const full = c.FullPaths[i] ?? e.name;
    const parts = full.split('/').filter(Boolean);
    // cfb prefixes everything with the root's name; entries it could not attach to the root keep their own path.
    if (parts[0] === c.FileIndex[0]?.name && c.FileIndex[0]?.type === 5) parts.shift();
    const content = e.content ? Buffer.from(e.content as Uint8Array) : Buffer.alloc(0);
    const clsid = e.clsid && !/^0+$/.test(e.clsid) ? formatClsid(e.clsid) : undefined;
    if (type === 'root') rootClsid = clsid;
    entries.push({ path: type === 'root' ? '' : parts.join('/'), name: e.name, type, size: e.size, content, clsid });
  });
  const byPath = new Map<string, OleEntry>();
  for (const e of entries) if (!byPath.has(e.path.toLowerCase())) byPath.set(e.path.toLowerCase(), e);
  return {
    entries,
    rootClsid,
    streams: () => entries.filter((e) => e.type === 'stream'),
    get: (path) => byPath.get(path.toLowerCase()),
  };
}

/** cfb gives the CLSID as the 16 raw bytes in hex; this is the usual registry spelling. */
function formatClsid(hex: string): string {
  const b = Buffer.from(hex, 'hex');
  if (b.length !== 16) return hex.toUpperCase();
  const rev = (s: number, e: number) => Buffer.from(b.subarray(s, e)).reverse().toString('hex');
  return `${rev(0, 4)}-${rev(4, 6)}-${rev(6, 8)}-${b.subarray(8, 10).toString('hex')}-${b.subarray(10, 16).toString('hex')}`.toUpperCase();
}

/** Display name of a stream: control characters that prefix special streams ("\x05SummaryInformation") dropped. */
export function displayName(name: string): string {
  return name.replace(/^[\x00-\x1f]+/, '');
}

/** Word-processing text encodings by Windows code page; unknown pages fall back to latin1. */
const CODEPAGES: Record<number, string> = {
  874: 'windows-874', 932: 'shift_jis', 936: 'gbk', 949: 'euc-kr', 950: 'big5', 1200: 'utf-16le', 1201: 'utf-16be',
  10000: 'macintosh', 20866: 'koi8-r', 28591: 'iso-8859-1', 65001: 'utf-8', 866: 'ibm866',
};

export function decodeCodepage(bytes: Uint8Array, codepage: number | undefined): string {
  let label = codepage !== undefined ? CODEPAGES[codepage] : undefined;
  if (!label && codepage !== undefined && codepage >= 1250 && codepage <= 1258) label = `windows-${codepage}`;
  if (label) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // The runtime lacks that encoding: fall through to latin1.
    }
  }
  return Buffer.from(bytes).toString('latin1');
}
