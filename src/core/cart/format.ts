// Binary layout of CaRT: the fixed-size mandatory header and footer, the default key, the errors, and the
// encrypted-JSON metadata blocks. Everything here is synchronous and works on small buffers; the streaming data
// section lives in encode.ts / decode.ts.
import { Rc4 } from './rc4.js';
import { pythonJsonDumps } from '../util/pyjson.js';

/** Python struct "<4shQ16sQ": magic, int16 version, uint64 reserved, 16-byte ARC4 key, uint64 optional header length. */
export const MANDATORY_HEADER_SIZE = 38;
/** Python struct "<4sQQQ": magic, uint64 reserved, uint64 optional footer offset, uint64 optional footer length. */
export const MANDATORY_FOOTER_SIZE = 28;
export const CART_VERSION = 1;
/** First 8 digits of pi, twice. Written into the header so anyone can decode: CaRT neuters files, it does not hide them. */
export const DEFAULT_ARC4_KEY: Uint8Array = Uint8Array.of(3, 1, 4, 1, 5, 9, 2, 6, 3, 1, 4, 1, 5, 9, 2, 6);
/** Matches the reference's input block size; also the unit in which the data section is streamed. */
export const BLOCK_SIZE = 64 * 1024;

const CART_MAGIC = Buffer.from('CART', 'latin1');
const TRAC_MAGIC = Buffer.from('TRAC', 'latin1');
const ZERO_KEY = new Uint8Array(16);

/**
 * The optional header is read into memory before any data, so a corrupt length must not make us buffer a whole
 * file. Real headers hold a name and submission metadata: a few KiB.
 */
export const MAX_OPTIONAL_HEADER_SIZE = 16 * 1024 * 1024;

/** The input is not a well-formed CaRT (bad magic, unsupported version, truncated, undecodable data...). */
export class CartFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CartFormatError';
  }
}

/** The metadata did not decrypt to JSON: the file was encoded with a private key that was not supplied, or a wrong one. */
export class CartKeyError extends CartFormatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CartKeyError';
  }
}

export interface MandatoryHeader {
  version: number;
  /** The key stored in the file; all zeros when the file was encoded with a private key. */
  key: Uint8Array;
  optionalHeaderLength: number;
}

export interface MandatoryFooter {
  optionalFooterPosition: number;
  optionalFooterLength: number;
}

function u64(buf: Buffer, offset: number, what: string): number {
  const v = buf.readBigUInt64LE(offset);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CartFormatError(`CaRT ${what} is out of range (${v})`);
  return Number(v);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < 1 || key.length > 256) {
    throw new RangeError('A CaRT ARC4 key must be a Uint8Array of 1..256 bytes');
  }
}

export function isZeroKey(key: Uint8Array): boolean {
  return Buffer.compare(asBuffer(key), ZERO_KEY) === 0;
}

/** The 38-byte header. With a private key, 16 zero bytes are stored instead of the key, like the reference. */
export function packMandatoryHeader(storedKey: Uint8Array | null, optionalHeaderLength: number): Buffer {
  const buf = Buffer.alloc(MANDATORY_HEADER_SIZE);
  CART_MAGIC.copy(buf, 0);
  buf.writeInt16LE(CART_VERSION, 4);
  buf.writeBigUInt64LE(0n, 6);
  if (storedKey) {
    if (storedKey.length !== 16) throw new RangeError('The key stored in a CaRT header must be 16 bytes');
    buf.set(storedKey, 14);
  }
  buf.writeBigUInt64LE(BigInt(optionalHeaderLength), 30);
  return buf;
}

export function packMandatoryFooter(optionalFooterPosition: number, optionalFooterLength: number): Buffer {
  const buf = Buffer.alloc(MANDATORY_FOOTER_SIZE);
  TRAC_MAGIC.copy(buf, 0);
  buf.writeBigUInt64LE(0n, 4);
  buf.writeBigUInt64LE(BigInt(optionalFooterPosition), 12);
  buf.writeBigUInt64LE(BigInt(optionalFooterLength), 20);
  return buf;
}

/**
 * True when `headerBytes` starts with a CaRT mandatory header: magic `CART`, version 1, reserved 0 (the same test
 * as the reference `is_cart`). Needs at least the first 38 bytes of the file.
 */
export function isCart(headerBytes: Uint8Array): boolean {
  if (headerBytes.length < MANDATORY_HEADER_SIZE) return false;
  const b = asBuffer(headerBytes);
  return b.subarray(0, 4).equals(CART_MAGIC) && b.readInt16LE(4) === CART_VERSION && b.readBigUInt64LE(6) === 0n;
}

export function parseMandatoryHeader(bytes: Uint8Array): MandatoryHeader {
  if (bytes.length < MANDATORY_HEADER_SIZE) {
    throw new CartFormatError(`Truncated CaRT: ${bytes.length} bytes, the mandatory header needs ${MANDATORY_HEADER_SIZE}`);
  }
  const b = asBuffer(bytes);
  if (!b.subarray(0, 4).equals(CART_MAGIC)) throw new CartFormatError('Not a CaRT file: bad header magic');
  const version = b.readInt16LE(4);
  if (version !== CART_VERSION) throw new CartFormatError(`Unsupported CaRT version ${version}`);
  if (b.readBigUInt64LE(6) !== 0n) throw new CartFormatError('Invalid CaRT header: reserved field is not zero');
  const optionalHeaderLength = u64(b, 30, 'optional header length');
  if (optionalHeaderLength > MAX_OPTIONAL_HEADER_SIZE) {
    throw new CartFormatError(`CaRT optional header too large (${optionalHeaderLength} bytes)`);
  }
  return { version, key: new Uint8Array(b.subarray(14, 30)), optionalHeaderLength };
}

export function parseMandatoryFooter(bytes: Uint8Array): MandatoryFooter {
  if (bytes.length !== MANDATORY_FOOTER_SIZE) throw new CartFormatError('Truncated CaRT: mandatory footer missing');
  const b = asBuffer(bytes);
  if (!b.subarray(0, 4).equals(TRAC_MAGIC)) throw new CartFormatError('Invalid CaRT: bad footer magic');
  if (b.readBigUInt64LE(4) !== 0n) throw new CartFormatError('Invalid CaRT footer: reserved field is not zero');
  return {
    optionalFooterPosition: u64(b, 12, 'optional footer position'),
    optionalFooterLength: u64(b, 20, 'optional footer length'),
  };
}

/** RC4-encrypts the Python-style JSON text of `meta` with a fresh keystream, or returns null for an empty object. */
export function encryptMetadata(key: Uint8Array, meta: Record<string, unknown>): Buffer | null {
  if (Object.keys(meta).length === 0) return null; // The reference writes a zero length for an empty dict.
  const plain = Buffer.from(pythonJsonDumps(meta), 'utf8');
  new Rc4(key).process(plain);
  return plain;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decrypts one metadata block with a fresh keystream and parses it. A wrong key yields bytes that are not UTF-8
 * JSON, which is how the reference detects it too.
 */
export function decryptMetadata(
  key: Uint8Array,
  crypt: Uint8Array,
  what: 'header' | 'footer',
  privateKeyMissing: boolean,
): Record<string, unknown> {
  if (crypt.length === 0) return {};
  const plain = new Rc4(key).process(crypt, new Uint8Array(crypt.length));
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(plain));
  } catch (err) {
    throw new CartKeyError(
      privateKeyMissing
        ? `Could not decrypt the CaRT ${what}: the file was encoded with a private key; pass it as \`key\``
        : `Could not decrypt the CaRT ${what} with the given ARC4 key`,
      { cause: err },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CartFormatError(`CaRT optional ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}
