// ssdeep / CTPH (context triggered piecewise hashing), output-compatible with libfuzzy 2.14.1 and the
// `ssdeep` command line tool built on it.
//
// The digest has the form `<blocksize>:<part1>:<part2>`, where part1 is the piecewise hash for `blocksize`
// and part2 the (truncated) one for twice that size. The block size cannot be known before the whole
// input has been seen (it depends on the total length and on how many trigger points the data really
// has), so instead of reading twice we keep one running piecewise hash per candidate block size
// (3, 6, 12, … 3·2^30), like libfuzzy 2.14 does, and pick at the end.

import { candPos, candQ, ROLLING_WINDOW, run2, run4, run8, scanChunk } from './ssdeep-loops.js';

export { ssdeepCompare } from './ssdeep-compare.js';

const MIN_BLOCKSIZE = 3;
const NUM_BLOCKHASHES = 31;
const SPAMSUM_LENGTH = 64;
const HALF_LENGTH = SPAMSUM_LENGTH / 2;
// The piece hash is kept mod 64 (only its low 6 bits reach the output): 0x28021967 mod 64.
const HASH_INIT = 0x27;
/** Largest input libfuzzy accepts: the biggest block size times the digest length. */
export const SSDEEP_MAX_INPUT = MIN_BLOCKSIZE * 2 ** (NUM_BLOCKHASHES - 1) * SPAMSUM_LENGTH;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_CODES = Uint8Array.from(B64, (ch) => ch.charCodeAt(0));

const blockSize = (i: number): number => MIN_BLOCKSIZE * 2 ** i;

/**
 * Streaming ssdeep hasher. Feed any number of chunks with `update`, then call `digest` (which does not
 * consume the state: more data may be fed afterwards, as with libfuzzy).
 */
export class Ssdeep {
  // Rolling hash over the last 7 bytes (an Adler-like pair plus a shift/xor term). Kept as int32; the
  // sum is reduced mod 2^32 where it is used.
  private readonly roll = new Int32Array(3);
  /** The last 7 bytes fed, oldest first (the rolling window starts out as zeros). */
  private readonly tail = new Uint8Array(ROLLING_WINDOW);

  private totalSize = 0;
  /** Block hashes below `bhStart` have been dropped: they can no longer be selected by `digest`. */
  private bhStart = 0;
  private bhEnd = 1;
  /** Block hashes are never created past this index; lowered when the input length is known. */
  private bhEndLimit = NUM_BLOCKHASHES - 1;
  private fixedSize: number | null = null;
  private reduceBorder = MIN_BLOCKSIZE * SPAMSUM_LENGTH;
  /** 2^bhStart - 1: a trigger for the smallest live block size needs these low bits of sum/3 clear. */
  private rollMask = 0;

  // Per block size: the running piece hash, the "half" hash that stops being reset once the digest
  // reaches 32 characters (it lets part2 be truncated to 32 characters after the fact), and the digest.
  private readonly h = new Uint8Array(NUM_BLOCKHASHES);
  private readonly halfH = new Uint8Array(NUM_BLOCKHASHES);
  private readonly halfDigest = new Uint8Array(NUM_BLOCKHASHES);
  private readonly dIndex = new Int32Array(NUM_BLOCKHASHES);
  private readonly digests = new Uint8Array(NUM_BLOCKHASHES * SPAMSUM_LENGTH);
  /** Once every block size exists, the piece hash the next (non-existent) one would have had. */
  private needLastHash = false;
  private lastH = 0;

  // Scratch space: the distinct piece-hash values being carried (value -> slot, slot -> value,
  // slot -> result).
  private readonly slot = new Int8Array(64).fill(-1);
  private readonly vals = new Uint8Array(72);
  private readonly out = new Uint8Array(72);

  /**
   * @param totalLength the exact number of bytes that will be fed, when known. This changes nothing in
   *   the result but lets the hasher skip block sizes that cannot be selected (as libfuzzy does when
   *   hashing a file), which saves some work on large inputs. `digest` throws if a different number
   *   of bytes was fed.
   */
  constructor(totalLength?: number) {
    this.h[0] = HASH_INIT;
    this.halfH[0] = HASH_INIT;
    if (totalLength !== undefined) this.setTotalLength(totalLength);
  }

  /** Same as passing `totalLength` to the constructor; must be called before any data is fed. */
  setTotalLength(totalLength: number): void {
    if (!Number.isSafeInteger(totalLength) || totalLength < 0) throw new RangeError('ssdeep: bad total length');
    if (totalLength > SSDEEP_MAX_INPUT) throw new RangeError('ssdeep: input larger than 192 GiB');
    if (this.totalSize !== 0) throw new Error('ssdeep: total length must be set before data is fed');
    // The largest block size digest() can choose is the first whose 64 pieces cover the input; one more
    // is needed for the second part.
    let bi = 0;
    while (blockSize(bi) * SPAMSUM_LENGTH < totalLength && bi < NUM_BLOCKHASHES - 2) bi++;
    this.bhEndLimit = bi + 1;
    this.fixedSize = totalLength;
  }

  update(chunk: Uint8Array): this {
    const len = chunk.length;
    if (len === 0) return this;
    // libfuzzy counts the whole buffer before stepping through it; the count only steers when a
    // useless small block size gets dropped, never the result.
    this.totalSize += len;
    // Two passes: the rolling hash finds the piece boundaries, then every piece hash is carried from
    // boundary to boundary. That keeps each hash in a register for a whole piece instead of loading
    // and storing ~8 of them per byte.
    const roll = this.roll;
    const n = scanChunk(chunk, this.tail, this.rollMask, roll);
    let from = 0;
    for (let k = 0; k < n; k++) {
      const q = candQ[k];
      // The scan filtered with the mask in force when it started; block sizes dropped since then
      // make it stricter.
      if ((q & this.rollMask) !== 0) continue;
      const at = candPos[k] + 1;
      this.advance(chunk, from, at);
      from = at;
      this.trigger(q);
    }
    this.advance(chunk, from, len);
    return this;
  }

  /** Feeds bytes [a, b) of `data` to every live piece hash. Hashes that currently hold the same value
   * stay equal, so each distinct value is carried once. */
  private advance(data: Uint8Array, a: number, b: number): void {
    if (a >= b) return;
    const h = this.h;
    const halfH = this.halfH;
    const dIndex = this.dIndex;
    const start = this.bhStart;
    const end = this.bhEnd;
    const slot = this.slot;
    const vals = this.vals;
    let n = 0;
    for (let i = start; i < end; i++) {
      let v = h[i];
      if (slot[v] < 0) {
        slot[v] = n;
        vals[n++] = v;
      }
      // Below 32 characters the half hash equals the full hash and is not tracked separately.
      if (dIndex[i] >= HALF_LENGTH) {
        v = halfH[i];
        if (slot[v] < 0) {
          slot[v] = n;
          vals[n++] = v;
        }
      }
    }
    if (this.needLastHash && slot[this.lastH] < 0) {
      slot[this.lastH] = n;
      vals[n++] = this.lastH;
    }
    const out = this.out;
    for (let k = 0; k < n; ) {
      const left = n - k;
      if (left > 4) {
        run8(data, a, b, vals, k, out);
        k += 8;
      } else if (left > 2) {
        run4(data, a, b, vals, k, out);
        k += 4;
      } else {
        run2(data, a, b, vals, k, out);
        k += 2;
      }
    }
    for (let i = start; i < end; i++) {
      h[i] = out[slot[h[i]]];
      if (dIndex[i] >= HALF_LENGTH) halfH[i] = out[slot[halfH[i]]];
    }
    if (this.needLastHash) this.lastH = out[slot[this.lastH]];
    for (let k = 0; k < n; k++) slot[vals[k]] = -1;
  }

  /** A piece boundary for block sizes bhStart…; `q` is (rolling sum + 1) / 3. */
  private trigger(q: number): void {
    let i = this.bhStart;
    q = Math.floor(q / 2 ** i);
    const digests = this.digests;
    do {
      const d = this.dIndex[i];
      if (d === 0) this.forkBlockHash();
      if (d < HALF_LENGTH) this.halfH[i] = this.h[i];
      const base = i * SPAMSUM_LENGTH;
      digests[base + d] = B64_CODES[this.h[i]];
      this.halfDigest[i] = B64_CODES[this.halfH[i]];
      if (d < SPAMSUM_LENGTH - 1) {
        this.dIndex[i] = d + 1;
        this.h[i] = HASH_INIT;
        if (d + 1 < HALF_LENGTH) {
          this.halfH[i] = HASH_INIT;
          this.halfDigest[i] = 0;
        }
      } else {
        // The digest is full: the last character keeps being overwritten and its hash keeps running,
        // so the tail of the input folds into one final piece.
        this.tryReduce();
      }
      if (q % 2 === 1) break;
      q = Math.floor(q / 2);
    } while (++i < this.bhEnd);
  }

  /** The largest live block size saw its first trigger: start tracking the next larger one. */
  private forkBlockHash(): void {
    const last = this.bhEnd - 1;
    if (this.bhEnd <= this.bhEndLimit) {
      const next = last + 1;
      this.h[next] = this.h[last];
      // The parent has no characters yet, so its half hash equals its full hash.
      this.halfH[next] = this.h[last];
      this.halfDigest[next] = 0;
      this.dIndex[next] = 0;
      this.bhEnd++;
    } else if (this.bhEnd === NUM_BLOCKHASHES && !this.needLastHash) {
      this.needLastHash = true;
      this.lastH = this.h[last];
    }
  }

  /** Drop the smallest block size once `digest` can no longer pick it (saves work per byte). */
  private tryReduce(): void {
    if (this.bhEnd - this.bhStart < 2) return;
    if (this.reduceBorder >= (this.fixedSize ?? this.totalSize)) return;
    if (this.dIndex[this.bhStart + 1] < HALF_LENGTH) return;
    this.bhStart++;
    this.reduceBorder *= 2;
    this.rollMask = this.rollMask * 2 + 1;
  }

  /** Number of input bytes seen so far. */
  get size(): number {
    return this.totalSize;
  }

  digest(): string {
    if (this.totalSize > SSDEEP_MAX_INPUT) throw new RangeError('ssdeep: input larger than 192 GiB');
    if (this.fixedSize !== null && this.fixedSize !== this.totalSize) {
      throw new Error(`ssdeep: expected ${this.fixedSize} bytes of input, got ${this.totalSize}`);
    }
    const rollSum = (this.roll[0] + this.roll[1] + this.roll[2]) >>> 0;
    let bi = this.bhStart;
    // First guess from the length alone, then step down while that block size produced too few pieces.
    while (blockSize(bi) * SPAMSUM_LENGTH < this.totalSize) bi++;
    if (bi >= this.bhEnd) bi = this.bhEnd - 1;
    while (bi > this.bhStart && this.dIndex[bi] < HALF_LENGTH) bi--;

    const out: number[] = [];
    const pushPart = (i: number, n: number) => {
      const base = i * SPAMSUM_LENGTH;
      for (let k = 0; k < n; k++) out.push(this.digests[base + k]);
    };
    let n = this.dIndex[bi];
    pushPart(bi, n);
    // The bytes after the last trigger form one more piece, unless the data ended exactly on a state
    // whose rolling sum is 0 (e.g. a run of 7+ zero bytes). In that case a full digest still shows
    // the character last written into its final slot.
    if (rollSum !== 0) out.push(B64_CODES[this.h[bi]]);
    else if (n === SPAMSUM_LENGTH - 1 && this.digests[bi * SPAMSUM_LENGTH + n] !== 0) {
      out.push(this.digests[bi * SPAMSUM_LENGTH + n]);
    }
    out.push(0x3a); // ':'
    if (bi < this.bhEnd - 1) {
      const b2 = bi + 1;
      n = Math.min(this.dIndex[b2], HALF_LENGTH - 1);
      pushPart(b2, n);
      const tail = this.dIndex[b2] < HALF_LENGTH ? this.h[b2] : this.halfH[b2];
      if (rollSum !== 0) out.push(B64_CODES[tail]);
      else if (this.halfDigest[b2] !== 0) out.push(this.halfDigest[b2]);
    } else if (rollSum !== 0) {
      out.push(B64_CODES[bi === 0 ? this.h[0] : this.lastH]);
    }
    return `${blockSize(bi)}:${String.fromCharCode(...out)}`;
  }
}

/** ssdeep digest of a complete buffer. */
export function ssdeepHash(data: Uint8Array): string {
  return new Ssdeep().update(data).digest();
}

// V8 compiles the byte loops while the first large chunk is still running, before the code after them
// has ever run; such code bails out at the end of every later call and much of the work then runs
// unoptimized. Hashing a few small inputs at load time (more than once: V8 only starts recording type
// information after a function has run a few times) gives the compiler complete information first.
{
  const sample = new Uint8Array(4096);
  let x = 1;
  for (let i = 0; i < sample.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    sample[i] = x >>> 24;
  }
  for (let i = 0; i < 16; i++) new Ssdeep().update(sample).update(sample.subarray(0, 5)).update(sample).digest();
}
