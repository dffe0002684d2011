// Worker thread that describes files (one-pass hashes, then identification), so the CPU-heavy part of taking
// in a file runs beside the event loop instead of on it.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashFile } from '../hashes/file-hasher.js';
import { createIdentifier, IDENTIFY_HEADER_BYTES } from '../identify/index.js';
import type { FileFacts } from './file-record.js';

// Describing files is background work beside the API. On Linux a nice value belongs to a thread, so this lowers
// the priority of this worker thread only; elsewhere it would reach the whole process, so it is left alone.
const niceness = (workerData as { niceness?: number } | undefined)?.niceness ?? 0;
if (niceness > 0 && process.platform === 'linux') {
  try {
    setPriority(niceness);
  } catch {
    // Not permitted here: run at the normal priority.
  }
}

const identifier = await createIdentifier();

export async function describeFile(path: string, name?: string): Promise<FileFacts> {
  const d = await hashFile(path, { headerSize: IDENTIFY_HEADER_BYTES });
  // After libmagic failed on a hostile file it is reloaded; waiting keeps the labels of the next files exact.
  await identifier.ready();
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
