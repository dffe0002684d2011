// The section table and the mapping between RVAs and file offsets.
import { type Bytes, cBytes, entropy, hash, latin1, slice, u16, u32 } from './bytes.js';
import type { Headers } from './headers.js';

/** More than 96 sections is never a real image; the loader itself refuses it. */
export const MAX_SECTIONS = 96;
const SECTION_SIZE = 40;
const SYMBOL_SIZE = 18;

export interface Section {
  /** The 8-byte name with trailing NULs removed, bytes kept as Latin-1. */
  name: string;
  /** The long name from the COFF string table for "/<offset>" names (GNU toolchains). */
  fullName?: string;
  virtualSize: number;
  virtualAddress: number;
  rawSize: number;
  rawOffset: number;
  pointerToRelocations: number;
  pointerToLineNumbers: number;
  numberOfRelocations: number;
  numberOfLineNumbers: number;
  characteristics: number;
  entropy: number;
  /** MD5 of the section's raw data as present in the file. */
  md5: string;
}

export function parseSections(b: Bytes, h: Headers): Section[] {
  const out: Section[] = [];
  const n = Math.min(h.coff.numberOfSections, MAX_SECTIONS);
  const stringTable = h.coff.pointerToSymbolTable + h.coff.numberOfSymbols * SYMBOL_SIZE;
  for (let i = 0; i < n; i++) {
    const o = h.sectionTableOffset + i * SECTION_SIZE;
    if (o + SECTION_SIZE > b.length) break;
    let end = 8;
    while (end > 0 && b[o + end - 1] === 0) end--;
    const name = latin1(b.subarray(o, o + end));
    const rawOffset = u32(b, o + 20)!;
    const rawSize = u32(b, o + 16)!;
    const data = slice(b, rawOffset, rawSize);
    const s: Section = {
      name,
      virtualSize: u32(b, o + 8)!,
      virtualAddress: u32(b, o + 12)!,
      rawSize,
      rawOffset,
      pointerToRelocations: u32(b, o + 24)!,
      pointerToLineNumbers: u32(b, o + 28)!,
      numberOfRelocations: u16(b, o + 32)!,
      numberOfLineNumbers: u16(b, o + 34)!,
      characteristics: u32(b, o + 36)!,
      entropy: entropy(data),
      md5: hash('md5', data),
    };
    const m = /^\/(\d+)$/.exec(name);
    if (m && h.coff.pointerToSymbolTable) {
      const long = cBytes(b, stringTable + Number(m[1]), 256);
      if (long) s.fullName = latin1(long);
    }
    out.push(s);
  }
  return out;
}

/**
 * Raw offsets are rounded down to the file alignment (capped at 512, as the loader effectively does) and, for
 * page-aligned images, to a 512-byte sector.
 */
function alignedRawOffset(offset: number, fileAlignment: number, sectionAlignment: number): number {
  const fa = Math.min(fileAlignment, 0x200);
  let r = fa > 0 ? offset - (offset % fa) : offset;
  if (sectionAlignment >= 0x1000) r -= r % 0x200;
  return r;
}

export interface AddressMap {
  /** File offset of an RVA, or undefined when the RVA has no bytes in the file. */
  toOffset(rva: number): number | undefined;
}

/**
 * RVA → file offset: RVAs below every section map to themselves (headers); otherwise the section with the
 * highest start that contains the RVA (using the larger of virtual and raw size) wins, and the RVA must fall
 * inside that section's raw data.
 */
export function addressMap(sections: Section[], fileAlignment: number, sectionAlignment: number): AddressMap {
  const lowest = sections.length ? Math.min(...sections.map((s) => s.virtualAddress)) : undefined;
  return {
    toOffset(rva: number): number | undefined {
      if (!Number.isFinite(rva) || rva < 0 || rva > 0xffffffff) return undefined;
      if (lowest !== undefined && rva < lowest) return rva;
      let secRva = 0;
      let secOff = 0;
      let secRaw = 0;
      for (const s of sections) {
        const size = Math.max(s.virtualSize, s.rawSize);
        const end = Math.min(0xffffffff, s.virtualAddress + size);
        if (secRva <= s.virtualAddress && rva >= s.virtualAddress && rva < end) {
          secRva = s.virtualAddress;
          secOff = alignedRawOffset(s.rawOffset, fileAlignment, sectionAlignment);
          secRaw = s.rawSize;
        }
      }
      if (Math.max(0, rva - secRva) >= secRaw) return undefined;
      return Math.min(0xffffffff, secOff + (rva - secRva));
    },
  };
}

export const SECTION_FLAGS: Array<[number, string]> = [
  [0x00000020, 'CNT_CODE'], [0x00000040, 'CNT_INITIALIZED_DATA'], [0x00000080, 'CNT_UNINITIALIZED_DATA'],
  [0x00000200, 'LNK_INFO'], [0x00000800, 'LNK_REMOVE'], [0x00001000, 'LNK_COMDAT'], [0x00008000, 'GPREL'],
  [0x01000000, 'LNK_NRELOC_OVFL'], [0x02000000, 'MEM_DISCARDABLE'], [0x04000000, 'MEM_NOT_CACHED'],
  [0x08000000, 'MEM_NOT_PAGED'], [0x10000000, 'MEM_SHARED'], [0x20000000, 'MEM_EXECUTE'], [0x40000000, 'MEM_READ'],
  [0x80000000, 'MEM_WRITE'],
];
export const MEM_EXECUTE = 0x20000000;
export const MEM_WRITE = 0x80000000;
