// The filestore: content-addressed blobs keyed by sha256. Embedded engine = a local directory; scale-out
// engine = S3-compatible object storage. Callers never learn where bytes physically live.
import type { Readable } from 'node:stream';

export type BlobSource = Uint8Array | Readable | { path: string };

export interface Filestore {
  readonly engine: string;
  /**
   * Store the blob. The engine verifies the bytes hash to `sha256` and rejects a mismatch, unless the caller
   * says it has just hashed these very bytes itself (`verified`), which saves a second read.
   */
  put(sha256: string, source: BlobSource, opts?: PutOptions): Promise<void>;
  get(sha256: string): Promise<Buffer | null>;
  /** A stream of the blob, or null when absent. `start`/`end` are inclusive byte offsets. */
  stream(sha256: string, range?: { start?: number; end?: number }): Promise<Readable | null>;
  exists(sha256: string): Promise<boolean>;
  size(sha256: string): Promise<number | null>;
  delete(sha256: string): Promise<boolean>;
  /** A local path to read the blob from, downloading it to a temporary file if the engine is remote. */
  localPath(sha256: string): Promise<LocalFile | null>;
  close(): Promise<void>;
}

/** A blob readable at a local path until released. */
export interface LocalFile {
  path: string;
  release(): Promise<void>;
}

export interface PutOptions {
  /** The caller has just hashed these very bytes: skip verifying them again. */
  verified?: boolean;
  /** A `{path}` source is a temporary file the caller gives up: it may be moved instead of copied. */
  consume?: boolean;
}

export class HashMismatchError extends Error {
  constructor(expected: string, actual: string) {
    super(`content hash ${actual} does not match the expected sha256 ${expected}`);
    this.name = 'HashMismatchError';
  }
}

export function assertSha256(s: string): void {
  if (!/^[0-9a-f]{64}$/.test(s)) throw new Error(`not a lowercase hex sha256: ${JSON.stringify(s)}`);
}
