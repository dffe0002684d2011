// Hostile archives built in memory for load tests and the hostile-input benchmark: nested fan-outs, a
// 42.zip-style bomb, a single high-ratio entry, a deep chain and a zip of many tiny entries.
//
// Runs of zeros are compressed once: a raw-deflate stream of 1 MiB of zeros ended with a sync flush is
// byte-aligned and refers to nothing before it, so copies of it can be concatenated, then closed with a final
// block. Gigabytes of zeros thus cost milliseconds, and the archives are ordinary zips (7-Zip and unzip check
// their CRCs).
import { randomBytes } from 'node:crypto';
import { constants, crc32, deflateRawSync } from 'node:zlib';

const MiB = 1024 * 1024;
const ZERO_MIB = Buffer.alloc(MiB);
const ZERO_MIB_DEFLATED = deflateRawSync(ZERO_MIB, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
/** The standard anti-virus test file. */
export const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*');

export interface ZipEntry {
  name: string;
  /** Bytes as stored in the archive (deflated when `method` is 8). */
  data: Buffer;
  method: 0 | 8;
  crc: number;
  size: number;
}

/** An entry compressed with raw deflate. */
export function deflated(name: string, content: Buffer): ZipEntry {
  return { name, data: deflateRawSync(content, { level: 9 }), method: 8, crc: crc32(content), size: content.length };
}

/** An entry of `zeroMiB` MiB of zeros followed by `tail`, deflated without ever holding the zeros. */
export function zerosEntry(name: string, zeroMiB: number, tail: Buffer = Buffer.alloc(0)): ZipEntry {
  let crc = 0;
  for (let i = 0; i < zeroMiB; i++) crc = crc32(ZERO_MIB, crc);
  // Before deflating: zlib's crc32 of an empty buffer that went through deflateRawSync answers 0.
  if (tail.length) crc = crc32(tail, crc);
  const parts: Buffer[] = Array.from({ length: zeroMiB }, () => ZERO_MIB_DEFLATED);
  parts.push(deflateRawSync(tail)); // the final block (empty when there is no tail)
  return { name, data: Buffer.concat(parts), method: 8, crc, size: zeroMiB * MiB + tail.length };
}

/** A zip archive of the entries (no zip64: sizes below 4 GiB, fewer than 65,536 entries). */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    if (e.size >= 0xffffffff || e.data.length >= 0xffffffff) throw new RangeError(`${e.name} needs zip64`);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4); // version needed
    head.writeUInt16LE(0x0800, 6); // names are UTF-8
    head.writeUInt16LE(e.method, 8);
    head.writeUInt16LE(0, 10); // time
    head.writeUInt16LE(0x21, 12); // date: 1980-01-01
    head.writeUInt32LE(e.crc >>> 0, 14);
    head.writeUInt32LE(e.data.length, 18);
    head.writeUInt32LE(e.size, 22);
    head.writeUInt16LE(name.length, 26);
    head.writeUInt16LE(0, 28);
    locals.push(head, name, e.data);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    head.copy(cd, 6, 4, 30); // version needed .. name length, as in the local header
    cd.writeUInt16LE(0, 30); // extra
    cd.writeUInt16LE(0, 32); // comment
    cd.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += head.length + name.length + e.data.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

export interface FanOutOptions {
  /** Levels of zips of zips above the leaves (3 for a zip of zips of zips of leaves). */
  levels: number;
  /** Children of each zip. */
  width: number;
  /** Each leaf is a zip of one file: this many MiB of zeros, then 16 random bytes (so no two are alike). */
  leafMiB: number;
}

/**
 * A zip of `width` zips of `width` zips … of leaf zips: width^levels leaves, each expanding to `leafMiB` MiB
 * that no other file shares, so nothing is deduplicated.
 */
export function fanOut(o: FanOutOptions): Buffer {
  const build = (level: number, path: string): Buffer => {
    if (level === o.levels) return zip([zerosEntry(`data-${path}.bin`, o.leafMiB, randomBytes(16))]);
    return zip(Array.from({ length: o.width }, (_, i) => deflated(`${path}${i}.zip`, build(level + 1, `${path}${i}-`))));
  };
  return build(0, '');
}

/**
 * 42.zip's shape: `levels` levels of `width` identical zips, each zip at the bottom holding one file of `leafMiB`
 * MiB of zeros (42.zip: 5 levels of 16, 4.3 GB files, 4.5 PB in all). Copies closer together than deflate's
 * window compress to almost nothing, which is what keeps the whole small.
 */
export function nestedBomb(levels = 5, width = 16, leafMiB = 4095): Buffer {
  const names = ['lib', 'book', 'chapter', 'doc', 'page'];
  let inner = zip([zerosEntry('0.dat', leafMiB)]);
  for (let l = levels - 1; l >= 0; l--) {
    const entry = deflated('x.zip', inner);
    inner = zip(Array.from({ length: width }, (_, i) => ({ ...entry, name: `${names[l % names.length]} ${i.toString(16)}.zip` })));
  }
  return inner;
}

/** One entry of `mib` MiB of zeros: a compression ratio of about a thousand. */
export function singleEntryBomb(mib = 4095): Buffer {
  return zip([zerosEntry('zeros.bin', mib)]);
}

/** `depth` zips, each holding the next, the innermost holding the EICAR test file. */
export function deepChain(depth = 20, payload: Buffer = EICAR): Buffer {
  let inner = zip([deflated('eicar.com', payload)]);
  for (let d = depth - 1; d >= 1; d--) inner = zip([deflated(`level-${d + 1}.zip`, inner)]);
  return inner;
}

/** `count` distinct tiny text files. */
export function manyEntries(count = 10_000): Buffer {
  return zip(Array.from({ length: count }, (_, i) => deflated(`f/${String(i).padStart(5, '0')}.txt`, Buffer.from(`entry ${i}\n`))));
}

/** A zip of one small text file: the baseline a hostile archive's costs are compared with. */
export function plainZip(): Buffer {
  return zip([deflated('readme.txt', Buffer.from(`An ordinary archive holding one short text file. ${randomBytes(8).toString('hex')}\n`))]);
}
