// Executable formats. libmagic already names these, but its wording varies between versions and
// it cannot see everything from a buffer (PIE detection needs the dynamic section), so the label is
// derived from the headers themselves.
import { FileView, hasBytes, u16be, u16le, u32be, u32le } from './source.js';

export interface PeHeaderInfo {
  /** COFF machine field. */
  machine: number;
  /** Optional header magic: 0x10b (PE32), 0x20b (PE32+), or something else on malformed files. */
  optionalMagic: number;
  /** 32 or 64 when the width could be established, undefined otherwise. */
  bits: 32 | 64 | undefined;
  isDll: boolean;
  /** The CLI (COM descriptor) data directory is present: a .NET assembly. */
  isDotnet: boolean;
}

const IMAGE_FILE_DLL = 0x2000;
const COM_DESCRIPTOR_INDEX = 14;

// Machines whose width is known when the optional header is unusable.
const MACHINE_BITS: Record<number, 32 | 64> = {
  0x014c: 32, // i386
  0x01c0: 32, // ARM
  0x01c2: 32, // Thumb
  0x01c4: 32, // ARMv7 Thumb-2
  0x8664: 64, // x86-64
  0xaa64: 64, // ARM64
  0x0200: 64, // Itanium
};

/**
 * Parses the MZ/PE headers. Returns undefined when there is no MZ stub or no PE signature (a pure
 * DOS program or something that merely starts with "MZ").
 */
export function parsePeHeader(view: FileView): PeHeaderInfo | undefined {
  const h = view.header;
  if (h.length < 0x40 || h[0] !== 0x4d || h[1] !== 0x5a) return undefined;
  const lfanew = u32le(h, 0x3c);
  if (lfanew < 4 || lfanew > 0x10000000) return undefined;
  // COFF header (24 bytes with signature) plus the largest optional header we care about.
  const pe = view.read(lfanew, 24 + 240);
  if (!pe || pe.length < 24 || !hasBytes(pe, 0, 'PE\0\0')) return undefined;
  const machine = u16le(pe, 4);
  const optSize = u16le(pe, 20);
  const characteristics = u16le(pe, 22);
  const optionalMagic = pe.length >= 26 ? u16le(pe, 24) : 0;

  let bits: 32 | 64 | undefined;
  let dirsAt = -1;
  if (optionalMagic === 0x10b) {
    bits = 32;
    dirsAt = 24 + 92;
  } else if (optionalMagic === 0x20b) {
    bits = 64;
    dirsAt = 24 + 108;
  } else {
    bits = MACHINE_BITS[machine];
  }

  let isDotnet = false;
  if (dirsAt > 0 && pe.length >= dirsAt + 4) {
    const count = u32le(pe, dirsAt);
    const entry = dirsAt + 4 + COM_DESCRIPTOR_INDEX * 8;
    // The directory must be declared and lie inside the optional header the file says it has.
    // Only its address counts: the loader ignores the size, and tampered assemblies zero it.
    if (count > COM_DESCRIPTOR_INDEX && entry + 8 <= 24 + optSize && entry + 8 <= pe.length) {
      isDotnet = u32le(pe, entry) !== 0;
    }
  }
  return { machine, optionalMagic, bits, isDll: (characteristics & IMAGE_FILE_DLL) !== 0, isDotnet };
}

/**
 * Assemblyline labels a PE by width and DLL flag only; .NET assemblies get the same labels as native
 * code unless the caller opts into a distinct label.
 */
export function peLabel(info: PeHeaderInfo, dotnetLabel: boolean): string {
  if (dotnetLabel && info.isDotnet) return 'executable/windows/dotnet';
  if (info.bits === undefined) return 'executable/windows/pe';
  return `executable/windows/${info.isDll ? 'dll' : 'pe'}${info.bits}`;
}

const ET_EXEC = 2;
const ET_DYN = 3;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_FLAGS_1 = 0x6ffffffb;
const DF_1_PIE = 0x08000000;

/** ELF label: executable, PIE, shared object, or the generic width label for objects and cores. */
export function elfLabel(view: FileView): string | undefined {
  const h = view.header;
  if (h.length < 0x34 || !hasBytes(h, 0, '\x7fELF')) return undefined;
  const cls = h[4];
  if (cls !== 1 && cls !== 2) return undefined;
  const bits = cls === 1 ? 32 : 64;
  const le = h[5] !== 2;
  const r16 = le ? u16le : u16be;
  const r32 = le ? u32le : u32be;
  const type = r16(h, 16);

  // Android ahead-of-time compiled code is an ELF container with an "oat" payload at 0x1000.
  if (hasBytes(h, 0x1000, 'oat')) return 'executable/android/oat';
  if (type === ET_EXEC) return `executable/linux/elf${bits}`;
  if (type === ET_DYN) return isPie(view, bits === 64, le, r16, r32) ? `executable/linux/pie${bits}` : `executable/linux/so${bits}`;
  // Relocatable objects, core dumps and vendor types have no dedicated label; they are still ELF.
  return `executable/linux/elf${bits}`;
}

type Reader = (b: Uint8Array, o: number) => number;

// A position-independent executable is an ET_DYN object flagged DF_1_PIE in its dynamic section,
// the same test the file(1) utility applies. When the dynamic section is out of reach, the
// presence of a program interpreter is the next best evidence.
function isPie(view: FileView, is64: boolean, le: boolean, r16: Reader, r32: Reader): boolean {
  const h = view.header;
  const r64 = (b: Uint8Array, o: number) =>
    le ? r32(b, o) + r32(b, o + 4) * 0x100000000 : r32(b, o) * 0x100000000 + r32(b, o + 4);
  const phoff = is64 ? r64(h, 0x20) : r32(h, 0x1c);
  const phentsize = r16(h, is64 ? 0x36 : 0x2a);
  const phnum = Math.min(r16(h, is64 ? 0x38 : 0x2c), 256);
  if (phentsize < (is64 ? 56 : 32) || phnum === 0) return false;
  const table = view.read(phoff, phentsize * phnum);
  if (!table) return false;
  let interp = false;
  let dynOff = -1;
  let dynSize = 0;
  for (let i = 0; i < phnum; i++) {
    const o = i * phentsize;
    if (o + phentsize > table.length) break;
    const ptype = r32(table, o);
    if (ptype === PT_INTERP) interp = true;
    else if (ptype === PT_DYNAMIC) {
      dynOff = is64 ? r64(table, o + 8) : r32(table, o + 4);
      dynSize = is64 ? r64(table, o + 32) : r32(table, o + 16);
    }
  }
  if (dynOff >= 0 && dynSize > 0) {
    const dyn = view.read(dynOff, Math.min(dynSize, 64 * 1024));
    if (dyn) {
      const step = is64 ? 16 : 8;
      for (let o = 0; o + step <= dyn.length; o += step) {
        const tag = is64 ? r64(dyn, o) : r32(dyn, o);
        if (tag === 0) break;
        if (tag === DT_FLAGS_1) {
          const val = is64 ? r64(dyn, o + 8) : r32(dyn, o + 4);
          return (val & DF_1_PIE) !== 0;
        }
      }
      return false;
    }
  }
  return interp;
}

const MACHO_MAGICS = new Set([0xfeedface, 0xcefaedfe, 0xfeedfacf, 0xcffaedfe]);

/**
 * Mach-O thin and universal binaries. The universal magic 0xCAFEBABE is shared with Java class
 * files; those carry a class-file version (>= 45) where a universal binary has its small
 * architecture count.
 */
export function machoLabel(h: Uint8Array): string | undefined {
  if (h.length < 8) return undefined;
  const magic = u32be(h, 0);
  if (MACHO_MAGICS.has(magic)) return 'executable/mach-o';
  if (magic === 0xcafebabe || magic === 0xcafebabf) {
    const n = u32be(h, 4);
    if (n > 0 && n < 45) return 'executable/mach-o';
    if (magic === 0xcafebabe && n >= 45) return 'java/class';
  }
  return undefined;
}
