// Streaming CaRT decoder. The data section has no stored length: it ends where the zlib stream ends. So the
// input is decrypted with the data keystream and fed to zlib, which stops at its end marker and ignores what
// follows; how much zlib consumed (`bytesWritten`) then gives the data end, and the optional footer is the raw
// input from there. Raw chunks are kept only until zlib has consumed them, plus a small tail, so memory stays
// bounded. The decoded output is ended only after the footer has been validated.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflate } from 'node:zlib';
import type { CartInput } from './encode.js';
import {
  BLOCK_SIZE,
  CartFormatError,
  CartKeyError,
  checkKey,
  decryptMetadata,
  isZeroKey,
  MANDATORY_FOOTER_SIZE,
  MANDATORY_HEADER_SIZE,
  parseMandatoryFooter,
  parseMandatoryHeader,
  type MandatoryHeader,
} from './format.js';
import { Rc4 } from './rc4.js';

export interface CartDecodeOptions {
  /**
   * Private ARC4 key. As in the reference, a supplied key always replaces the key stored in the file; files
   * encoded with a private key store 16 zero bytes, so they only decode with this.
   */
  key?: Uint8Array;
  /** Also check the decoded bytes against the footer's `length` and `sha256` (when present). */
  verify?: boolean;
}

export interface CartMetadata {
  header: Record<string, unknown>;
  footer: Record<string, unknown>;
}

/** Raw bytes retained past what zlib has consumed: the optional footer is meant to be below 64 KiB. */
const TAIL_KEEP = BLOCK_SIZE + MANDATORY_FOOTER_SIZE;

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function resolveKey(mh: MandatoryHeader, key: Uint8Array | undefined): { key: Uint8Array; privateKeyMissing: boolean } {
  if (key !== undefined) return { key, privateKeyMissing: false };
  return { key: mh.key, privateKeyMissing: isZeroKey(mh.key) };
}

/** Checks the trailer layout and decrypts the optional footer. */
function readTail(
  tail: Buffer,
  tailStart: number,
  dataEnd: number,
  total: number,
  key: Uint8Array,
  privateKeyMissing: boolean,
): Record<string, unknown> {
  if (total - dataEnd < MANDATORY_FOOTER_SIZE) throw new CartFormatError('Truncated CaRT: mandatory footer missing');
  const mf = parseMandatoryFooter(tail.subarray(tail.length - MANDATORY_FOOTER_SIZE));
  if (mf.optionalFooterPosition !== dataEnd || dataEnd + mf.optionalFooterLength + MANDATORY_FOOTER_SIZE !== total) {
    throw new CartFormatError('Invalid CaRT: the footer does not match the file layout (truncated or trailing data)');
  }
  if (dataEnd < tailStart) throw new CartFormatError('CaRT optional footer too large to decode in a stream');
  const crypt = tail.subarray(dataEnd - tailStart, dataEnd - tailStart + mf.optionalFooterLength);
  return decryptMetadata(key, crypt, 'footer', privateKeyMissing);
}

function verifyContent(footer: Record<string, unknown>, length: number, sha256: string): void {
  if (footer.length !== undefined && String(footer.length) !== String(length)) {
    throw new CartFormatError(`CaRT length mismatch: footer says ${footer.length}, decoded ${length} bytes`);
  }
  if (typeof footer.sha256 === 'string' && footer.sha256.toLowerCase() !== sha256) {
    throw new CartFormatError(`CaRT sha256 mismatch: footer says ${footer.sha256}, decoded ${sha256}`);
  }
}

function wrapError(err: unknown, privateKeyMissing: boolean): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    // zlib rejecting the data almost always means a wrong keystream when the file uses a private key.
    if (privateKeyMissing) {
      return new CartKeyError('Could not decode the CaRT data: the file was encoded with a private key; pass it as `key`', {
        cause: err,
      });
    }
    const msg = code === 'Z_BUF_ERROR' ? 'Truncated CaRT: the data stream ends early' : 'Invalid CaRT data stream';
    return new CartFormatError(`${msg} (${(err as Error).message})`, { cause: err });
  }
  return err;
}

/**
 * Decodes the CaRT read from `input` into `output` and returns its metadata. The output is ended only once the
 * whole file, footer included, has been validated; on error it is destroyed and anything already written to it
 * must be discarded.
 */
export async function decodeCart(
  input: CartInput,
  output: Writable,
  opts: CartDecodeOptions = {},
): Promise<CartMetadata> {
  if (opts.key !== undefined) checkKey(opts.key);
  const inflate = createInflate({ chunkSize: BLOCK_SIZE });
  let header: Record<string, unknown> = {};
  let footer: Record<string, unknown> = {};
  let key: Uint8Array = opts.key ?? new Uint8Array(0);
  let privateKeyMissing = false;
  let dataStart = 0;
  let total = 0;
  // Raw input from `retainedStart` to `total`, in order.
  const retained: Buffer[] = [];
  let retainedStart = 0;

  let inputDone!: () => void;
  let inputFailed!: (err: unknown) => void;
  const inputEnded = new Promise<void>((res, rej) => {
    inputDone = res;
    inputFailed = rej;
  });
  inputEnded.catch(() => undefined); // The pipeline reports the error itself.

  async function* unframe(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
    try {
      let phase: 'header' | 'data' = 'header';
      let pending: Buffer[] = [];
      let mh: MandatoryHeader | undefined;
      let cipher: Rc4 | undefined;
      for await (const raw of source) {
        let chunk = toBuffer(raw);
        total += chunk.length;
        if (phase === 'header') {
          pending.push(chunk);
          if (total < MANDATORY_HEADER_SIZE) continue;
          if (!mh) {
            mh = parseMandatoryHeader(pending.length === 1 ? pending[0] : Buffer.concat(pending));
            ({ key, privateKeyMissing } = resolveKey(mh, opts.key));
          }
          dataStart = MANDATORY_HEADER_SIZE + mh.optionalHeaderLength;
          if (total < dataStart) continue;
          const head = pending.length === 1 ? pending[0] : Buffer.concat(pending);
          pending = [];
          header = decryptMetadata(key, head.subarray(MANDATORY_HEADER_SIZE, dataStart), 'header', privateKeyMissing);
          cipher = new Rc4(key);
          retainedStart = dataStart;
          chunk = head.subarray(dataStart);
          phase = 'data';
        }
        if (chunk.length === 0) continue;
        retained.push(chunk);
        // Drop raw chunks zlib has consumed, keeping a tail in case the footer is larger than zlib's lag.
        const consumedEnd = dataStart + inflate.bytesWritten;
        while (retained.length > 1) {
          const end = retainedStart + retained[0].length;
          if (end > consumedEnd || total - end < TAIL_KEEP) break;
          retainedStart = end;
          retained.shift();
        }
        // Decrypt out of place: the raw bytes may still be needed for the footer.
        yield cipher!.process(chunk, Buffer.allocUnsafe(chunk.length)) as Buffer;
      }
      if (phase === 'header') {
        if (!mh) parseMandatoryHeader(Buffer.concat(pending)); // Throws the precise reason.
        throw new CartFormatError('Truncated CaRT: optional header incomplete');
      }
      inputDone();
    } catch (err) {
      inputFailed(err);
      throw err;
    }
  }

  // A Transform rather than a generator: iterating zlib's output with an async iterator would destroy the zlib
  // stream as soon as its output ends, while the footer bytes after the zlib end marker are still being written
  // to it, and the pipeline would fail with a premature close.
  const sha256 = opts.verify ? createHash('sha256') : undefined;
  let length = 0;
  const checkTail = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sha256?.update(chunk);
      length += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      // zlib ends its output at the end marker, possibly before the rest of the input (the footer) was read.
      inputEnded.then(() => {
        const dataEnd = dataStart + inflate.bytesWritten;
        footer = readTail(Buffer.concat(retained), retainedStart, dataEnd, total, key, privateKeyMissing);
        if (opts.verify) verifyContent(footer, length, sha256!.digest('hex'));
      }).then(() => cb(), cb);
    },
  });

  try {
    await pipeline(input, unframe, inflate, checkTail, output);
  } catch (err) {
    throw wrapError(err, privateKeyMissing);
  }
  return { header, footer };
}

/**
 * Reads the optional header and footer of the CaRT file at `path` without decoding its data: the header follows
 * the mandatory header, and the mandatory footer (the last 28 bytes) gives the optional footer's offset. The
 * reference `get_metadata_only` returns `{...header, ...footer}`.
 */
export async function readCartMetadata(path: string, opts: { key?: Uint8Array } = {}): Promise<CartMetadata> {
  if (opts.key !== undefined) checkKey(opts.key);
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const read = async (position: number, length: number): Promise<Buffer> => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      if (bytesRead !== length) throw new CartFormatError('Truncated CaRT');
      return buf;
    };
    const mh = parseMandatoryHeader(await read(0, Math.min(MANDATORY_HEADER_SIZE, size)));
    const { key, privateKeyMissing } = resolveKey(mh, opts.key);
    const dataStart = MANDATORY_HEADER_SIZE + mh.optionalHeaderLength;
    if (dataStart + MANDATORY_FOOTER_SIZE > size) throw new CartFormatError('Truncated CaRT');
    const header = decryptMetadata(key, await read(MANDATORY_HEADER_SIZE, mh.optionalHeaderLength), 'header', privateKeyMissing);
    const mf = parseMandatoryFooter(await read(size - MANDATORY_FOOTER_SIZE, MANDATORY_FOOTER_SIZE));
    const { optionalFooterPosition: pos, optionalFooterLength: len } = mf;
    if (pos < dataStart || pos + len + MANDATORY_FOOTER_SIZE !== size) {
      throw new CartFormatError('Invalid CaRT: the footer does not match the file layout (truncated or trailing data)');
    }
    const footer = decryptMetadata(key, await read(pos, len), 'footer', privateKeyMissing);
    return { header, footer };
  } finally {
    await fh.close();
  }
}

/** Decodes the CaRT file at `inPath` into `outPath`. A partial output is removed on failure. */
export async function decodeCartFile(
  inPath: string,
  outPath: string,
  opts: CartDecodeOptions = {},
): Promise<CartMetadata> {
  try {
    return await decodeCart(createReadStream(inPath, { highWaterMark: BLOCK_SIZE }), createWriteStream(outPath), opts);
  } catch (err) {
    await rm(outPath, { force: true }).catch(() => undefined);
    throw err;
  }
}
