// The shared sample corpus, which lives next to the repository (`<repo>/../shared/corpus`) and is never copied
// into it, and the pointer files by which testdata/ names its samples (format in testdata/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { decodeIntelHex, unzipSingle } from './yarax-samples.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CORPUS = resolve(REPO_ROOT, '../shared/corpus');

/** One step from the stored file to the input, applied in the order written. */
export type Decoding = { kind: 'base64' } | { kind: 'ihex' } | { kind: 'zip'; member?: string };

export interface CorpusPointer {
  /** Path under the corpus, with forward slashes. */
  path: string;
  decodings: Decoding[];
}

function decoding(word: string): Decoding {
  if (word === 'base64' || word === 'ihex') return { kind: word };
  if (word === 'zip') return { kind: 'zip' };
  if (word.startsWith('zip:') && word.length > 4) return { kind: 'zip', member: word.slice(4) };
  throw new Error(`unknown decoding "${word}" (base64, ihex, zip or zip:<member>)`);
}

/** Reads a pointer: one line "<path under the corpus> [decoding ...]"; blank lines and "#" comments aside. */
export function parsePointer(text: string): CorpusPointer {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length !== 1) throw new Error(`a corpus pointer holds one line, found ${lines.length}`);
  const [path, ...steps] = lines[0]!.split(/\s+/);
  if (!path || path.startsWith('/') || path.split('/').includes('..')) throw new Error(`not a path under the corpus: ${path}`);
  return { path, decodings: steps.map(decoding) };
}

async function unzipMember(data: Buffer, member: string): Promise<Buffer> {
  const zip = new ZipReader(new BlobReader(new Blob([data])), { useWebWorkers: false });
  try {
    const entry = (await zip.getEntries()).find((e) => e.filename === member);
    if (!entry || entry.directory || !entry.getData) throw new Error(`no member ${member}`);
    return Buffer.from(await entry.getData(new Uint8ArrayWriter()));
  } finally {
    await zip.close();
  }
}

/** Whether the pointed-at corpus file is present (the corpus is optional outside CI). */
export function pointerAvailable(p: CorpusPointer): boolean {
  return existsSync(resolve(CORPUS, p.path));
}

/** The input bytes a pointer names. */
export async function readPointer(p: CorpusPointer): Promise<Buffer> {
  const file = resolve(CORPUS, p.path);
  let data: Buffer = readFileSync(file);
  let first = true;
  for (const d of p.decodings) {
    if (d.kind === 'base64') data = Buffer.from(data.toString('latin1'), 'base64');
    else if (d.kind === 'ihex') {
      // A file that is not Intel HEX would decode to nothing, silently.
      if (data[0] !== 0x3a) throw new Error(`${p.path}: not Intel HEX text`);
      data = decodeIntelHex(data.toString('latin1'));
    } else if (d.member !== undefined) data = await unzipMember(data, d.member);
    // The single-entry reader falls back to the system's 7z for entries zip.js cannot read; it wants a path.
    else if (first) data = await unzipSingle(file);
    else throw new Error(`${p.path}: "zip" after another decoding must name its member`);
    first = false;
  }
  return data;
}
