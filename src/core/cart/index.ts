/**
 * CaRT — "Compressed and RC4 Transport" — the Assemblyline default download format. It wraps a file so that
 * antivirus engines and mail gateways do not act on it in transit, and carries its name and digests along.
 *
 * Layout (all integers little-endian, no padding):
 *
 *   mandatory header  38 B  "CART", int16 version = 1, uint64 reserved = 0, 16-byte ARC4 key,
 *                           uint64 optional-header length
 *   optional header         RC4(key, fresh) of compact, key-sorted, ASCII-only JSON, e.g. {"name":"a.txt"}
 *   data                    RC4(key, fresh, continuous) of a zlib stream (level 1, with the zlib wrapper)
 *   optional footer         RC4(key, fresh) of JSON {"length":"<decimal string>","md5":..,"sha1":..,"sha256":..}
 *   mandatory footer  28 B  "TRAC", uint64 reserved = 0, uint64 optional-footer offset, uint64 optional-footer length
 *
 * The default key (pi's first 8 digits, twice) is stored in the file, so anyone can decode it. With a private key
 * the header stores 16 zero bytes instead and the key must be supplied to decode. RC4 is plain (no drop), with
 * three independent keystreams restarted from the key for the header, the data and the footer.
 *
 * Everything streams: neither side holds the file in memory. The JSON matches Python's json.dumps with
 * separators=(",", ":") and sort_keys=True, so headers, footers and framing are byte-identical to the reference
 * implementation's. The compressed data is identical too whenever both sides' zlib pick the same matches; Node
 * bundles Chromium's zlib, which may choose differently from stock zlib on some inputs. Both are valid streams and
 * every decoder reads either.
 */
import { createReadStream } from 'node:fs';
import { BLOCK_SIZE, MANDATORY_HEADER_SIZE, isCart } from './format.js';

export {
  BLOCK_SIZE,
  CartFormatError,
  CartKeyError,
  DEFAULT_ARC4_KEY,
  MANDATORY_FOOTER_SIZE,
  MANDATORY_HEADER_SIZE,
  isCart,
} from './format.js';
export { encodeCart, encodeCartFile, type CartEncodeOptions, type CartEncodeResult, type CartInput } from './encode.js';
export { decodeCart, decodeCartFile, readCartMetadata, type CartDecodeOptions, type CartMetadata } from './decode.js';
export { Rc4, rc4 } from './rc4.js';
export { pythonJsonDumps } from '../util/pyjson.js';

/** True when the file at `path` starts with a CaRT mandatory header. */
export async function isCartFile(path: string): Promise<boolean> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of createReadStream(path, { start: 0, end: MANDATORY_HEADER_SIZE - 1, highWaterMark: BLOCK_SIZE })) {
    chunks.push(chunk as Buffer);
    n += (chunk as Buffer).length;
  }
  return n === MANDATORY_HEADER_SIZE && isCart(Buffer.concat(chunks));
}
