// ELF structure: the file header, program headers (segments), section headers with their names, the symbol
// tables and the dynamic entries. Hostile files lie about counts and offsets, so every table is read only as far
// as the file reaches and a table that does not fit is reported in `warnings` rather than trusted.
//
// Where a value has more than one reasonable reading, the parser follows what YARA's elf module reports (its
// outputs are the test oracle): `entryPoint` is a file offset, section and segment tables are all-or-nothing,
// only the first SHT_SYMTAB / SHT_DYNSYM section is read, and a section header count at or above SHN_LORESERVE
// leaves the sections out.
import { BinaryReader } from '../../sdk/binary-reader.js';

export const PT = { NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, PHDR: 6, TLS: 7 } as const;
export const SHT = { NULL: 0, SYMTAB: 2, STRTAB: 3, DYNAMIC: 6, NOTE: 7, NOBITS: 8, DYNSYM: 11 } as const;
export const PF = { X: 1, W: 2, R: 4 } as const;
export const DT = { NULL: 0, NEEDED: 1, STRTAB: 5, STRSZ: 10, SONAME: 14, RPATH: 15, RUNPATH: 29 } as const;
const SHN_LORESERVE = 0xff00;
/** Tables longer than this are treated as lies: no real binary has a million sections or segments. */
const MAX_ENTRIES = 1 << 20;
/** Dynamic entries read over all PT_DYNAMIC segments: overlapping segments could otherwise repeat the file. */
const MAX_DYNAMIC = 1 << 16;

export interface ElfSegment {
  type: number; flags: number; offset: number; vaddr: number; paddr: number; filesz: number; memsz: number; align: number;
}

export interface ElfSection {
  nameIndex: number; name?: string; type: number; flags: number; addr: number; offset: number; size: number;
  link: number; info: number; entsize: number;
}

export interface ElfSymbol {
  name?: string; value: number; size: number; type: number; bind: number; visibility: number; shndx: number;
}

export interface ElfDynamic { tag: number; value: number }

export interface ElfInfo {
  bits: 32 | 64;
  littleEndian: boolean;
  osabi: number;
  abiVersion: number;
  type: number;
  machine: number;
  version: number;
  /** The entry address as written in the header. */
  entryAddress: number;
  /** The entry point as a file offset, when it falls inside a segment (or section, for relocatable files). */
  entryPoint?: number;
  flags: number;
  phOffset: number; phEntrySize: number; phCount: number;
  shOffset: number; shEntrySize: number; shCount: number; shStrIndex: number;
  segments: ElfSegment[];
  sections: ElfSection[];
  symtab: ElfSymbol[];
  dynsym: ElfSymbol[];
  dynamic: ElfDynamic[];
  warnings: string[];
}

/** Parses an ELF image; undefined when the buffer does not start with a usable ELF identification. */
export function parseElf(buf: Buffer): ElfInfo | undefined {
  if (buf.length < 16 || buf.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const wide = cls === 2;
  const r = new BinaryReader(buf, data === 1);
  const ws = wide ? 8 : 4;
  // e_type .. e_shstrndx: the rest of the header, whose size depends on the class.
  const at = (n: number) => 16 + n;
  const entryAt = at(8);
  const headerEnd = entryAt + 3 * ws + 4 + 6 * 2;
  if (!r.has(0, headerEnd)) return undefined;
  const after = entryAt + 3 * ws;
  const info: ElfInfo = {
    bits: wide ? 64 : 32,
    littleEndian: data === 1,
    osabi: buf[7]!,
    abiVersion: buf[8]!,
    type: r.u16(at(0))!,
    machine: r.u16(at(2))!,
    version: r.u32(at(4))!,
    entryAddress: r.word(entryAt, wide)!,
    phOffset: r.word(entryAt + ws, wide)!,
    shOffset: r.word(entryAt + 2 * ws, wide)!,
    flags: r.u32(after)!,
    phEntrySize: r.u16(after + 6)!,
    phCount: r.u16(after + 8)!,
    shEntrySize: r.u16(after + 10)!,
    shCount: r.u16(after + 12)!,
    shStrIndex: r.u16(after + 14)!,
    segments: [], sections: [], symtab: [], dynsym: [], dynamic: [], warnings: [],
  };

  const segments = readSegments(r, info, wide);
  if (segments) info.segments = segments;
  else info.warnings.push(`program header table (${info.phCount} entries at ${info.phOffset}) runs past the end of the file`);
  for (const s of info.segments) {
    if (s.type !== PT.DYNAMIC) continue;
    if (info.dynamic.length >= MAX_DYNAMIC) {
      info.warnings.push(`more than ${MAX_DYNAMIC} dynamic entries; the rest are not read`);
      break;
    }
    info.dynamic.push(...readDynamic(r, s, wide).slice(0, MAX_DYNAMIC - info.dynamic.length));
  }

  if (info.shCount >= SHN_LORESERVE) {
    info.warnings.push(`section header count ${info.shCount} is in the reserved range`);
    return info;
  }
  const sections = readSections(r, info, wide);
  if (!sections) info.warnings.push(`section header table (${info.shCount} entries at ${info.shOffset}) runs past the end of the file`);
  if (info.entryAddress !== 0) info.entryPoint = entryOffset(info, info.segments, sections ?? []);
  if (!sections) return info;
  const strtab = sections[info.shStrIndex];
  for (const s of sections) s.name = tableString(r, strtab, s.nameIndex);
  info.sections = sections;
  info.symtab = readSymbols(r, sections, SHT.SYMTAB, wide);
  info.dynsym = readSymbols(r, sections, SHT.DYNSYM, wide);
  return info;
}

function readSegments(r: BinaryReader, info: ElfInfo, wide: boolean): ElfSegment[] | undefined {
  const size = wide ? 56 : 32;
  if (info.phCount > MAX_ENTRIES || !r.has(info.phOffset, info.phCount * size)) return undefined;
  const out: ElfSegment[] = [];
  for (let i = 0; i < info.phCount; i++) {
    const o = info.phOffset + i * size;
    out.push(wide
      ? { type: r.u32(o)!, flags: r.u32(o + 4)!, offset: r.u64(o + 8)!, vaddr: r.u64(o + 16)!, paddr: r.u64(o + 24)!, filesz: r.u64(o + 32)!, memsz: r.u64(o + 40)!, align: r.u64(o + 48)! }
      : { type: r.u32(o)!, offset: r.u32(o + 4)!, vaddr: r.u32(o + 8)!, paddr: r.u32(o + 12)!, filesz: r.u32(o + 16)!, memsz: r.u32(o + 20)!, flags: r.u32(o + 24)!, align: r.u32(o + 28)! });
  }
  return out;
}

function readSections(r: BinaryReader, info: ElfInfo, wide: boolean): ElfSection[] | undefined {
  const ws = wide ? 8 : 4;
  const size = 16 + 6 * ws;
  if (!r.has(info.shOffset, info.shCount * size)) return undefined;
  const out: ElfSection[] = [];
  for (let i = 0; i < info.shCount; i++) {
    const o = info.shOffset + i * size;
    out.push({
      nameIndex: r.u32(o)!, type: r.u32(o + 4)!, flags: r.word(o + 8, wide)!, addr: r.word(o + 8 + ws, wide)!,
      offset: r.word(o + 8 + 2 * ws, wide)!, size: r.word(o + 8 + 3 * ws, wide)!, link: r.u32(o + 8 + 4 * ws)!,
      info: r.u32(o + 12 + 4 * ws)!, entsize: r.word(o + 16 + 5 * ws, wide)!,
    });
  }
  return out;
}

/** A NUL-terminated string `index` bytes into a string table section (which may run to the end of the file). */
export function tableString(r: BinaryReader, table: ElfSection | undefined, index: number): string | undefined {
  if (!table) return undefined;
  const o = table.offset + index;
  if (!r.has(table.offset, 0) || !r.has(o, 0)) return undefined;
  return r.cstring(o);
}

/** Entries of one PT_DYNAMIC segment, up to DT_NULL or the end of the segment's bytes. */
function readDynamic(r: BinaryReader, s: ElfSegment, wide: boolean): ElfDynamic[] {
  const out: ElfDynamic[] = [];
  if (!r.has(s.offset, s.filesz)) return out;
  const ws = wide ? 8 : 4;
  const end = s.offset + s.filesz;
  for (let o = s.offset; o + 2 * ws <= end; o += 2 * ws) {
    const tag = r.word(o, wide)!;
    if (tag === DT.NULL) break;
    out.push({ tag, value: r.word(o + ws, wide)! });
  }
  return out;
}

function readSymbols(r: BinaryReader, sections: ElfSection[], type: number, wide: boolean): ElfSymbol[] {
  const table = sections.find((s) => s.type === type);
  const out: ElfSymbol[] = [];
  if (!table || !r.has(table.offset, table.size)) return out;
  const strtab = sections[table.link];
  const size = wide ? 24 : 16;
  const end = table.offset + table.size;
  for (let o = table.offset; o + size <= end; o += size) {
    const nameIndex = r.u32(o)!;
    const [value, symSize, infoByte, other, shndx] = wide
      ? [r.u64(o + 8)!, r.u64(o + 16)!, r.u8(o + 4)!, r.u8(o + 5)!, r.u16(o + 6)!]
      : [r.u32(o + 4)!, r.u32(o + 8)!, r.u8(o + 12)!, r.u8(o + 13)!, r.u16(o + 14)!];
    out.push({
      name: tableString(r, strtab, nameIndex), value, size: symSize, type: infoByte & 0xf, bind: infoByte >> 4,
      visibility: other & 3, shndx,
    });
  }
  return out;
}

/** Where the entry address lies in the file: through the segments for images, the sections for objects. */
function entryOffset(info: ElfInfo, segments: ElfSegment[], sections: ElfSection[]): number | undefined {
  const rva = info.entryAddress;
  if (info.type === 2 || info.type === 3) {
    for (const s of segments) if (rva >= s.vaddr && rva < s.vaddr + s.memsz) return s.offset + (rva - s.vaddr);
    return undefined;
  }
  for (const s of sections) {
    if (s.type !== SHT.NOBITS && s.type !== SHT.NULL && rva >= s.addr && rva < s.addr + s.size) return s.offset + (rva - s.addr);
  }
  return undefined;
}

/** Maps a virtual address to a file offset through the loadable segments. */
export function addressToOffset(info: ElfInfo, addr: number): number | undefined {
  for (const s of info.segments) {
    if (s.type === PT.LOAD && addr >= s.vaddr && addr < s.vaddr + s.filesz) return s.offset + (addr - s.vaddr);
  }
  return undefined;
}
