// Display names of ELF header values. Segment and note type names follow the form Assemblyline's ELF results
// tag (no PT_ prefix), so tags from both systems compare equal.

const hex = (n: number) => `0x${n.toString(16)}`;

const TYPES: Record<number, string> = { 0: 'NONE', 1: 'REL (relocatable)', 2: 'EXEC (executable)', 3: 'DYN (shared object or PIE)', 4: 'CORE (core dump)' };

const MACHINES: Record<number, string> = {
  0: 'None', 2: 'SPARC', 3: 'Intel 80386', 4: 'Motorola 68000', 8: 'MIPS', 18: 'SPARC32PLUS', 20: 'PowerPC', 21: 'PowerPC64',
  22: 'IBM S/390', 40: 'ARM', 42: 'SuperH', 43: 'SPARC V9', 50: 'IA-64', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V',
  247: 'BPF', 258: 'LoongArch',
};

const OSABIS: Record<number, string> = {
  0: 'UNIX System V', 1: 'HP-UX', 2: 'NetBSD', 3: 'Linux', 4: 'GNU Hurd', 6: 'Solaris', 7: 'AIX', 8: 'IRIX', 9: 'FreeBSD',
  10: 'Tru64', 12: 'OpenBSD', 64: 'ARM EABI', 97: 'ARM', 255: 'Standalone',
};

const SEGMENTS: Record<number, string> = {
  0: 'NULL', 1: 'LOAD', 2: 'DYNAMIC', 3: 'INTERP', 4: 'NOTE', 5: 'SHLIB', 6: 'PHDR', 7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME', 0x6474e551: 'GNU_STACK', 0x6474e552: 'GNU_RELRO', 0x6474e553: 'GNU_PROPERTY',
  0x70000001: 'ARM_UNWIND', 0x70000000: 'PROC_SPECIFIC',
};

const SECTIONS: Record<number, string> = {
  0: 'NULL', 1: 'PROGBITS', 2: 'SYMTAB', 3: 'STRTAB', 4: 'RELA', 5: 'HASH', 6: 'DYNAMIC', 7: 'NOTE', 8: 'NOBITS', 9: 'REL',
  10: 'SHLIB', 11: 'DYNSYM', 14: 'INIT_ARRAY', 15: 'FINI_ARRAY', 16: 'PREINIT_ARRAY', 17: 'GROUP', 18: 'SYMTAB_SHNDX',
  0x6ffffff6: 'GNU_HASH', 0x6ffffffd: 'GNU_VERDEF', 0x6ffffffe: 'GNU_VERNEED', 0x6fffffff: 'GNU_VERSYM',
  0x70000001: 'ARM_EXIDX', 0x70000003: 'ARM_ATTRIBUTES',
};

// Note types are only meaningful within their owner's namespace.
const GNU_NOTES: Record<number, string> = { 1: 'ABI_TAG', 2: 'HWCAP', 3: 'BUILD_ID', 4: 'GOLD_VERSION', 5: 'PROPERTY_TYPE_0' };
const CORE_NOTES: Record<number, string> = {
  1: 'PRSTATUS', 2: 'PRFPREG', 3: 'PRPSINFO', 4: 'TASKSTRUCT', 6: 'AUXV', 0x46494c45: 'FILE', 0x53494749: 'SIGINFO',
  0x202: 'X86_XSTATE',
};

export const typeName = (t: number) => TYPES[t] ?? hex(t);
export const machineName = (m: number) => MACHINES[m] ?? `machine ${m}`;
export const osabiName = (o: number) => OSABIS[o] ?? `OS/ABI ${o}`;
export const segmentTypeName = (t: number) => SEGMENTS[t] ?? hex(t);
export const sectionTypeName = (t: number) => SECTIONS[t] ?? hex(t);

export function noteTypeName(owner: string, type: number, core: boolean): string {
  if (core && (owner === 'CORE' || owner === 'LINUX')) return CORE_NOTES[type] ?? hex(type);
  if (owner === 'GNU') return GNU_NOTES[type] ?? hex(type);
  return hex(type);
}

export function segmentFlags(f: number): string {
  return `${f & 4 ? 'R' : '-'}${f & 2 ? 'W' : '-'}${f & 1 ? 'X' : '-'}`;
}

const SHF: Array<[number, string]> = [[1, 'WRITE'], [2, 'ALLOC'], [4, 'EXECINSTR'], [0x10, 'MERGE'], [0x20, 'STRINGS'], [0x400, 'TLS']];
export function sectionFlags(f: number): string {
  return SHF.filter(([bit]) => f & bit).map(([, n]) => n).join(', ');
}
