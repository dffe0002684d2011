// telfhash: a TLSH digest over an ELF's exported-function names, for clustering related Linux malware. The
// names are the global, default-visibility functions of the first non-empty symbol table (.dynsym or .symtab,
// whichever comes first), minus names that differ only by compiler or architecture, lowercased and sorted.
// Programs without symbol tables are hashed over their call targets by the reference tool, which needs a
// disassembler; none is computed for them here.
import { tlshHashT1 } from '../../sdk/hashes/tlsh.js';
import { SHT, type ElfInfo } from './parse.js';

const EXCLUDED = new Set(['__libc_start_main', 'main', 'abort', 'cachectl', 'cacheflush', 'puts', 'atol', 'malloc_trim']);
const EXCLUDED_PATTERNS = [/^[_.]/, /64$/, /^str/, /^mem/];

const STT_FUNC = 2;
const STB_GLOBAL = 1;
const STV_DEFAULT = 0;

/** The symbol names telfhash hashes; undefined when the file has no symbol table. */
export function telfhashSymbols(info: ElfInfo): string[] | undefined {
  const table = info.sections.find((s) => s.size > 0 && (s.type === SHT.DYNSYM || s.type === SHT.SYMTAB));
  if (!table) return undefined;
  const symbols = table.type === SHT.DYNSYM ? info.dynsym : info.symtab;
  return symbols
    .filter((s) => s.type === STT_FUNC && s.bind === STB_GLOBAL && s.visibility === STV_DEFAULT && s.name)
    .map((s) => s.name!)
    .filter((n) => !EXCLUDED.has(n) && !EXCLUDED_PATTERNS.some((re) => re.test(n)))
    .map((n) => n.toLowerCase())
    .sort();
}

/** "t1…" digest, "tnull" when the names carry too little information for TLSH, undefined without symbols. */
export function telfhash(info: ElfInfo): string | undefined {
  const names = telfhashSymbols(info);
  if (!names?.length) return undefined;
  return tlshHashT1(Buffer.from(names.join(','), 'latin1'))?.toLowerCase() ?? 'tnull';
}
