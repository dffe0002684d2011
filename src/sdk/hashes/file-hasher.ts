// Every digest Assemblyline records for a file (md5, sha1, sha256, ssdeep, TLSH, byte entropy), plus
// the first bytes for type identification, computed in a single read of the file.

import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Ssdeep } from './ssdeep.js';
import { Tlsh } from './tlsh.js';

export const DEFAULT_HEADER_SIZE = 64 * 1024;
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;

export interface FileHashes {
  /** Number of bytes hashed. */
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
  /** ssdeep digest, as the `ssdeep` tool (libfuzzy 2.14) gives it; `3::` for empty input. */
  ssdeep: string;
  /**
   * TLSH as Assemblyline stores it (py-tlsh 4.x: "T1" and 70 hex digits), or null when the input is
   * shorter than 50 bytes or too uniform (the Python binding raises then and Assemblyline leaves the
   * field out).
   */
  tlsh: string | null;
  /** TLSH as the TLSH 3.4.4 tool prints it (Debian `tlsh -f`: 70 hex digits, at least 256 bytes), or null. */
  tlshLegacy: string | null;
  /** Shannon entropy of the byte values, in bits per byte (0–8), computed as Assemblyline does. */
  entropy: number;
  /** The first `headerSize` bytes (all of them if the input is shorter). */
  header: Buffer;
}

export interface FileHasherOptions {
  /** How many leading bytes to keep in `header`; default 64 KiB. */
  headerSize?: number;
  /**
   * The exact number of bytes that will be fed, when known in advance. Only makes ssdeep faster (it can
   * skip block sizes that cannot be chosen); `finish` throws if a different amount was fed.
   */
  expectedSize?: number;
}

/** Shannon entropy of a byte range, in bits per byte (see shannonEntropy). */
export function bytesEntropy(bytes: Uint8Array): number {
  const counts = new Uint32Array(256);
  for (let i = 0; i < bytes.length; i++) counts[bytes[i]!]!++;
  return shannonEntropy(counts, bytes.length);
}

/**
 * Shannon entropy in bits per byte from a byte histogram, following Assemblyline's calculation
 * (sum of p·log2(p) over byte values in increasing order, log2 taken as ln(p)/ln(2) like Python's
 * math.log(p, 2), negated, and never -0), so the float matches the one it stores, unrounded.
 */
export function shannonEntropy(counts: ArrayLike<number>, total: number): number {
  if (total === 0) return 0;
  let entropy = 0;
  for (let i = 0; i < 256; i++) {
    const v = counts[i];
    if (v) {
      const prob = v / total;
      entropy += prob * (Math.log(prob) / Math.LN2);
    }
  }
  entropy *= -1;
  return entropy === 0 ? 0 : entropy;
}

/** Adds the byte histogram of `data` to `totals`. */
function countBytes(data: Uint8Array, totals: Float64Array, scratch: Uint32Array): void {
  // Four interleaved histograms, so consecutive equal bytes do not each wait for the previous
  // increment of the same counter; merged once per chunk. Chunks are far below 2^32 bytes.
  scratch.fill(0);
  const len = data.length;
  const end4 = len - (len & 3);
  let i = 0;
  for (; i < end4; i += 4) {
    scratch[data[i] << 2]++;
    scratch[(data[i + 1] << 2) | 1]++;
    scratch[(data[i + 2] << 2) | 2]++;
    scratch[(data[i + 3] << 2) | 3]++;
  }
  for (; i < len; i++) scratch[data[i] << 2]++;
  for (let b = 0; b < 256; b++) {
    const k = b << 2;
    totals[b] += scratch[k] + scratch[k + 1] + scratch[k + 2] + scratch[k + 3];
  }
}

/**
 * Computes all digests of a stream fed chunk by chunk. Memory use is constant (the header copy plus
 * small fixed state), whatever the input size.
 */
export class FileHasher {
  private readonly md5: Hash = createHash('md5');
  private readonly sha1: Hash = createHash('sha1');
  private readonly sha256: Hash = createHash('sha256');
  private readonly ssdeep: Ssdeep;
  private readonly tlsh = new Tlsh();
  private readonly histogram = new Float64Array(256);
  private readonly scratch = new Uint32Array(1024);
  private readonly headerSize: number;
  private readonly headerParts: Buffer[] = [];
  private headerLength = 0;
  private size = 0;
  private finished = false;

  constructor(opts: FileHasherOptions = {}) {
    const headerSize = opts.headerSize ?? DEFAULT_HEADER_SIZE;
    if (!Number.isSafeInteger(headerSize) || headerSize < 0) throw new RangeError('headerSize must be a non-negative integer');
    this.headerSize = headerSize;
    this.ssdeep = new Ssdeep(opts.expectedSize);
  }

  update(chunk: Uint8Array): this {
    if (this.finished) throw new Error('FileHasher: update() after finish()');
    if (chunk.length === 0) return this;
    this.md5.update(chunk);
    this.sha1.update(chunk);
    this.sha256.update(chunk);
    this.ssdeep.update(chunk);
    this.tlsh.update(chunk);
    countBytes(chunk, this.histogram, this.scratch);
    if (this.headerLength < this.headerSize) {
      const take = Math.min(this.headerSize - this.headerLength, chunk.length);
      // A copy: the caller may reuse its buffer.
      this.headerParts.push(Buffer.from(chunk.subarray(0, take)));
      this.headerLength += take;
    }
    this.size += chunk.length;
    return this;
  }

  finish(): FileHashes {
    if (this.finished) throw new Error('FileHasher: finish() called twice');
    this.finished = true;
    const header = this.headerParts.length === 1 ? this.headerParts[0] : Buffer.concat(this.headerParts, this.headerLength);
    return {
      size: this.size,
      md5: this.md5.digest('hex'),
      sha1: this.sha1.digest('hex'),
      sha256: this.sha256.digest('hex'),
      ssdeep: this.ssdeep.digest(),
      tlsh: this.tlsh.digestT1(),
      tlshLegacy: this.tlsh.digest(),
      entropy: shannonEntropy(this.histogram, this.size),
      header,
    };
  }
}

export interface HashFileOptions {
  /** How many leading bytes to keep in `header`; default 64 KiB. */
  headerSize?: number;
  /** Read size; default 1 MiB. */
  chunkSize?: number;
  /** Stops reading (rejecting with the signal's reason) once aborted. */
  signal?: AbortSignal;
  /**
   * Two buffers of at least `chunkSize` bytes to read into, for a caller hashing one file after another: every
   * file otherwise allocates its own, and a busy thread's discarded buffers pile up outside the heap until a
   * collection. They must not be used by anything else until the call settles.
   */
  buffers?: [Buffer, Buffer];
}

/**
 * Hashes a file in one streaming read, `chunkSize` bytes at a time (the next read is in flight while
 * the current chunk is hashed). For a regular file exactly the size seen when it was opened is read;
 * if the file shrinks meanwhile the call fails rather than return digests of a mix of versions.
 */
export async function hashFile(path: string, opts: HashFileOptions = {}): Promise<FileHashes> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new RangeError('chunkSize must be a positive integer');
  opts.signal?.throwIfAborted();
  const fh = await open(path, 'r');
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    const st = await fh.stat();
    const regular = st.isFile();
    const hasher = new FileHasher({ headerSize: opts.headerSize, expectedSize: regular ? st.size : undefined });
    // Never more than the file needs, so small files cost small buffers.
    const bufSize = regular ? Math.max(1, Math.min(chunkSize, st.size)) : chunkSize;
    const given = opts.buffers && opts.buffers[0].length >= bufSize && opts.buffers[1].length >= bufSize;
    let current = given ? opts.buffers![0].subarray(0, bufSize) : Buffer.allocUnsafe(bufSize);
    let spare = given ? opts.buffers![1].subarray(0, bufSize) : Buffer.allocUnsafe(bufSize);
    let remaining = regular ? st.size : Infinity;
    const readInto = (buf: Buffer) =>
      remaining > 0 ? fh.read(buf, 0, Math.min(buf.length, remaining), null) : Promise.resolve({ bytesRead: 0 });
    pending = readInto(current);
    for (;;) {
      const { bytesRead } = await pending;
      opts.signal?.throwIfAborted();
      if (bytesRead === 0) break;
      remaining -= bytesRead;
      const filled = current;
      pending = readInto(spare);
      hasher.update(filled.subarray(0, bytesRead));
      current = spare;
      spare = filled;
    }
    try {
      return hasher.finish();
    } catch (err) {
      if (regular) throw new Error(`${path}: file changed while it was being hashed`, { cause: err });
      throw err;
    }
  } finally {
    // A read may still be in flight if hashing threw; let it settle before closing the descriptor.
    await pending?.catch(() => undefined);
    await fh.close();
  }
}
