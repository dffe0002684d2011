// Streaming CaRT encoder. The input flows through a digest tap, zlib (level 1, zlib wrapper) and the data RC4
// keystream straight to the output, so memory use is constant whatever the file size. The footer digests are
// computed on the way and written after the data.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zc, createDeflate } from 'node:zlib';
import {
  BLOCK_SIZE,
  checkKey,
  DEFAULT_ARC4_KEY,
  encryptMetadata,
  MANDATORY_HEADER_SIZE,
  packMandatoryFooter,
  packMandatoryHeader,
} from './format.js';
import { Rc4 } from './rc4.js';

export type CartInput = Readable | AsyncIterable<Uint8Array>;

export interface CartEncodeOptions {
  /** Original file name, stored as `name` in the optional header. */
  name?: string;
  /** Extra optional-header entries; they win over `name` on conflict, as in Assemblyline's download path. */
  metadata?: Record<string, unknown>;
  /** Extra optional-footer entries. The digests (`md5`, `sha1`, `sha256`, `length`) always overwrite these. */
  footer?: Record<string, unknown>;
  /**
   * Private ARC4 key (1..256 bytes). The header then stores 16 zero bytes and the same key is needed to decode.
   * The reference command-line tool pads shorter keys to 16 bytes with zeros; pass 16 bytes to interoperate.
   */
  key?: Uint8Array;
}

export interface CartEncodeResult {
  header: Record<string, unknown>;
  /** The optional footer as written, including `md5`, `sha1`, `sha256` (hex) and `length` (decimal string). */
  footer: Record<string, unknown>;
  /** Size of the CaRT produced, in bytes. */
  cartLength: number;
}

/**
 * Encodes `input` as CaRT into `output`. The output is ended when done (and destroyed on error), like
 * `stream.pipeline`.
 */
export async function encodeCart(
  input: CartInput,
  output: Writable,
  opts: CartEncodeOptions = {},
): Promise<CartEncodeResult> {
  if (opts.key !== undefined) checkKey(opts.key);
  const key = opts.key ?? DEFAULT_ARC4_KEY;
  const header: Record<string, unknown> = {};
  if (opts.name !== undefined) header.name = opts.name;
  Object.assign(header, opts.metadata);
  const headerCrypt = encryptMetadata(key, header);

  const md5 = createHash('md5');
  const sha1 = createHash('sha1');
  const sha256 = createHash('sha256');
  let length = 0;
  let cartLength = 0;
  const footer: Record<string, unknown> = { ...opts.footer };

  async function* digestTap(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
    for await (const raw of source) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      md5.update(chunk);
      sha1.update(chunk);
      sha256.update(chunk);
      length += chunk.length;
      yield chunk;
    }
  }

  async function* frame(compressed: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    // Mandatory header, then the optional header (its own keystream).
    const head = packMandatoryHeader(opts.key ? null : key, headerCrypt?.length ?? 0);
    yield headerCrypt ? Buffer.concat([head, headerCrypt]) : head;
    let pos = MANDATORY_HEADER_SIZE + (headerCrypt?.length ?? 0);
    // Data: a fresh keystream, continuous across chunks. zlib hands out non-overlapping slices it never
    // rewrites, so encrypting them in place is safe and saves a copy per chunk.
    const cipher = new Rc4(key);
    for await (const chunk of compressed) {
      cipher.process(chunk);
      pos += chunk.length;
      yield chunk;
    }
    // The deflate stream has ended, so the tap has seen every input byte.
    Object.assign(footer, {
      md5: md5.digest('hex'),
      sha1: sha1.digest('hex'),
      sha256: sha256.digest('hex'),
      length: String(length),
    });
    const footerCrypt = encryptMetadata(key, footer);
    const tail = packMandatoryFooter(pos, footerCrypt?.length ?? 0);
    const last = footerCrypt ? Buffer.concat([footerCrypt, tail]) : tail;
    cartLength = pos + last.length;
    yield last;
  }

  const deflate = createDeflate({ level: zc.Z_BEST_SPEED, chunkSize: BLOCK_SIZE });
  await pipeline(input, digestTap, deflate, frame, output);
  return { header, footer, cartLength };
}

/**
 * Encodes the file at `inPath` into `outPath`. The name defaults to the input's base name, as with the reference
 * `pack_file`. A partial output is removed on failure.
 */
export async function encodeCartFile(
  inPath: string,
  outPath: string,
  opts: CartEncodeOptions = {},
): Promise<CartEncodeResult> {
  const options = { ...opts, name: opts.name ?? basename(inPath) };
  try {
    return await encodeCart(createReadStream(inPath, { highWaterMark: BLOCK_SIZE }), createWriteStream(outPath), options);
  } catch (err) {
    await rm(outPath, { force: true }).catch(() => undefined);
    throw err;
  }
}
