// DOS, COFF and optional headers plus the data directory. A magic other than PE32+ is read with the PE32
// layout, the way the Windows loader's tolerant readers (and YARA) do, so corrupt files still give fields.
import { type Bytes, u16, u32, u64, u8 } from './bytes.js';

export const PE32_MAGIC = 0x10b;
export const PE32PLUS_MAGIC = 0x20b;
export const DIR = {
  EXPORT: 0, IMPORT: 1, RESOURCE: 2, EXCEPTION: 3, SECURITY: 4, BASERELOC: 5, DEBUG: 6, ARCHITECTURE: 7,
  GLOBALPTR: 8, TLS: 9, LOAD_CONFIG: 10, BOUND_IMPORT: 11, IAT: 12, DELAY_IMPORT: 13, CLR: 14,
} as const;
const MAX_DIRS = 16;

export interface DataDirectory { virtualAddress: number; size: number }

export interface CoffHeader {
  machine: number;
  numberOfSections: number;
  timestamp: number;
  pointerToSymbolTable: number;
  numberOfSymbols: number;
  sizeOfOptionalHeader: number;
  characteristics: number;
}

export interface OptionalHeader {
  magic: number;
  linkerVersion: { major: number; minor: number };
  sizeOfCode: number;
  sizeOfInitializedData: number;
  sizeOfUninitializedData: number;
  entryPointRva: number;
  baseOfCode: number;
  baseOfData?: number;
  imageBase: bigint;
  sectionAlignment: number;
  fileAlignment: number;
  osVersion: { major: number; minor: number };
  imageVersion: { major: number; minor: number };
  subsystemVersion: { major: number; minor: number };
  win32VersionValue: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  checksum: number;
  subsystem: number;
  dllCharacteristics: number;
  sizeOfStackReserve: bigint;
  sizeOfStackCommit: bigint;
  sizeOfHeapReserve: bigint;
  sizeOfHeapCommit: bigint;
  loaderFlags: number;
  numberOfRvaAndSizes: number;
}

export interface Headers {
  lfanew: number;
  coff: CoffHeader;
  /** Undefined when the optional header is cut short. */
  optional?: OptionalHeader;
  directories: DataDirectory[];
  /** File offsets of the checksum field and of the security directory entry (for the Authenticode digest). */
  checksumOffset: number;
  securityEntryOffset: number;
  sectionTableOffset: number;
}

export type HeaderResult = { ok: true; headers: Headers } | { ok: false; reason: string };

export function parseHeaders(b: Bytes): HeaderResult {
  if (b.length < 0x40 || b[0] !== 0x4d || b[1] !== 0x5a) return { ok: false, reason: 'no MZ header' };
  const lfanew = u32(b, 0x3c)!;
  if (u32(b, lfanew) !== 0x00004550) return { ok: false, reason: 'no PE signature at e_lfanew' };
  const c = lfanew + 4;
  const coffFields = [u16(b, c), u16(b, c + 2), u32(b, c + 4), u32(b, c + 8), u32(b, c + 12), u16(b, c + 16), u16(b, c + 18)];
  if (coffFields.some((v) => v === undefined)) return { ok: false, reason: 'COFF header truncated' };
  const [machine, numberOfSections, timestamp, pointerToSymbolTable, numberOfSymbols, sizeOfOptionalHeader, characteristics] =
    coffFields as number[];
  const coff: CoffHeader = { machine, numberOfSections, timestamp, pointerToSymbolTable, numberOfSymbols, sizeOfOptionalHeader, characteristics };
  const o = c + 20;
  const optional = parseOptional(b, o);
  const is64 = optional?.magic === PE32PLUS_MAGIC;
  const dirsAt = o + (is64 ? 112 : 96);
  const directories: DataDirectory[] = [];
  if (optional) {
    const n = Math.min(optional.numberOfRvaAndSizes, MAX_DIRS);
    for (let i = 0; i < n; i++) {
      const va = u32(b, dirsAt + i * 8);
      const size = u32(b, dirsAt + i * 8 + 4);
      if (va === undefined || size === undefined) break;
      directories.push({ virtualAddress: va, size });
    }
  }
  return {
    ok: true,
    headers: {
      lfanew, coff, optional, directories,
      checksumOffset: o + 64,
      securityEntryOffset: dirsAt + DIR.SECURITY * 8,
      sectionTableOffset: o + sizeOfOptionalHeader,
    },
  };
}

function parseOptional(b: Bytes, o: number): OptionalHeader | undefined {
  const magic = u16(b, o);
  if (magic === undefined) return undefined;
  const is64 = magic === PE32PLUS_MAGIC;
  // Fixed part: 96 bytes (PE32) or 112 bytes (PE32+), up to and including NumberOfRvaAndSizes.
  if (o + (is64 ? 112 : 96) > b.length) return undefined;
  const r16 = (x: number) => u16(b, o + x)!;
  const r32 = (x: number) => u32(b, o + x)!;
  const rsz = (x: number) => (is64 ? u64(b, o + x)! : BigInt(r32(x)));
  // PE32+ drops BaseOfData and widens ImageBase and the four stack/heap sizes, shifting what follows.
  const w = is64 ? 16 : 0;
  return {
    magic,
    linkerVersion: { major: u8(b, o + 2)!, minor: u8(b, o + 3)! },
    sizeOfCode: r32(4),
    sizeOfInitializedData: r32(8),
    sizeOfUninitializedData: r32(12),
    entryPointRva: r32(16),
    baseOfCode: r32(20),
    baseOfData: is64 ? undefined : r32(24),
    imageBase: is64 ? u64(b, o + 24)! : BigInt(r32(28)),
    sectionAlignment: r32(32),
    fileAlignment: r32(36),
    osVersion: { major: r16(40), minor: r16(42) },
    imageVersion: { major: r16(44), minor: r16(46) },
    subsystemVersion: { major: r16(48), minor: r16(50) },
    win32VersionValue: r32(52),
    sizeOfImage: r32(56),
    sizeOfHeaders: r32(60),
    checksum: r32(64),
    subsystem: r16(68),
    dllCharacteristics: r16(70),
    sizeOfStackReserve: rsz(72),
    sizeOfStackCommit: rsz(is64 ? 80 : 76),
    sizeOfHeapReserve: rsz(is64 ? 88 : 80),
    sizeOfHeapCommit: rsz(is64 ? 96 : 84),
    loaderFlags: r32(88 + w),
    numberOfRvaAndSizes: r32(92 + w),
  };
}

export const MACHINES: Record<number, string> = {
  0x014c: 'I386', 0x0162: 'R3000', 0x0166: 'R4000', 0x0168: 'R10000', 0x0169: 'WCEMIPSV2', 0x0184: 'ALPHA',
  0x01a2: 'SH3', 0x01a3: 'SH3DSP', 0x01a6: 'SH4', 0x01a8: 'SH5', 0x01c0: 'ARM', 0x01c2: 'THUMB', 0x01c4: 'ARMNT',
  0x01d3: 'AM33', 0x01f0: 'POWERPC', 0x01f1: 'POWERPCFP', 0x0200: 'IA64', 0x0266: 'MIPS16', 0x0284: 'ALPHA64',
  0x0366: 'MIPSFPU', 0x0466: 'MIPSFPU16', 0x0520: 'TRICORE', 0x0ebc: 'EBC', 0x8664: 'AMD64', 0x9041: 'M32R',
  0xaa64: 'ARM64', 0x5032: 'RISCV32', 0x5064: 'RISCV64', 0x5128: 'RISCV128', 0x6232: 'LOONGARCH32', 0x6264: 'LOONGARCH64',
};

export const SUBSYSTEMS: Record<number, string> = {
  0: 'UNKNOWN', 1: 'NATIVE', 2: 'WINDOWS_GUI', 3: 'WINDOWS_CUI', 5: 'OS2_CUI', 7: 'POSIX_CUI', 8: 'NATIVE_WINDOWS',
  9: 'WINDOWS_CE_GUI', 10: 'EFI_APPLICATION', 11: 'EFI_BOOT_SERVICE_DRIVER', 12: 'EFI_RUNTIME_DRIVER', 13: 'EFI_ROM',
  14: 'XBOX', 16: 'WINDOWS_BOOT_APPLICATION',
};

const FILE_FLAGS: Array<[number, string]> = [
  [0x0001, 'RELOCS_STRIPPED'], [0x0002, 'EXECUTABLE_IMAGE'], [0x0004, 'LINE_NUMS_STRIPPED'], [0x0008, 'LOCAL_SYMS_STRIPPED'],
  [0x0010, 'AGGRESSIVE_WS_TRIM'], [0x0020, 'LARGE_ADDRESS_AWARE'], [0x0080, 'BYTES_REVERSED_LO'], [0x0100, '32BIT_MACHINE'],
  [0x0200, 'DEBUG_STRIPPED'], [0x0400, 'REMOVABLE_RUN_FROM_SWAP'], [0x0800, 'NET_RUN_FROM_SWAP'], [0x1000, 'SYSTEM'],
  [0x2000, 'DLL'], [0x4000, 'UP_SYSTEM_ONLY'], [0x8000, 'BYTES_REVERSED_HI'],
];

export const flagNames = (value: number, table: Array<[number, string]>): string[] =>
  table.filter(([bit]) => (value & bit) !== 0).map(([, name]) => name);

export const fileFlags = (v: number) => flagNames(v, FILE_FLAGS);
export const IMAGE_FILE_DLL = 0x2000;
