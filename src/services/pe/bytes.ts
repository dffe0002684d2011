// Bounds-checked little-endian reads over an untrusted buffer. Every reader returns undefined (or a clamped
// slice) instead of throwing, so a truncated or lying header degrades to a partial result.
import { createHash } from 'node:crypto';

export type Bytes = Uint8Array;

export function u8(b: Bytes, o: number): number | undefined {
  return o >= 0 && o < b.length ? b[o] : undefined;
}

export function u16(b: Bytes, o: number): number | undefined {
  return o >= 0 && o + 2 <= b.length ? b[o] | (b[o + 1] << 8) : undefined;
}

export function u32(b: Bytes, o: number): number | undefined {
  return o >= 0 && o + 4 <= b.length ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000 : undefined;
}

/** 64-bit value as a bigint (image bases and thunks can use the top bits). */
export function u64(b: Bytes, o: number): bigint | undefined {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  return lo === undefined || hi === undefined ? undefined : (BigInt(hi) << 32n) | BigInt(lo);
}

/** Slice clamped to the buffer; empty when `start` is outside it. */
export function slice(b: Bytes, start: number, length: number): Bytes {
  if (start < 0 || start >= b.length || length <= 0) return b.subarray(0, 0);
  return b.subarray(start, Math.min(b.length, start + length));
}

/** Bytes up to the first NUL (or `max` bytes, or the end of the buffer); undefined when `o` is outside. */
export function cBytes(b: Bytes, o: number, max: number): Bytes | undefined {
  if (o < 0 || o >= b.length) return undefined;
  const end = Math.min(b.length, o + max);
  let i = o;
  while (i < end && b[i] !== 0) i++;
  return b.subarray(o, i);
}

export function latin1(b: Bytes): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
}

/** Strict UTF-8 decode: undefined when the bytes are not valid UTF-8. */
export function utf8Strict(b: Bytes): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

/** UTF-16LE text of `chars` code units at `o`, clamped to the buffer. */
export function utf16(b: Bytes, o: number, chars: number): string {
  const s = slice(b, o, chars * 2);
  return Buffer.from(s.buffer, s.byteOffset, s.length & ~1).toString('utf16le');
}

export function hash(alg: 'md5' | 'sha1' | 'sha256', data: Bytes | string): string {
  return createHash(alg).update(data).digest('hex');
}

/** Shannon entropy in bits per byte. */
export { bytesEntropy as entropy } from '../../sdk/hashes/file-hasher.js';

export const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
