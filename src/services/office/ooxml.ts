// Office Open XML packages (docx/xlsx/pptx and their macro-enabled forms): a zip of parts. The parts list,
// relationships (external targets are how template injection and remote objects load), vbaProject.bin,
// embedded objects and ActiveX controls, DDE fields in WordprocessingML and DDE links in SpreadsheetML, and
// Excel 4.0 macro sheets.
import { Uint8ArrayReader, Writer, ZipReader, type Entry } from '@zip.js/zip.js';
import { XMLParser } from 'fast-xml-parser';

export interface Relationship {
  source: string;
  id: string;
  /** Last segment of the relationship type URI, lower-cased ("attachedtemplate", "oleobject"). */
  type: string;
  target: string;
  external: boolean;
}

export interface OoxmlPart {
  name: string;
  size: number;
  /** Content, unless the part is over the size limit or could not be inflated. */
  data?: Buffer;
  error?: string;
}

export interface OoxmlPackage {
  parts: OoxmlPart[];
  relationships: Relationship[];
  truncated: boolean;
}

const MAX_PARTS = 5000;
/** Inflated bytes held for one package at most: many parts just under the part limit must not add up to a bomb. */
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, processEntities: true, htmlEntities: false });

/** Collects a part's bytes and fails once they exceed the limit: the declared size of an entry can lie. */
class BoundedWriter extends Writer<Buffer> {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override async writeUint8Array(array: Uint8Array): Promise<void> {
    this.total += array.length;
    if (this.total > this.limit) throw new Error('part inflates beyond the size limit');
    this.chunks.push(Buffer.from(array));
  }
  override async getData(): Promise<Buffer> {
    return Buffer.concat(this.chunks);
  }
}

export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

export async function readPackage(buf: Buffer, maxPartBytes: number, signal: AbortSignal): Promise<OoxmlPackage> {
  const reader = new ZipReader(new Uint8ArrayReader(buf), { useWebWorkers: false });
  const pkg: OoxmlPackage = { parts: [], relationships: [], truncated: false };
  let entries: Entry[];
  try {
    entries = await reader.getEntries();
  } catch (e) {
    throw new Error(`zip directory unreadable: ${(e as Error).message}`);
  }
  let total = 0;
  for (const e of entries.slice(0, MAX_PARTS)) {
    signal.throwIfAborted();
    if (e.directory) continue;
    const part: OoxmlPart = { name: e.filename, size: e.uncompressedSize };
    if (e.uncompressedSize > maxPartBytes || total + e.uncompressedSize > MAX_TOTAL_BYTES) part.error = 'over the part size limit';
    else if (e.getData) {
      try {
        part.data = await e.getData(new BoundedWriter(Math.min(maxPartBytes, MAX_TOTAL_BYTES - total)), { signal });
        total += part.data.length;
      } catch (err) {
        part.error = (err as Error).message;
        if (/size limit/.test(part.error)) part.error = 'over the part size limit';
      }
    }
    pkg.parts.push(part);
  }
  pkg.truncated = entries.length > MAX_PARTS;
  await reader.close();
  for (const p of pkg.parts) if (p.data && p.name.endsWith('.rels')) pkg.relationships.push(...parseRels(p.name, p.data));
  return pkg;
}

/** "word/_rels/document.xml.rels" describes "word/document.xml". */
function relsSource(relsPath: string): string {
  return relsPath.replace(/(^|\/)_rels\/([^/]+)\.rels$/, '$1$2');
}

export function parseRels(path: string, data: Buffer): Relationship[] {
  let doc: any;
  try {
    doc = parser.parse(data.toString('utf8'));
  } catch {
    return [];
  }
  const rels = doc?.Relationships?.Relationship;
  const list: any[] = Array.isArray(rels) ? rels : rels ? [rels] : [];
  return list.filter((r) => r && typeof r === 'object').map((r) => ({
    source: relsSource(path),
    id: String(r.Id ?? ''),
    type: String(r.Type ?? '').split('/').pop()!.toLowerCase(),
    target: String(r.Target ?? ''),
    external: String(r.TargetMode ?? '').toLowerCase() === 'external',
  }));
}

export const unescapeXml = (s: string) => s
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
  .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16) & 0x10ffff))
  .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d) & 0x10ffff)).replace(/&amp;/g, '&');

/**
 * Field instructions of a WordprocessingML part: complex fields (w:fldChar begin … w:instrText … end, whose
 * instruction is often split over many runs to hide it) and simple fields (w:fldSimple w:instr).
 */
export function fieldInstructions(xml: string): string[] {
  const out: string[] = [];
  const re = /<w:fldChar\b[^>]*w:fldCharType="(begin|separate|end)"[^>]*>|<w:instrText\b[^>]*>([^<]*)<\/w:instrText>|<w:fldSimple\b[^>]*w:instr="([^"]*)"/g;
  const stack: string[] = [];
  let collecting = false;
  for (const m of xml.matchAll(re)) {
    if (m[1] === 'begin') {
      stack.push('');
      collecting = true;
    } else if (m[1] === 'separate') collecting = false;
    else if (m[1] === 'end') {
      const instr = stack.pop();
      if (instr !== undefined && instr.trim()) out.push(unescapeXml(instr).trim());
      collecting = stack.length > 0;
    } else if (m[2] !== undefined && collecting && stack.length) stack[stack.length - 1] += m[2];
    else if (m[3] !== undefined) out.push(unescapeXml(m[3]).trim());
    if (out.length > 10_000) break;
  }
  // An unterminated field (truncated file) still counts.
  for (const s of stack) if (s.trim()) out.push(unescapeXml(s).trim());
  return out;
}

/** DDE links of SpreadsheetML external link parts (<ddeLink ddeService="cmd" ddeTopic="/c calc">). */
export function ddeLinks(xml: string): string[] {
  const out: string[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?ddeLink\b([^>]*)>/g)) {
    const service = /ddeService="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
    const topic = /ddeTopic="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
    out.push(unescapeXml(`${service}|${topic}`));
  }
  return out;
}
