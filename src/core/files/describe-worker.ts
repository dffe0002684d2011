// Child process that describes files (one-pass hashes, then identification), so the CPU-heavy part of taking
// in a file runs beside the event loop instead of on it. A process rather than a thread: when it stops, all its
// memory goes back to the system (a thread's malloc arenas stay with the server, partly resident, for good).
import { DEFAULT_CHUNK_SIZE, hashFile } from '../../sdk/hashes/file-hasher.js';
import { createIdentifier, IDENTIFY_HEADER_BYTES } from '../identify/index.js';
import type { FileFacts } from './file-record.js';

const identifier = await createIdentifier();

/** Read buffers kept between files (the pool gives a process a job or two at a time), instead of 2 MiB per file. */
const spareBuffers: Array<[Buffer, Buffer]> = [];

export async function describeFile(path: string, name?: string): Promise<FileFacts> {
  const buffers = spareBuffers.pop() ?? [Buffer.allocUnsafeSlow(DEFAULT_CHUNK_SIZE), Buffer.allocUnsafeSlow(DEFAULT_CHUNK_SIZE)];
  let d;
  try {
    d = await hashFile(path, { headerSize: IDENTIFY_HEADER_BYTES, buffers });
  } finally {
    spareBuffers.push(buffers);
  }
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

const reply = (m: { id: number; facts?: FileFacts; error?: string }) => process.send?.(m, undefined, {}, () => {});

if (process.send) {
  process.on('message', (m: { id: number; path: string; name?: string }) => {
    describeFile(m.path, m.name).then(
      (facts) => reply({ id: m.id, facts }),
      (err: Error) => reply({ id: m.id, error: err.message }),
    );
  });
  // The server went away (or stopped this process): nothing is left to answer to.
  process.on('disconnect', () => process.exit(0));
  reply({ id: 0 }); // ready
}
