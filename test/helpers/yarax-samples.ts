// The binary samples of the YARA-X module corpus (`../shared/corpus/yarax-modules/<module>/<name>.in[.zip]`):
// YARA-X keeps its test binaries as Intel HEX text, usually inside a one-entry zip.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BlobReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';

/** Decodes Intel HEX text: data records (00) at addresses extended by segment (02) or linear (04) records, until EOF (01). */
export function decodeIntelHex(text: string): Buffer {
  const chunks: Array<[number, Buffer]> = [];
  let base = 0;
  let end = 0;
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith(':')) continue;
    const rec = Buffer.from(line.slice(1).trim(), 'hex');
    const [len, type] = [rec[0]!, rec[3]!];
    const data = rec.subarray(4, 4 + len);
    if (type === 0x00) {
      const at = base + rec.readUInt16BE(1);
      chunks.push([at, data]);
      end = Math.max(end, at + len);
    } else if (type === 0x02) base = data.readUInt16BE(0) * 16;
    else if (type === 0x04) base = data.readUInt16BE(0) * 65536;
    else if (type === 0x01) break;
  }
  const out = Buffer.alloc(end);
  for (const [at, d] of chunks) d.copy(out, at);
  return out;
}

/** The single entry of a zip; Debian's 7z reads the entries zip.js cannot. */
export async function unzipSingle(path: string): Promise<Buffer> {
  const zip = new ZipReader(new BlobReader(new Blob([readFileSync(path)])), { useWebWorkers: false });
  try {
    const [entry] = await zip.getEntries();
    if (entry && !entry.directory && entry.getData) return Buffer.from(await entry.getData(new Uint8ArrayWriter()));
  } finally {
    await zip.close();
  }
  const r = spawnSync('7z', ['x', '-so', path], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`cannot unpack ${path}`);
  return r.stdout;
}

/** The sample bytes: `<base>.in` or the single entry of `<base>.in.zip`, decoded from Intel HEX when it is that. */
export async function readSample(base: string): Promise<Buffer> {
  const stored = existsSync(`${base}.in`) ? readFileSync(`${base}.in`) : await unzipSingle(`${base}.in.zip`);
  return stored[0] === 0x3a ? decodeIntelHex(stored.toString('latin1')) : stored;
}
