// Display names of Mach-O header values and load commands (from Apple's <mach-o/loader.h> and <mach/machine.h>).

const hex = (n: number) => `0x${n.toString(16)}`;

const CPUS: Record<number, string> = {
  6: 'MC680x0', 7: 'x86', 0x01000007: 'x86_64', 12: 'ARM', 0x0100000c: 'ARM64', 0x0200000c: 'ARM64_32', 13: 'MC88000',
  14: 'SPARC', 18: 'PowerPC', 0x01000012: 'PowerPC64',
};

const FILETYPES: Record<number, string> = {
  1: 'OBJECT', 2: 'EXECUTE', 3: 'FVMLIB', 4: 'CORE', 5: 'PRELOAD', 6: 'DYLIB', 7: 'DYLINKER', 8: 'BUNDLE', 9: 'DYLIB_STUB',
  10: 'DSYM', 11: 'KEXT_BUNDLE', 12: 'FILESET',
};

const FLAGS: Array<[number, string]> = [
  [0x1, 'NOUNDEFS'], [0x2, 'INCRLINK'], [0x4, 'DYLDLINK'], [0x8, 'BINDATLOAD'], [0x10, 'PREBOUND'], [0x20, 'SPLIT_SEGS'],
  [0x80, 'TWOLEVEL'], [0x100, 'FORCE_FLAT'], [0x8000, 'WEAK_DEFINES'], [0x10000, 'BINDS_TO_WEAK'],
  [0x20000, 'ALLOW_STACK_EXECUTION'], [0x40000, 'ROOT_SAFE'], [0x80000, 'SETUID_SAFE'], [0x100000, 'NO_REEXPORTED_DYLIBS'],
  [0x200000, 'PIE'], [0x800000, 'HAS_TLV_DESCRIPTORS'], [0x1000000, 'NO_HEAP_EXECUTION'], [0x2000000, 'APP_EXTENSION_SAFE'],
];

const COMMANDS: Record<number, string> = {
  0x1: 'SEGMENT', 0x2: 'SYMTAB', 0x4: 'THREAD', 0x5: 'UNIXTHREAD', 0xb: 'DYSYMTAB', 0xc: 'LOAD_DYLIB', 0xd: 'ID_DYLIB',
  0xe: 'LOAD_DYLINKER', 0xf: 'ID_DYLINKER', 0x11: 'ROUTINES', 0x12: 'SUB_FRAMEWORK', 0x15: 'SUB_LIBRARY', 0x16: 'TWOLEVEL_HINTS',
  0x80000018: 'LOAD_WEAK_DYLIB', 0x19: 'SEGMENT_64', 0x1a: 'ROUTINES_64', 0x1b: 'UUID', 0x8000001c: 'RPATH', 0x1d: 'CODE_SIGNATURE',
  0x1e: 'SEGMENT_SPLIT_INFO', 0x8000001f: 'REEXPORT_DYLIB', 0x20: 'LAZY_LOAD_DYLIB', 0x21: 'ENCRYPTION_INFO', 0x22: 'DYLD_INFO',
  0x80000022: 'DYLD_INFO_ONLY', 0x80000023: 'LOAD_UPWARD_DYLIB', 0x24: 'VERSION_MIN_MACOSX', 0x25: 'VERSION_MIN_IPHONEOS',
  0x26: 'FUNCTION_STARTS', 0x27: 'DYLD_ENVIRONMENT', 0x80000028: 'MAIN', 0x29: 'DATA_IN_CODE', 0x2a: 'SOURCE_VERSION',
  0x2b: 'DYLIB_CODE_SIGN_DRS', 0x2c: 'ENCRYPTION_INFO_64', 0x2d: 'LINKER_OPTION', 0x2e: 'LINKER_OPTIMIZATION_HINT',
  0x2f: 'VERSION_MIN_TVOS', 0x30: 'VERSION_MIN_WATCHOS', 0x31: 'NOTE', 0x32: 'BUILD_VERSION', 0x80000033: 'DYLD_EXPORTS_TRIE',
  0x80000034: 'DYLD_CHAINED_FIXUPS', 0x80000035: 'FILESET_ENTRY',
};

const PLATFORMS: Record<number, string> = {
  1: 'macOS', 2: 'iOS', 3: 'tvOS', 4: 'watchOS', 5: 'bridgeOS', 6: 'Mac Catalyst', 7: 'iOS simulator', 8: 'tvOS simulator',
  9: 'watchOS simulator', 10: 'DriverKit', 11: 'visionOS', 12: 'visionOS simulator',
};

export const cpuName = (c: number) => CPUS[c] ?? hex(c);
export const fileTypeName = (t: number) => FILETYPES[t] ?? String(t);
export const commandName = (c: number) => COMMANDS[c] ?? hex(c);
export const platformName = (p: number) => PLATFORMS[p] ?? String(p);

export function flagNames(f: number): string {
  return FLAGS.filter(([bit]) => f & bit).map(([, n]) => n).join(', ');
}

/** VM protection bits as rwx. */
export function prot(p: number): string {
  return `${p & 1 ? 'r' : '-'}${p & 2 ? 'w' : '-'}${p & 4 ? 'x' : '-'}`;
}

/** A short, file-name-safe architecture label for an extracted slice. */
export function archLabel(cputype: number, index: number): string {
  return (CPUS[cputype] ?? `cpu${cputype.toString(16)}`).toLowerCase().replace(/[^a-z0-9_]/g, '') || `slice${index}`;
}
