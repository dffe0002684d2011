// parseElf against YARA-X's elf module: for every corpus sample, each field both report (header, sections,
// segments, symbols, dynamic entries) must agree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseElf, type ElfInfo } from '../../../src/services/elf/parse.js';
import { readSample } from '../../helpers/yarax-samples.js';
import { parseYaraxOutPlain, type Plain, type PlainMap } from '../../helpers/yarax-out.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = resolve(root, '../shared/corpus/yarax-modules/elf');

// The enum names the YARA-X outputs print, with their values (ELF gABI and GNU extensions).
const NAMES: Record<string, number> = {
  ET_NONE: 0, ET_REL: 1, ET_EXEC: 2, ET_DYN: 3, ET_CORE: 4,
  EM_NONE: 0, EM_M32: 1, EM_SPARC: 2, EM_386: 3, EM_68K: 4, EM_88K: 5, EM_IAMCU: 6, EM_860: 7, EM_MIPS: 8, EM_S370: 9,
  EM_MIPS_RS3_LE: 10, EM_PPC: 20, EM_PPC64: 21, EM_ARM: 40, EM_X86_64: 62, EM_AARCH64: 183,
  OSABI_NONE: 0, OSABI_HPUX: 1, OSABI_NETBSD: 2, OSABI_LINUX: 3, OSABI_SOLARIS: 6, OSABI_FREE_BSD: 9, OSABI_OPENBSD: 12,
  OSABI_ARM: 97, OSABI_STANDALONE: 255,
  SHT_NULL: 0, SHT_PROGBITS: 1, SHT_SYMTAB: 2, SHT_STRTAB: 3, SHT_RELA: 4, SHT_HASH: 5, SHT_DYNAMIC: 6, SHT_NOTE: 7,
  SHT_NOBITS: 8, SHT_REL: 9, SHT_SHLIB: 10, SHT_DYNSYM: 11, SHT_INIT_ARRAY: 14, SHT_FINI_ARRAY: 15,
  PT_NULL: 0, PT_LOAD: 1, PT_DYNAMIC: 2, PT_INTERP: 3, PT_NOTE: 4, PT_SHLIB: 5, PT_PHDR: 6, PT_TLS: 7,
  PT_GNU_EH_FRAME: 0x6474e550, PT_GNU_STACK: 0x6474e551, PT_GNU_RELRO: 0x6474e552, PT_GNU_PROPERTY: 0x6474e553,
  STT_NOTYPE: 0, STT_OBJECT: 1, STT_FUNC: 2, STT_SECTION: 3, STT_FILE: 4, STT_COMMON: 5, STT_TLS: 6,
  STB_LOCAL: 0, STB_GLOBAL: 1, STB_WEAK: 2, STV_DEFAULT: 0, STV_INTERNAL: 1, STV_HIDDEN: 2, STV_PROTECTED: 3,
  DT_NULL: 0, DT_NEEDED: 1, DT_PLTRELSZ: 2, DT_PLTGOT: 3, DT_HASH: 4, DT_STRTAB: 5, DT_SYMTAB: 6, DT_RELA: 7, DT_RELASZ: 8,
  DT_RELAENT: 9, DT_STRSZ: 10, DT_SYMENT: 11, DT_INIT: 12, DT_FINI: 13, DT_SONAME: 14, DT_RPATH: 15, DT_SYMBOLIC: 16,
  DT_REL: 17, DT_RELSZ: 18, DT_RELENT: 19, DT_PLTREL: 20, DT_DEBUG: 21, DT_TEXTREL: 22, DT_JMPREL: 23, DT_BIND_NOW: 24,
  DT_INIT_ARRAY: 25, DT_FINI_ARRAY: 26, DT_INIT_ARRAYSZ: 27, DT_FINI_ARRAYSZ: 28, DT_RUNPATH: 29, DT_FLAGS: 30,
  DT_ENCODING: 32, DT_LOOS: 0x6000000d, DT_HIOS: 0x6ffff000, DT_VALRNGLO: 0x6ffffd00, DT_VALRNGHI: 0x6ffffdff,
  DT_ADDRRNGLO: 0x6ffffe00, DT_ADDRRNGHI: 0x6ffffeff, DT_VERSYM: 0x6ffffff0, DT_RELACOUNT: 0x6ffffff9,
  DT_RELCOUNT: 0x6ffffffa, DT_FLAGS_1: 0x6ffffffb, DT_VERDEF: 0x6ffffffc, DT_VERDEFNUM: 0x6ffffffd,
  DT_VERNEED: 0x6ffffffe, DT_VERNEEDNUM: 0x6fffffff, DT_LOPROC: 0x70000000, DT_HIPROC: 0x7fffffff,
};

/** An enum field: a known name, or the value printed as a signed 32-bit number. */
function enumValue(g: Plain | undefined): number | undefined {
  if (g === undefined) return undefined;
  if (typeof g === 'number') return g >>> 0;
  if (typeof g === 'string' && g in NAMES) return NAMES[g];
  throw new Error(`unknown enum name ${String(g)}`);
}

const u32 = (n: number) => Number(BigInt(n) & 0xffffffffn);

function compare(info: ElfInfo | undefined, g: PlainMap): string[] {
  const bad: string[] = [];
  const eq = (what: string, ours: unknown, theirs: unknown) => {
    if (ours !== theirs) bad.push(`${what}: ours ${String(ours)}, YARA-X ${String(theirs)}`);
  };
  if (!Object.keys(g).length) {
    eq('is ELF', info !== undefined, false);
    return bad;
  }
  if (!info) return ['not parsed'];
  eq('type', info.type, enumValue(g.type));
  eq('machine', info.machine, enumValue(g.machine));
  eq('osabi', info.osabi, enumValue(g.osabi));
  eq('entry_point', info.entryPoint, g.entry_point);
  eq('sh_offset', info.shOffset, g.sh_offset);
  eq('sh_entry_size', info.shEntrySize, g.sh_entry_size);
  eq('ph_offset', info.phOffset, g.ph_offset);
  eq('ph_entry_size', info.phEntrySize, g.ph_entry_size);
  eq('number_of_sections', info.shCount, g.number_of_sections);
  eq('number_of_segments', info.phCount, g.number_of_segments);
  eq('symtab_entries', info.symtab.length, g.symtab_entries ?? 0);
  eq('dynsym_entries', info.dynsym.length, g.dynsym_entries ?? 0);
  eq('dynamic_section_entries', info.dynamic.length, g.dynamic_section_entries ?? 0);

  const sections = (g.sections ?? []) as PlainMap[];
  eq('sections', info.sections.length, sections.length);
  sections.forEach((s, i) => {
    const o = info.sections[i];
    if (!o) return;
    eq(`section ${i} type`, o.type, enumValue(s.type));
    eq(`section ${i} flags`, o.flags, s.flags);
    eq(`section ${i} address`, o.addr, s.address);
    eq(`section ${i} size`, o.size, s.size);
    eq(`section ${i} offset`, o.offset, s.offset);
    eq(`section ${i} name`, o.name, s.name);
  });
  const segments = (g.segments ?? []) as PlainMap[];
  eq('segments', info.segments.length, segments.length);
  segments.forEach((s, i) => {
    const o = info.segments[i];
    if (!o) return;
    eq(`segment ${i} type`, o.type, enumValue(s.type));
    eq(`segment ${i} flags`, o.flags, s.flags);
    eq(`segment ${i} offset`, o.offset, s.offset);
    eq(`segment ${i} virtual_address`, o.vaddr, s.virtual_address);
    eq(`segment ${i} physical_address`, o.paddr, s.physical_address);
    eq(`segment ${i} file_size`, o.filesz, s.file_size);
    eq(`segment ${i} memory_size`, o.memsz, s.memory_size);
    eq(`segment ${i} alignment`, o.align, s.alignment);
  });
  for (const table of ['symtab', 'dynsym'] as const) {
    const syms = (g[table] ?? []) as PlainMap[];
    eq(table, info[table].length, syms.length);
    syms.forEach((s, i) => {
      const o = info[table][i];
      if (!o) return;
      eq(`${table} ${i} name`, o.name, s.name);
      eq(`${table} ${i} value`, o.value, s.value);
      eq(`${table} ${i} size`, o.size, s.size);
      eq(`${table} ${i} type`, o.type, enumValue(s.type));
      eq(`${table} ${i} bind`, o.bind, enumValue(s.bind));
      eq(`${table} ${i} shndx`, o.shndx, s.shndx);
      eq(`${table} ${i} visibility`, o.visibility, enumValue(s.visibility));
    });
  }
  const dyn = (g.dynamic ?? []) as PlainMap[];
  eq('dynamic', info.dynamic.length, dyn.length);
  dyn.forEach((d, i) => {
    const o = info.dynamic[i];
    if (!o) return;
    eq(`dynamic ${i} type`, u32(o.tag), enumValue(d.type));
    eq(`dynamic ${i} val`, o.value, d.val);
  });
  return bad;
}

describe('parseElf against the YARA-X elf module outputs', () => {
  const samples = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.out')).map((f) => f.slice(0, -4)).sort() : [];

  it('finds the corpus samples', () => {
    assert.ok(samples.length >= 14, `expected the corpus at ${dir}`);
  });

  it('agrees with every field YARA-X reports, on every sample', async () => {
    const failures: string[] = [];
    let agree = 0;
    for (const name of samples) {
      const base = join(dir, name);
      const theirs = parseYaraxOutPlain(readFileSync(`${base}.out`, 'utf8'));
      const bad = compare(parseElf(await readSample(base)), theirs);
      if (bad.length) failures.push(`${name}: ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? ` (+${bad.length - 5})` : ''}`);
      else agree++;
    }
    console.log(`ELF agreement with YARA-X: ${agree}/${samples.length} samples`);
    assert.deepEqual(failures, []);
  });
});
