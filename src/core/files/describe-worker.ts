// Worker thread that describes files (one-pass hashes, then identification), so the CPU-heavy part of taking
// in a file runs beside the event loop instead of on it.
import { parentPort } from 'node:worker_threads';
import { hashFile } from '../hashes/file-hasher.js';
import { createIdentifier, IDENTIFY_HEADER_BYTES } from '../identify/index.js';
import type { FileFacts } from './file-record.js';

const identifier = await createIdentifier();

export async function describeFile(path: string, name?: string): Promise<FileFacts> {
  const d = await hashFile(path, { headerSize: IDENTIFY_HEADER_BYTES });
  const ident = identifier.identify(d.header, { size: d.size, name, path });
  return {
    sha256: d.sha256,
    sha1: d.sha1,
    md5: d.md5,
    ssdeep: d.ssdeep,
    tlsh: d.tlsh,
    size: d.size,
    entropy: d.entropy,
    type: d.size === 0 ? 'empty' : ident.type,
    magic: ident.magic,
    mime: ident.mime,
    // Only the first 64 bytes travel back (the record keeps them as ascii/hex).
    header: d.header.subarray(0, 64),
  };
}

parentPort?.on('message', (m: { id: number; path: string; name?: string }) => {
  describeFile(m.path, m.name).then(
    (facts) => parentPort!.postMessage({ id: m.id, facts }),
    (err: Error) => parentPort!.postMessage({ id: m.id, error: err.message }),
  );
});
