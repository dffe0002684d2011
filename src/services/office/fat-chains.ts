// A check of a compound file's sector chains, run before the file is handed to cfb. cfb first splits the FAT
// into chains, stopping each at a sector it has seen; but a stream of 4096 bytes or more whose first sector lies
// inside another chain is then followed with no such stop. If that chain loops back on itself, cfb grows an
// array until V8 aborts the whole process ("invalid size error"), which no try/catch can stop. Exactly those
// streams are checked here, so a file cfb reads safely (loops elsewhere included) is still read; only a loop in
// the DIFAT, the list of FAT sectors, is refused outright.
//
// The FAT is read the way cfb reads it (MS-CFB 2.2 to 2.6): the sector size from the major version, FAT sector
// numbers from the header's DIFAT up to the first negative one and then along the DIFAT chain, sector j at file
// offset (j + 1) * size, missing bytes as zero, and negative sector numbers as the end of a chain.

const ENDOFCHAIN = -2;
const HEADER_DIFAT = 109;

function int32(b: Uint8Array, o: number): number {
  return (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24);
}

/** A message when cfb would follow a looping chain without a stop; undefined when it reads the file safely. */
export function loopingChain(buf: Uint8Array): string | undefined {
  if (buf.length < 512) return undefined;
  const major = buf[26]! | (buf[27]! << 8);
  const size = major === 3 ? 512 : major === 4 ? 4096 : 0;
  if (!size) return undefined; // cfb refuses the header itself
  const count = Math.ceil(buf.length / size) - 1;
  const sector = (j: number): Uint8Array | undefined => (j >= 0 && j < count ? buf.subarray((j + 1) * size, (j + 2) * size) : undefined);

  const fatSectors: number[] = [];
  for (let i = 0; i < HEADER_DIFAT; i++) {
    const s = int32(buf, 76 + i * 4);
    if (s < 0) break;
    fatSectors.push(s);
  }
  // The DIFAT chain, as many sectors as the header counts plus the first. A DIFAT that loops would make cfb
  // repeat FAT sector numbers as long as its recursion lasts; no valid file has one, so it is refused.
  const seenDifat = new Set<number>();
  for (let d = int32(buf, 68), left = int32(buf, 72); d !== ENDOFCHAIN && d !== -1; left--, d = int32(sector(d)!, size - 4)) {
    const s = sector(d);
    if (!s) break;
    if (seenDifat.has(d)) return `the DIFAT chain loops back to sector ${d}`;
    seenDifat.add(d);
    for (let i = 0; i < size / 4 - 1; i++) {
      const f = int32(s, i * 4);
      if (f === ENDOFCHAIN) break;
      fatSectors.push(f);
    }
    if (left < 1) break;
  }
  const next = (j: number): number => {
    const fat = sector(fatSectors[Math.floor((j * 4) / size)] ?? -1);
    return fat ? int32(fat, (j * 4) % size) : -1;
  };

  // The chains cfb starts on its own: from each sector in turn, beginning at the directory's, unless an earlier
  // chain passed through it; each is followed until a sector repeats.
  const dirStart = int32(buf, 48);
  const passed = new Set<number>();
  const heads = new Set<number>();
  for (let i = 0; i < count; i++) {
    const k = i + dirStart >= count ? i + dirStart - count : i + dirStart;
    if (passed.has(k)) continue;
    heads.add(k);
    const seen = new Set<number>();
    for (let j = k; j >= 0 && !seen.has(j); j = next(j)) {
      seen.add(j);
      passed.add(j);
    }
  }

  // The directory, along its chain up to the first repeated sector.
  const dirSectors: Uint8Array[] = [];
  const seenDir = new Set<number>();
  for (let j = dirStart; j >= 0 && !seenDir.has(j); j = next(j)) {
    seenDir.add(j);
    const s = sector(j);
    if (s) dirSectors.push(s);
  }
  // Entries cfb reads through the unguarded walk: not the root (its chain is the mini stream), 4096 bytes or
  // more, starting at a sector that is not the head of a chain. Sectors known to reach an end are not walked again.
  const ends = new Set<number>();
  for (const dir of dirSectors) {
    for (let o = 0; o + 128 <= dir.length; o += 128) {
      const start = int32(dir, o + 116);
      if (dir[o + 66] === 5 || int32(dir, o + 120) < 4096 || start < 0 || heads.has(start)) continue;
      const path = new Set<number>();
      for (let j = start; j >= 0 && !ends.has(j); j = next(j)) {
        if (path.has(j)) return `the FAT chain of a stream starting at sector ${start} loops back to sector ${j}`;
        path.add(j);
      }
      for (const j of path) ends.add(j);
    }
  }
  return undefined;
}
