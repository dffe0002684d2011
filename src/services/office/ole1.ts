// OLE1 embedded objects (as RTF \objdata carries them) and the "Package" native format that wraps an arbitrary
// file (also found in OLE2 documents as the \x01Ole10Native stream). Every length is checked against the buffer.

export interface Ole1Object {
  formatId: number;
  className: string;
  topic: string;
  item: string;
  /** Native data of an embedded object (an OLE2 file, a Package, ...). */
  native?: Buffer;
  /** Link target of a linked object. */
  link?: string;
}

export interface PackagePayload {
  label: string;
  /** Original path of the file on the author's machine. */
  sourcePath: string;
  tempPath: string;
  data: Buffer;
}

const MAX_NAME = 4096;

class Reader {
  constructor(readonly b: Buffer, public o = 0) {}
  u16(): number {
    if (this.o + 2 > this.b.length) throw new RangeError('truncated');
    const v = this.b.readUInt16LE(this.o);
    this.o += 2;
    return v;
  }
  u32(): number {
    if (this.o + 4 > this.b.length) throw new RangeError('truncated');
    const v = this.b.readUInt32LE(this.o);
    this.o += 4;
    return v;
  }
  bytes(n: number): Buffer {
    if (n < 0 || this.o + n > this.b.length) throw new RangeError('truncated');
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  /** Length-prefixed ANSI string (length includes the terminating NUL). */
  lpstr(): string {
    const n = this.u32();
    if (n > MAX_NAME) throw new RangeError(`string length ${n} is implausible`);
    return this.bytes(n).toString('latin1').replace(/\0.*$/s, '');
  }
  zstr(): string {
    const end = this.b.indexOf(0, this.o);
    if (end < 0 || end - this.o > MAX_NAME) throw new RangeError('unterminated string');
    const s = this.b.subarray(this.o, end).toString('latin1');
    this.o = end + 1;
    return s;
  }
}

/** Parses an OLE1 object (MS-OLEDS 2.2.4 ObjectHeader + EmbeddedObject/LinkedObject). */
export function parseOle1(b: Buffer): Ole1Object {
  const r = new Reader(b);
  r.u32(); // OLEVersion
  const formatId = r.u32();
  if (formatId !== 1 && formatId !== 2) throw new Error(`not an OLE1 object (format id ${formatId})`);
  const obj: Ole1Object = { formatId, className: r.lpstr(), topic: r.lpstr(), item: r.lpstr() };
  if (formatId === 2) {
    const size = r.u32();
    // A truncated object still gives its first bytes: enough to recognise a payload.
    obj.native = b.subarray(r.o, Math.min(b.length, r.o + size));
  } else {
    obj.link = obj.topic;
  }
  return obj;
}

/** The Package native format: label, source path, temp path, then the file itself. */
export function parsePackage(b: Buffer): PackagePayload {
  const r = new Reader(b);
  if (r.u16() !== 2) throw new Error('not a Package (signature)');
  const label = r.zstr();
  const sourcePath = r.zstr();
  r.u32(); // reserved: 0x00030000 for an embedded file
  const tempLen = r.u32();
  const tempPath = r.bytes(Math.min(tempLen, MAX_NAME)).toString('latin1').replace(/\0.*$/s, '');
  const size = r.u32();
  const data = b.subarray(r.o, Math.min(b.length, r.o + size));
  return { label, sourcePath, tempPath, data };
}

/** The \x01Ole10Native stream: a 4-byte total size, then (usually) a Package. */
export function parseOle10Native(b: Buffer): PackagePayload | { data: Buffer } {
  const body = b.subarray(4);
  try {
    return parsePackage(body);
  } catch {
    const size = b.length >= 4 ? b.readUInt32LE(0) : 0;
    return { data: body.subarray(0, Math.min(size, body.length)) };
  }
}

export function isPe(b: Buffer): boolean {
  if (b.length < 64 || b[0] !== 0x4d || b[1] !== 0x5a) return false;
  const pe = b.readUInt32LE(0x3c);
  return pe + 4 <= b.length ? b.readUInt32LE(pe) === 0x4550 : true;
}

/** File name of a payload without its directory, safe to use as the child's name. */
export function payloadName(p: { label?: string; sourcePath?: string; tempPath?: string }, fallback: string): string {
  const raw = p.sourcePath || p.tempPath || p.label || '';
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^\w.\- ]/g, '_').replace(/^\.+/, '').slice(0, 100);
  return clean || fallback;
}
