// Random access to the file being identified. Most rules only look at the header bytes the caller
// already holds; a few formats keep their structure elsewhere (OLE directories, zip central
// directories, DMG trailers, PDF trailers). For those, when the caller also gave us a path, we read
// the missing ranges directly with positioned reads instead of asking for the whole file.
import { closeSync, openSync, readSync } from 'node:fs';

// One positioned read never exceeds this; a structure larger than this is treated as unreadable.
const MAX_READ = 8 * 1024 * 1024;

export class FileView {
  readonly header: Uint8Array;
  readonly size: number;
  private readonly path: string | undefined;
  private fd = -1;
  private fdFailed = false;

  constructor(header: Uint8Array, size: number, path?: string) {
    this.header = header;
    // Never trust a size smaller than the bytes we actually hold.
    this.size = Math.max(size, header.length);
    this.path = path;
  }

  /** True when the header holds every byte of the file. */
  get complete(): boolean {
    return this.header.length >= this.size;
  }

  /**
   * Bytes [offset, offset+length), clipped at end of file. Returns undefined when the range is not
   * available (beyond the header and no readable path).
   */
  read(offset: number, length: number): Uint8Array | undefined {
    if (offset < 0 || length < 0 || offset >= this.size) return undefined;
    const end = Math.min(offset + length, this.size);
    if (end <= this.header.length) return this.header.subarray(offset, end);
    const fd = this.open();
    if (fd < 0 || end - offset > MAX_READ) return undefined;
    const out = new Uint8Array(end - offset);
    let done = 0;
    try {
      while (done < out.length) {
        const n = readSync(fd, out, done, out.length - done, offset + done);
        if (n <= 0) break;
        done += n;
      }
    } catch {
      return undefined;
    }
    return done === out.length ? out : out.subarray(0, done);
  }

  /** The last `length` bytes of the file (or fewer if the file is shorter). */
  tail(length: number): Uint8Array | undefined {
    const start = Math.max(0, this.size - length);
    return this.read(start, this.size - start);
  }

  close(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // Closing a read-only descriptor cannot lose data; nothing useful to do on failure.
      }
      this.fd = -1;
    }
  }

  private open(): number {
    if (this.fd >= 0 || this.fdFailed || this.path === undefined) return this.fd;
    try {
      this.fd = openSync(this.path, 'r');
    } catch {
      this.fdFailed = true;
    }
    return this.fd;
  }
}

export function u16le(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function u32le(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

export function u16be(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

export function u32be(b: Uint8Array, o: number): number {
  return b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}

/** Little-endian 64-bit value as a JS number (exact below 2^53, which covers every file offset). */
export function u64le(b: Uint8Array, o: number): number {
  return u32le(b, o) + u32le(b, o + 4) * 0x100000000;
}

/** Whether `b` holds the ASCII/byte string `sig` at `offset`. */
export function hasBytes(b: Uint8Array, offset: number, sig: string | readonly number[]): boolean {
  if (offset < 0 || offset + sig.length > b.length) return false;
  if (typeof sig === 'string') {
    for (let i = 0; i < sig.length; i++) if (b[offset + i] !== sig.charCodeAt(i)) return false;
  } else {
    for (let i = 0; i < sig.length; i++) if (b[offset + i] !== sig[i]) return false;
  }
  return true;
}

/** Byte-for-byte view of the buffer as a string (one char per byte), cheap for regex scanning. */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  return Buffer.from(b.buffer, b.byteOffset + start, Math.max(0, Math.min(end, b.length) - start)).toString(
    'latin1',
  );
}

/** Position of an ASCII needle in the byte buffer, or -1. */
export function indexOfBytes(b: Uint8Array, needle: string | Uint8Array, from = 0, to = b.length): number {
  const buf = Buffer.from(b.buffer, b.byteOffset, Math.min(to, b.length));
  return buf.indexOf(typeof needle === 'string' ? Buffer.from(needle, 'latin1') : needle, from);
}
