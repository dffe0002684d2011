// What the ELF structure says about the program: its interpreter and libraries, what it imports and exports,
// its notes, how its bytes are distributed, and the traits malware shows (packing, W+X memory, an odd loader,
// networking next to process execution, debugger checks).
import { BinaryReader } from '../../sdk/binary-reader.js';
import { bytesEntropy } from '../../sdk/hashes/file-hasher.js';
import { addressToOffset, DT, PF, PT, SHT, tableString, type ElfInfo, type ElfSection } from './parse.js';
import { noteTypeName } from './names.js';

export interface ElfNote { owner: string; type: number; typeName: string; descSize: number; buildId?: string }

export interface ElfFacts {
  interpreter?: string;
  libraries: string[];
  soname?: string;
  runpath?: string;
  imports: string[];
  exports: string[];
  notes: ElfNote[];
  stripped: boolean;
  staticallyLinked: boolean;
  upx: boolean;
  sectionEntropy: Map<ElfSection, number>;
  /** Loadable segments both writable and executable. */
  wxSegments: number[];
  /** Entropy of the loadable bytes when the file has no sections to measure. */
  loadEntropy?: number;
  /** Names of all function symbols (dynamic and static), for behaviour checks. */
  symbolNames: Set<string>;
  entryInCode: boolean | undefined;
}

const MAX_NOTES = 256;
/** Bytes measured for entropy, as a multiple of the file size: sections may overlap, and hostile ones all do. */
const ENTROPY_BUDGET = 2;

export function analyse(buf: Buffer, info: ElfInfo): ElfFacts {
  const r = new BinaryReader(buf, info.littleEndian);
  const interp = info.segments.find((s) => s.type === PT.INTERP);
  const interpreter = interp && r.has(interp.offset, 1) ? r.cstring(interp.offset, Math.min(interp.filesz || 4096, 4096)) : undefined;

  // Dynamic strings: the table DT_STRTAB points at, else the section the dynamic section links to.
  const strtabAddr = info.dynamic.find((d) => d.tag === DT.STRTAB)?.value;
  const strOffset = strtabAddr !== undefined ? addressToOffset(info, strtabAddr) : undefined;
  const dynSection = info.sections.find((s) => s.type === SHT.DYNAMIC);
  const linked = dynSection ? info.sections[dynSection.link] : undefined;
  const dynString = (index: number): string | undefined => {
    if (strOffset !== undefined && r.has(strOffset + index, 1)) return r.cstring(strOffset + index);
    return tableString(r, linked, index);
  };
  const libraries = unique(info.dynamic.filter((d) => d.tag === DT.NEEDED).map((d) => dynString(d.value)));
  const sonameEntry = info.dynamic.find((d) => d.tag === DT.SONAME);
  const runpathEntry = info.dynamic.find((d) => d.tag === DT.RUNPATH || d.tag === DT.RPATH);

  const named = info.dynsym.filter((s) => s.name);
  const imports = unique(named.filter((s) => s.shndx === 0).map((s) => s.name));
  const exports = unique(named.filter((s) => s.shndx !== 0 && (s.bind === 1 || s.bind === 2) && (s.type === 1 || s.type === 2)).map((s) => s.name));
  const symbolNames = new Set([...info.dynsym, ...info.symtab].filter((s) => s.name && (s.type === 2 || s.type === 0)).map((s) => stripVersion(s.name!)));

  const sectionEntropy = new Map<ElfSection, number>();
  let budget = ENTROPY_BUDGET * buf.length;
  for (const s of info.sections) {
    if (s.type === SHT.NOBITS || s.size === 0 || !r.has(s.offset, s.size) || s.size > budget) continue;
    budget -= s.size;
    sectionEntropy.set(s, bytesEntropy(buf.subarray(s.offset, s.offset + s.size)));
  }
  const loads = info.segments.filter((s) => s.type === PT.LOAD);
  let loadEntropy: number | undefined;
  if (info.sections.length === 0 && loads.length) {
    // Measured over the file range the loadable segments span, once, however many segments repeat it.
    const inFile = loads.filter((s) => s.filesz > 0 && r.has(s.offset, s.filesz));
    if (inFile.length) {
      const start = inFile.reduce((m, s) => Math.min(m, s.offset), Infinity);
      const end = inFile.reduce((m, s) => Math.max(m, s.offset + s.filesz), 0);
      loadEntropy = bytesEntropy(buf.subarray(start, end));
    }
  }

  const entry = info.entryPoint;
  const entryInCode = entry === undefined || info.type === 1 ? undefined
    : loads.some((s) => s.flags & PF.X && entry >= s.offset && entry < s.offset + Math.max(s.filesz, 1));

  return {
    interpreter,
    libraries,
    soname: sonameEntry ? dynString(sonameEntry.value) : undefined,
    runpath: runpathEntry ? dynString(runpathEntry.value) : undefined,
    imports,
    exports,
    notes: readNotes(r, info),
    stripped: !info.sections.some((s) => s.type === SHT.SYMTAB),
    staticallyLinked: (info.type === 2 || info.type === 3) && !interp && !info.dynamic.length,
    upx: buf.includes('UPX!') || info.sections.some((s) => /^UPX\d$/.test(s.name ?? '')),
    sectionEntropy,
    wxSegments: loads.flatMap((s, i) => ((s.flags & (PF.W | PF.X)) === (PF.W | PF.X) ? [i] : [])),
    loadEntropy,
    symbolNames,
    entryInCode,
  };
}

/** `memcpy@GLIBC_2.14` and `memcpy@@GLIBC_2.14` are memcpy. */
function stripVersion(name: string): string {
  const at = name.indexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => !!v))];
}

/** Notes from PT_NOTE segments, or from SHT_NOTE sections when there are no segments (objects, some cores). */
function readNotes(r: BinaryReader, info: ElfInfo): ElfNote[] {
  const areas = info.segments.filter((s) => s.type === PT.NOTE).map((s) => [s.offset, s.filesz] as const);
  if (!areas.length) areas.push(...info.sections.filter((s) => s.type === SHT.NOTE).map((s) => [s.offset, s.size] as const));
  const notes: ElfNote[] = [];
  const core = info.type === 4;
  for (const [offset, size] of areas) {
    if (!r.has(offset, size)) continue;
    const end = offset + size;
    let o = offset;
    while (o + 12 <= end && notes.length < MAX_NOTES) {
      const namesz = r.u32(o)!;
      const descsz = r.u32(o + 4)!;
      const type = r.u32(o + 8)!;
      const nameEnd = o + 12 + namesz;
      const descAt = o + 12 + align4(namesz);
      if (nameEnd > end || descAt + descsz > end) break;
      const owner = r.buf.toString('latin1', o + 12, nameEnd).replace(/\0+$/, '');
      const note: ElfNote = { owner, type, typeName: noteTypeName(owner, type, core), descSize: descsz };
      if (owner === 'GNU' && type === 3) note.buildId = r.buf.toString('hex', descAt, descAt + descsz);
      notes.push(note);
      o = descAt + align4(descsz);
    }
  }
  return notes;
}

const align4 = (n: number) => (n + 3) & ~3;

// Symbols that together show a program that connects out (or listens) and runs commands over the connection.
const NETWORK = ['socket', 'connect', 'bind', 'listen', 'accept'];
const EXEC = ['execve', 'execv', 'execl', 'execlp', 'execvp', 'execle', 'system', 'popen', 'posix_spawn'];
const REDIRECT = ['dup2', 'dup3'];
const ANTI_DEBUG = ['ptrace'];

export interface Behaviour {
  network: string[];
  exec: string[];
  redirect: string[];
  antiDebug: string[];
}

export function behaviour(facts: ElfFacts, buf: Buffer): Behaviour {
  const has = (names: string[]) => names.filter((n) => facts.symbolNames.has(n) || facts.symbolNames.has(`__${n}`) || facts.symbolNames.has(`__libc_${n}`));
  const antiDebug = has(ANTI_DEBUG);
  // A program reading its own TracerPid is checking whether a debugger is attached.
  if (buf.includes('TracerPid')) antiDebug.push('TracerPid');
  return { network: has(NETWORK), exec: has(EXEC), redirect: has(REDIRECT), antiDebug };
}

/** Program interpreters that real systems install; anything else loading a binary is worth a look. */
const KNOWN_INTERPRETER = /^\/(?:lib|lib32|lib64|libx32|usr\/lib|usr\/lib32|usr\/lib64)\/(?:[\w.-]+\/)?(?:ld-linux[\w.-]*\.so\.\d+|ld64\.so\.\d|ld\.so\.1|ld-musl-[\w.-]+\.so\.1|ld-uClibc[\w.-]*\.so\.[\d.]+|libc\.so\.1)$|^\/system\/bin\/linker(?:64)?$|^\/(?:usr\/)?libexec\/ld[-.](?:elf|so)[\w.]*$|^\/usr\/libexec\/ld\.so$/;

export function unusualInterpreter(path: string): boolean {
  return !KNOWN_INTERPRETER.test(path);
}
