// Byte loops of the ssdeep hasher (see ssdeep.ts): the rolling-hash scan that finds piece boundaries,
// and the carrying of piece hashes between boundaries. Plain functions over typed arrays and
// module-level tables, which V8 optimizes better than the same loops written as methods.

export const ROLLING_WINDOW = 7;
// Only the low 6 bits of the FNV-style piece hash ever reach the output, so the state is kept mod 64.
const FNV_PRIME = 0x01000193;

/** SUM_TABLE[h << 8 | c] = ((h * FNV_PRIME) ^ c) mod 64, i.e. one step of the piece hash. */
export const SUM_TABLE = (() => {
  const t = new Uint8Array(64 * 256);
  for (let h = 0; h < 64; h++) {
    for (let c = 0; c < 256; c++) t[(h << 8) | c] = (Math.imul(h, FNV_PRIME) ^ c) & 63;
  }
  return t;
})();

/** The inverse of 3 modulo 2^32 (as int32), and the largest 32-bit value divided by 3. */
const INV3 = 0xaaaaaaab | 0;
const MAX_Q = 0x55555555;


// Boundary candidates of the chunk being processed: position and (sum + 1) / 3. Shared scratch space
// (hashing is synchronous, so no two chunks are ever in flight at once). They are replaced by larger
// arrays when full; importers see the current ones through the live module binding.
export let candPos = new Int32Array(4096);
export let candQ = new Int32Array(4096);

function addCandidate(n: number, pos: number, q: number): number {
  if (n === candPos.length) {
    const grownPos = new Int32Array(n * 2);
    const grownQ = new Int32Array(n * 2);
    grownPos.set(candPos);
    grownQ.set(candQ);
    candPos = grownPos;
    candQ = grownQ;
  }
  candPos[n] = pos;
  candQ[n] = q;
  return n + 1;
}

/**
 * Runs the rolling hash over `chunk`, recording into candPos/candQ the positions that are boundaries
 * for the block sizes `mask` admits. `tail` holds the 7 bytes before the chunk (oldest first) and `roll`
 * the three rolling sums; both are updated. Returns the number of candidates. A plain function over
 * typed arrays, which V8 optimizes better than the same loop as a method.
 */
export function scanChunk(chunk: Uint8Array, tail: Uint8Array, mask: number, roll: Int32Array): number {
  const len = chunk.length;
  let h1 = roll[0];
  let h2 = roll[1];
  let h3 = roll[2];
  let n = 0;
  // The byte leaving the 7-byte window comes from the previous chunk for the first 7 positions and
  // from this chunk afterwards; two loops keep the hot one free of that choice.
  const head = Math.min(ROLLING_WINDOW, len);
  for (let p = 0; p < head; p++) {
    const c = chunk[p];
    h2 = (h2 - h1 + ROLLING_WINDOW * c) | 0;
    h1 = (h1 + c - tail[p]) | 0;
    h3 = (h3 << 5) ^ c;
    const q = Math.imul((h1 + h2 + h3 + 1) | 0, INV3);
    if (q <= 0 || q > MAX_Q || (q & mask) !== 0) continue;
    n = addCandidate(n, p, q);
  }
  for (let p = head; p < len; p++) {
    const c = chunk[p];
    h2 = (h2 - h1 + ROLLING_WINDOW * c) | 0;
    h1 = (h1 + c - chunk[p - ROLLING_WINDOW]) | 0;
    h3 = (h3 << 5) ^ c;
    // A boundary for block size 3·2^i is sum ≡ -1 (mod 3·2^i), i.e. sum + 1 (mod 2^32) divisible by
    // 3·2^i. Multiplying by the inverse of 3 mod 2^32 gives the exact quotient when sum + 1 is a
    // multiple of 3, and a value above (2^32-1)/3 (negative as int32, or > MAX_Q) otherwise; this
    // keeps the test in 32-bit integer arithmetic. sum + 1 = 0 never counts (2^32 - 1 ≢ -1 mod 3).
    const q = Math.imul((h1 + h2 + h3 + 1) | 0, INV3);
    if (q <= 0 || q > MAX_Q || (q & mask) !== 0) continue;
    n = addCandidate(n, p, q);
  }
  if (len >= ROLLING_WINDOW) {
    tail.set(chunk.subarray(len - ROLLING_WINDOW));
  } else {
    tail.copyWithin(0, len);
    tail.set(chunk, ROLLING_WINDOW - len);
  }
  roll[0] = h1;
  roll[1] = h2;
  roll[2] = h3;
  return n;
}

// Carry piece-hash values vals[k…] over data[a, b) into out[k…]. Several independent chains per loop let
// the table lookups overlap; slots past the live ones (up to 8 spare) are harmless extra work.

export function run8(data: Uint8Array, a: number, b: number, vals: Uint8Array, k: number, out: Uint8Array): void {
  const t = SUM_TABLE;
  let s0 = vals[k];
  let s1 = vals[k + 1];
  let s2 = vals[k + 2];
  let s3 = vals[k + 3];
  let s4 = vals[k + 4];
  let s5 = vals[k + 5];
  let s6 = vals[k + 6];
  let s7 = vals[k + 7];
  for (let p = a; p < b; p++) {
    const c = data[p];
    s0 = t[(s0 << 8) | c];
    s1 = t[(s1 << 8) | c];
    s2 = t[(s2 << 8) | c];
    s3 = t[(s3 << 8) | c];
    s4 = t[(s4 << 8) | c];
    s5 = t[(s5 << 8) | c];
    s6 = t[(s6 << 8) | c];
    s7 = t[(s7 << 8) | c];
  }
  out[k] = s0;
  out[k + 1] = s1;
  out[k + 2] = s2;
  out[k + 3] = s3;
  out[k + 4] = s4;
  out[k + 5] = s5;
  out[k + 6] = s6;
  out[k + 7] = s7;
}

export function run4(data: Uint8Array, a: number, b: number, vals: Uint8Array, k: number, out: Uint8Array): void {
  const t = SUM_TABLE;
  let s0 = vals[k];
  let s1 = vals[k + 1];
  let s2 = vals[k + 2];
  let s3 = vals[k + 3];
  for (let p = a; p < b; p++) {
    const c = data[p];
    s0 = t[(s0 << 8) | c];
    s1 = t[(s1 << 8) | c];
    s2 = t[(s2 << 8) | c];
    s3 = t[(s3 << 8) | c];
  }
  out[k] = s0;
  out[k + 1] = s1;
  out[k + 2] = s2;
  out[k + 3] = s3;
}

export function run2(data: Uint8Array, a: number, b: number, vals: Uint8Array, k: number, out: Uint8Array): void {
  const t = SUM_TABLE;
  let s0 = vals[k];
  let s1 = vals[k + 1];
  for (let p = a; p < b; p++) {
    const c = data[p];
    s0 = t[(s0 << 8) | c];
    s1 = t[(s1 << 8) | c];
  }
  out[k] = s0;
  out[k + 1] = s1;
}
