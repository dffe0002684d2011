// TLSH (Trend Micro Locality Sensitive Hash), 128 buckets and a 1-byte checksum: the default build of
// the reference library.
//
// Two output forms are produced from the same bucket counts:
//  - `digest()`: what the TLSH 3.4.4 library prints (Debian's `tlsh -f`), 70 hex digits. 3.4.4 needs at
//    least 256 bytes and computes the quartile ratios in single-precision floating point.
//  - `digestT1()`: what TLSH 4.x prints (py-tlsh 4.x `hexdigest()`, which Assemblyline stores): "T1" and
//    70 hex digits. 4.x needs only 50 bytes and computes the ratios with integer division; the length
//    byte comes from a table of thresholds instead of a logarithm.
// What was verified: the 3.4.4 form byte for byte against the Debian tool (whole test corpus and
// generated inputs, see cli-parity.test.ts). No 4.x implementation is available to run here, so the T1
// form rests on reading the 4.x library source: the bucket and checksum computation and the hex layout
// are unchanged from 3.4.4 (4.x only prepends "T1"); its finalisation differs as listed above; its
// table of length thresholds equals the 3.4.4 logarithm (single-precision log, as the C++ code calls
// it) at all 170 boundaries, so one length function serves both. Hence `digestT1()` is "T1" +
// `digest()` for inputs of 256 bytes or more, except when the float and integer ratios differ: only
// possible for inputs of several megabytes, and common beyond roughly 2 GB, where 3.4.4's 32-bit
// q * 100 overflows.

/** Pearson's random permutation of 0..255, the mixing table of the TLSH specification. */
const V = Uint8Array.from([
  1, 87, 49, 12, 176, 178, 102, 166, 121, 193, 6, 84, 249, 230, 44, 163, 14, 197, 213, 181, 161, 85, 218, 80, 64, 239,
  24, 226, 236, 142, 38, 200, 110, 177, 104, 103, 141, 253, 255, 50, 77, 101, 81, 18, 45, 96, 31, 222, 25, 107, 190,
  70, 86, 237, 240, 34, 72, 242, 20, 214, 244, 227, 149, 235, 97, 234, 57, 22, 60, 250, 82, 175, 208, 5, 127, 199,
  111, 62, 135, 248, 174, 169, 211, 58, 66, 154, 106, 195, 245, 171, 17, 187, 182, 179, 0, 243, 132, 56, 148, 75, 128,
  133, 158, 100, 130, 126, 91, 13, 153, 246, 216, 219, 119, 68, 223, 78, 83, 88, 201, 99, 122, 11, 92, 32, 136, 114,
  52, 10, 138, 30, 48, 183, 156, 35, 61, 26, 143, 74, 251, 94, 129, 162, 63, 152, 170, 7, 115, 167, 241, 206, 3, 150,
  55, 59, 151, 220, 90, 53, 23, 131, 125, 173, 15, 238, 79, 95, 89, 16, 105, 137, 225, 224, 217, 160, 37, 123, 118,
  73, 2, 157, 46, 116, 9, 145, 134, 228, 207, 212, 202, 215, 69, 229, 27, 188, 67, 124, 168, 252, 42, 4, 29, 108, 21,
  247, 19, 205, 39, 203, 233, 40, 186, 147, 198, 192, 155, 33, 164, 191, 98, 204, 165, 180, 117, 76, 140, 36, 210,
  172, 41, 54, 159, 8, 185, 232, 113, 196, 231, 47, 146, 120, 51, 65, 28, 144, 254, 221, 93, 189, 194, 139, 112, 43,
  71, 109, 184, 209,
]);

const BUCKETS = 256;
const EFF_BUCKETS = 128;
const CODE_SIZE = 32;
const MIN_LENGTH_V3 = 256;
const MIN_LENGTH_V4 = 50;
export const TLSH_HEX_LENGTH = 70;

/**
 * The Pearson hash of (salt, a, b, y) is V[V[V[V[salt] ^ a] ^ b] ^ y]. The first three steps depend
 * only on (salt, a, b), so they are tabulated per salt over all 65536 (a, b) pairs: one lookup in a
 * 64 KiB table plus one in V per bucket update.
 */
function pairTable(salt: number): Uint8Array {
  const t = new Uint8Array(65536);
  const s = V[salt];
  for (let a = 0; a < 256; a++) {
    const sa = V[s ^ a];
    for (let b = 0; b < 256; b++) t[(a << 8) | b] = V[sa ^ b];
  }
  return t;
}

// Salt 0 feeds the checksum, the other six the bucket counts. Built at load time (7 × 64 KiB, a few
// milliseconds) and kept in module constants: V8 then treats the tables as fixed objects and the byte
// loop runs about twice as fast as with tables fetched at run time.
const T0 = pairTable(0);
const T2 = pairTable(2);
const T3 = pairTable(3);
const T5 = pairTable(5);
const T7 = pairTable(7);
const T11 = pairTable(11);
const T13 = pairTable(13);

/**
 * Counts the bucket triplets of data[from…] into `buckets`, given the four bytes before `from` packed
 * in `window` (most recent lowest); returns the updated checksum. Kept outside the class with plain
 * arguments so the optimized loop depends on nothing but typed arrays and integers.
 */
function accumulate(data: Uint8Array, from: number, buckets: Uint32Array, window: number, checksum: number): number {
  const v = V;
  const a = buckets;
  let w1 = window & 255;
  let w2 = (window >>> 8) & 255;
  let w3 = (window >>> 16) & 255;
  let w4 = window >>> 24;
  const len = data.length;
  for (let p = from; p < len; p++) {
    const c = data[p];
    const row = c << 8;
    checksum = v[T0[row | w1] ^ checksum];
    a[v[T2[row | w1] ^ w2]]++;
    a[v[T3[row | w1] ^ w3]]++;
    a[v[T5[row | w2] ^ w3]]++;
    a[v[T7[row | w2] ^ w4]]++;
    a[v[T11[row | w1] ^ w4]]++;
    a[v[T13[row | w3] ^ w4]]++;
    w4 = w3;
    w3 = w2;
    w2 = w1;
    w1 = c;
  }
  return checksum;
}

/** The raw fields of a digest. `codes[i]` holds buckets 4i..4i+3, two bits each, lowest first. */
export interface TlshFields {
  checksum: number;
  lvalue: number;
  q1ratio: number;
  q2ratio: number;
  codes: Uint8Array;
}

/** The length byte: a logarithmic bucket of the input length (mod 2^32, as the C++ code counts). */
function lengthCapture(len: number): number {
  // The 3.4.4 library calls the single-precision log; Math.fround on both sides reproduces it (checked
  // at every threshold against the C library and the 4.x table).
  const lf = Math.fround(Math.log(Math.fround(len)));
  let i: number;
  if (len <= 656) i = Math.floor(lf / 0.4054651);
  else if (len <= 3199) i = Math.floor(lf / 0.26236426 - 8.72777);
  else i = Math.floor(lf / 0.09531018 - 62.5472);
  return i & 0xff;
}

/** Streaming TLSH hasher. */
export class Tlsh {
  private readonly buckets = new Uint32Array(BUCKETS);
  private checksum = 0;
  private length = 0;
  /** The previous four bytes, the most recent in the low byte. */
  private window = 0;

  update(chunk: Uint8Array): this {
    const len = chunk.length;
    let p = 0;
    // The first four bytes of the stream only fill the 5-byte window.
    for (; p < len && this.length + p < 4; p++) {
      this.window = ((this.window << 8) | chunk[p]) >>> 0;
    }
    if (p < len) {
      this.checksum = accumulate(chunk, p, this.buckets, this.window, this.checksum);
      // The window now ends with the last four bytes of the chunk (fewer if the chunk was shorter).
      for (let i = Math.max(p, len - 4); i < len; i++) this.window = ((this.window << 8) | chunk[i]) >>> 0;
    }
    this.length += len;
    return this;
  }

  /** Number of input bytes seen so far. */
  get size(): number {
    return this.length;
  }

  /**
   * The digest as TLSH 3.4.4 (Debian `tlsh -f`) prints it: 70 uppercase hex digits, or null when the
   * tool prints none (fewer than 256 bytes, or too little variation: half the buckets empty).
   */
  digest(): string | null {
    const f = this.fields(3);
    return f ? encodeFields(f) : null;
  }

  /** The TLSH 4.x digest ("T1" + 70 hex digits, as py-tlsh 4.x and Assemblyline give it), or null. */
  digestT1(): string | null {
    const f = this.fields(4);
    return f ? `T1${encodeFields(f)}` : null;
  }

  /** Digest fields under the finalisation rules of library version 3 (3.4.4) or 4. */
  fields(version: 3 | 4 = 4): TlshFields | null {
    // The C++ library keeps the length in an unsigned int.
    const len = this.length % 2 ** 32;
    if (len < (version === 3 ? MIN_LENGTH_V3 : MIN_LENGTH_V4)) return null;
    const sorted = this.buckets.slice(0, EFF_BUCKETS).sort();
    const q1 = sorted[EFF_BUCKETS / 4 - 1];
    const q2 = sorted[EFF_BUCKETS / 2 - 1];
    const q3 = sorted[EFF_BUCKETS - EFF_BUCKETS / 4 - 1];
    if (q3 === 0) return null;
    let nonzero = 0;
    for (let i = 0; i < EFF_BUCKETS; i++) if (this.buckets[i] > 0) nonzero++;
    if (nonzero <= EFF_BUCKETS / 2) return null;

    const codes = new Uint8Array(CODE_SIZE);
    for (let i = 0; i < CODE_SIZE; i++) {
      let h = 0;
      for (let j = 0; j < 4; j++) {
        const k = this.buckets[4 * i + j];
        if (q3 < k) h += 3 << (j * 2);
        else if (q2 < k) h += 2 << (j * 2);
        else if (q1 < k) h += 1 << (j * 2);
      }
      codes[i] = h;
    }
    let q1ratio: number;
    let q2ratio: number;
    if (version === 3) {
      // (float)(q * 100) / (float)q3 with q * 100 in unsigned 32-bit arithmetic, truncated.
      const fq3 = Math.fround(q3);
      q1ratio = Math.trunc(Math.fround(Math.fround(Math.imul(q1, 100) >>> 0) / fq3)) % 16;
      q2ratio = Math.trunc(Math.fround(Math.fround(Math.imul(q2, 100) >>> 0) / fq3)) % 16;
    } else {
      q1ratio = Math.floor((q1 * 100) / q3) % 16;
      q2ratio = Math.floor((q2 * 100) / q3) % 16;
    }
    return { checksum: this.checksum, lvalue: lengthCapture(len), q1ratio, q2ratio, codes };
  }
}

const HEX = '0123456789ABCDEF';
const hexByte = (b: number): string => HEX[b >> 4] + HEX[b & 15];
/** Swaps the two nibbles of a byte, as the digest layout stores the header bytes. */
const swapNibbles = (b: number): number => ((b & 15) << 4) | (b >> 4);

/** Hex layout: checksum, length and ratio bytes with nibbles swapped, then the codes last to first. */
export function encodeFields(f: TlshFields): string {
  let s = hexByte(swapNibbles(f.checksum)) + hexByte(swapNibbles(f.lvalue)) + hexByte((f.q1ratio << 4) | f.q2ratio);
  for (let i = CODE_SIZE - 1; i >= 0; i--) s += hexByte(f.codes[i]);
  return s;
}

/** Parses a digest in either form (70 hex digits, optionally preceded by "T1"). Throws if malformed. */
export function decodeDigest(digest: string): TlshFields {
  const body = digest.length === TLSH_HEX_LENGTH + 2 && /^t1/i.test(digest) ? digest.slice(2) : digest;
  if (body.length !== TLSH_HEX_LENGTH || !/^[0-9a-fA-F]+$/.test(body)) {
    throw new TypeError(`not a TLSH digest: ${JSON.stringify(digest)}`);
  }
  const byte = (i: number) => parseInt(body.slice(2 * i, 2 * i + 2), 16);
  const q = byte(2);
  const codes = new Uint8Array(CODE_SIZE);
  for (let i = 0; i < CODE_SIZE; i++) codes[i] = byte(3 + CODE_SIZE - 1 - i);
  return { checksum: swapNibbles(byte(0)), lvalue: swapNibbles(byte(1)), q1ratio: q >> 4, q2ratio: q & 15, codes };
}

/** Distance between two values on a circle of size `range`. */
function modDiff(x: number, y: number, range: number): number {
  const d = Math.abs(x - y);
  return Math.min(d, range - d);
}

/** PAIR_DIFF[a << 8 | b]: summed distance of the four 2-bit quartile codes in bytes a and b. */
let pairDiff: Uint8Array | null = null;
function getPairDiff(): Uint8Array {
  if (pairDiff) return pairDiff;
  const t = new Uint8Array(65536);
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      let d = 0;
      for (let j = 0; j < 8; j += 2) {
        const x = Math.abs(((a >> j) & 3) - ((b >> j) & 3));
        // Opposite quartiles weigh more than their plain difference.
        d += x === 3 ? 6 : x;
      }
      t[(a << 8) | b] = d;
    }
  }
  pairDiff = t;
  return t;
}

/**
 * TLSH distance between two digests (either form), as `tlsh -c A -d B` prints it; 0 means identical
 * and larger values are more different (there is no upper bound of 100). With `includeLength` false
 * the length byte is ignored (`-xlen`).
 */
export function tlshDiff(a: string | TlshFields, b: string | TlshFields, includeLength = true): number {
  const x = typeof a === 'string' ? decodeDigest(a) : a;
  const y = typeof b === 'string' ? decodeDigest(b) : b;
  let diff = 0;
  if (includeLength) {
    const ld = modDiff(x.lvalue, y.lvalue, 256);
    diff += ld <= 1 ? ld : ld * 12;
  }
  for (const qd of [modDiff(x.q1ratio, y.q1ratio, 16), modDiff(x.q2ratio, y.q2ratio, 16)]) {
    diff += qd <= 1 ? qd : (qd - 1) * 12;
  }
  if (x.checksum !== y.checksum) diff += 1;
  const t = getPairDiff();
  for (let i = 0; i < CODE_SIZE; i++) diff += t[(x.codes[i] << 8) | y.codes[i]];
  return diff;
}

/** TLSH 3.4.4 digest of a complete buffer (see `Tlsh.digest`). */
export function tlshHash(data: Uint8Array): string | null {
  return new Tlsh().update(data).digest();
}

/** TLSH 4.x "T1" digest of a complete buffer (see `Tlsh.digestT1`). */
export function tlshHashT1(data: Uint8Array): string | null {
  return new Tlsh().update(data).digestT1();
}

// V8 compiles the byte loop of `update` while it is still running the first large chunk, before the
// code after the loop has ever run; that optimized code then bails out at the end of every later call
// and much of the work runs unoptimized (several times slower). Feeding a few small inputs through the
// class at load time (more than once: V8 only starts recording type information after a function has
// run a few times) gives the compiler complete information up front.
{
  const sample = new Uint8Array(300).map((_, i) => (i * 131) & 255);
  for (let i = 0; i < 16; i++) new Tlsh().update(sample).update(sample).digest();
}
