// Test-only utilities: locating the shared corpus, reading the single sample out of a corpus zip,
// decoding the Intel HEX text YARA-X stores its samples in, and building synthetic files.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { decodeIntelHex } from '../../helpers/yarax-samples.js';


const HERE = dirname(fileURLToPath(import.meta.url));
/** Project root: two levels above src/core. */
export const PROJECT_ROOT = join(HERE, '..', '..', '..');
export const CORPUS = join(PROJECT_ROOT, '..', 'shared', 'corpus');

export function corpusAvailable(sub: string): boolean {
  return existsSync(join(CORPUS, sub));
}

export interface ZipMember {
  name: string;
  data: Buffer;
}

/** Every member of a zip held in memory (stored or deflated members only). */
export function readZip(zip: Buffer): ZipMember[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let o = zip.readUInt32LE(eocd + 16);
  const out: ZipMember[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(o) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(o + 10);
    const compSize = zip.readUInt32LE(o + 20);
    const nameLen = zip.readUInt16LE(o + 28);
    const local = zip.readUInt32LE(o + 42);
    const name = zip.subarray(o + 46, o + 46 + nameLen).toString('utf8');
    o += 46 + nameLen + zip.readUInt16LE(o + 30) + zip.readUInt16LE(o + 32);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compSize);
    if (method === 0) out.push({ name, data: Buffer.from(raw) });
    else if (method === 8) out.push({ name, data: inflateRawSync(raw) });
    else throw new Error(`unsupported zip method ${method} for ${name}`);
  }
  return out;
}

/**
 * The sample inside a corpus zip: its one real member (macOS resource-fork entries are skipped).
 * YARA-X keeps binaries as Intel HEX text; those are decoded back to the original bytes.
 */
export function corpusSample(zipPath: string): Buffer {
  const members = readZip(readFileSync(zipPath)).filter((m) => !m.name.startsWith('__MACOSX/'));
  if (members.length !== 1) throw new Error(`${zipPath}: expected one member, found ${members.length}`);
  const data = members[0].data;
  return data[0] === 0x3a ? decodeIntelHex(data.toString('latin1')) : data;
}

/** A minimal stored (uncompressed) zip with the given members, local headers and directory. */
export function buildZip(members: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(members)) {
    const nameBuf = Buffer.from(name, 'utf8');
    const data = Buffer.from(content, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Object.keys(members).length, 8);
  eocd.writeUInt16LE(Object.keys(members).length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

export interface CfbStream {
  name: string;
  /** Content; streams are stored in regular 512-byte sectors. */
  data?: Buffer;
}

/**
 * A version-3 compound file: header, one FAT sector, one directory sector (root plus up to three
 * top-level streams in a flat sibling chain), then the stream data.
 */
export function buildCfb(streams: CfbStream[], rootClsid?: string): Buffer {
  if (streams.length > 3) throw new Error('at most three streams');
  const SECTOR = 512;
  const header = Buffer.alloc(SECTOR);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // one FAT sector
  header.writeUInt32LE(1, 0x30); // directory at sector 1
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(0xfffffffe, 0x3c);
  header.writeUInt32LE(0xfffffffe, 0x44);
  header.fill(0xff, 0x4c);
  header.writeUInt32LE(0, 0x4c); // FAT in sector 0

  const fat = Buffer.alloc(SECTOR, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // FAT sector itself
  fat.writeUInt32LE(0xfffffffe, 4); // directory: single sector
  const dir = Buffer.alloc(SECTOR);
  const data: Buffer[] = [];
  let next = 2;
  const entry = (i: number, name: string, type: number, right: number, child: number, start: number, size: number) => {
    const o = i * 128;
    Buffer.from(`${name}\0`, 'utf16le').copy(dir, o);
    dir.writeUInt16LE((name.length + 1) * 2, o + 0x40);
    dir[o + 0x42] = type;
    dir.writeUInt32LE(0xffffffff, o + 0x44);
    dir.writeUInt32LE(right, o + 0x48);
    dir.writeUInt32LE(child, o + 0x4c);
    dir.writeUInt32LE(start, o + 0x74);
    dir.writeUInt32LE(size, o + 0x78);
  };
  entry(0, 'Root Entry', 5, 0xffffffff, streams.length ? 1 : 0xffffffff, 0xfffffffe, 0);
  if (rootClsid) clsidBytes(rootClsid).copy(dir, 0x50);
  streams.forEach((s, i) => {
    const content = s.data ?? Buffer.alloc(4096);
    const sectors = Math.max(1, Math.ceil(content.length / SECTOR));
    for (let k = 0; k < sectors; k++) fat.writeUInt32LE(k === sectors - 1 ? 0xfffffffe : next + k + 1, (next + k) * 4);
    const padded = Buffer.alloc(sectors * SECTOR);
    content.copy(padded);
    data.push(padded);
    entry(i + 1, s.name, 2, i + 1 < streams.length ? i + 2 : 0xffffffff, 0xffffffff, next, content.length);
    next += sectors;
  });
  return Buffer.concat([header, fat, dir, ...data]);
}

function clsidBytes(clsid: string): Buffer {
  const hex = clsid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  // The first three groups are stored little-endian.
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

export interface PeOptions {
  bits: 32 | 64;
  dll?: boolean;
  dotnet?: boolean;
  machine?: number;
}

/** MZ stub plus NT headers with an optional header of the requested width; no sections. */
export function buildPe(opts: PeOptions): Buffer {
  const lfanew = 0x80;
  const optSize = opts.bits === 64 ? 240 : 224;
  const b = Buffer.alloc(lfanew + 24 + optSize + 64);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(lfanew, 0x3c);
  b.write('PE\0\0', lfanew, 'latin1');
  b.writeUInt16LE(opts.machine ?? (opts.bits === 64 ? 0x8664 : 0x14c), lfanew + 4);
  b.writeUInt16LE(optSize, lfanew + 20);
  b.writeUInt16LE(0x0002 | (opts.dll ? 0x2000 : 0), lfanew + 22);
  const opt = lfanew + 24;
  b.writeUInt16LE(opts.bits === 64 ? 0x20b : 0x10b, opt);
  const dirs = opt + (opts.bits === 64 ? 108 : 92);
  b.writeUInt32LE(16, dirs);
  if (opts.dotnet) {
    b.writeUInt32LE(0x2008, dirs + 4 + 14 * 8);
    b.writeUInt32LE(0x48, dirs + 4 + 14 * 8 + 4);
  }
  return b;
}
