// Bounds-checked integer reads over a buffer in a chosen byte order. Every read outside the buffer yields
// undefined instead of throwing, so the parsers can stop at the first field that is missing and keep what they
// already have.

export class BinaryReader {
  constructor(readonly buf: Buffer, readonly little: boolean) {}

  get size(): number {
    return this.buf.length;
  }

  has(off: number, len: number): boolean {
    return Number.isSafeInteger(off) && off >= 0 && len >= 0 && off + len <= this.buf.length;
  }

  u8(off: number): number | undefined {
    return this.has(off, 1) ? this.buf[off] : undefined;
  }

  u16(off: number): number | undefined {
    if (!this.has(off, 2)) return undefined;
    return this.little ? this.buf.readUInt16LE(off) : this.buf.readUInt16BE(off);
  }

  u32(off: number): number | undefined {
    if (!this.has(off, 4)) return undefined;
    return this.little ? this.buf.readUInt32LE(off) : this.buf.readUInt32BE(off);
  }

  /** 64-bit values become numbers: offsets and sizes beyond 2^53 cannot point into any real file anyway. */
  u64(off: number): number | undefined {
    if (!this.has(off, 8)) return undefined;
    return Number(this.little ? this.buf.readBigUInt64LE(off) : this.buf.readBigUInt64BE(off));
  }

  /** A 32- or 64-bit word, as the ELF class or Mach-O width says. */
  word(off: number, wide: boolean): number | undefined {
    return wide ? this.u64(off) : this.u32(off);
  }

  /** Bytes up to the first NUL (or the end of the buffer), starting at `off`, at most `max` long. */
  cstring(off: number, max = 4096, encoding: BufferEncoding = 'utf8'): string | undefined {
    if (!this.has(off, 0)) return undefined;
    const end = Math.min(this.buf.length, off + max);
    let i = off;
    while (i < end && this.buf[i] !== 0) i++;
    return this.buf.toString(encoding, off, i);
  }
}
