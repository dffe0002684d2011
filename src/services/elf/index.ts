// ELF: the structure of Linux and Unix executables, shared objects and core files (header, segments, sections,
// symbols, dynamic linking, notes) and the traits of malicious ones. Heuristics 1-3 keep the ids and meaning of
// Assemblyline's ELF service; the others are this service's own.
import { readFile } from 'node:fs/promises';
import type { OutputSection, ServiceContext, ServiceManifest, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { analyse, behaviour, unusualInterpreter, type ElfFacts } from './analyse.js';
import { machineName, osabiName, sectionFlags, sectionTypeName, segmentFlags, segmentTypeName, typeName } from './names.js';
import { parseElf, type ElfInfo } from './parse.js';
import { telfhash } from './telfhash.js';

export const manifest: ServiceManifest = {
  name: 'ELF',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'Parses ELF files: headers, segments, sections, symbols, libraries, interpreter and notes; flags packing and suspicious traits.',
  accepts: 'executable/linux/',
  rejects: 'empty|metadata/.*',
  timeoutSeconds: 60,
  memoryMb: 512,
  config: { max_symbols_listed: 500 },
  heuristics: [
    { id: 1, name: 'Invalid ELF look-alike', score: 100, filetype: 'executable/linux', description: 'The file is typed as ELF but its headers cannot be read.' },
    {
      id: 2, name: 'High section entropy', score: 100, filetype: 'executable/linux', attack: ['T1027'],
      description: 'A section has entropy above 7.5, which may indicate packed or encrypted code.',
    },
    {
      id: 3, name: 'LOAD without section mappings', score: 100, filetype: 'executable/linux', attack: ['T1027'],
      description: 'The file has loadable segments but no section headers, as packers and hand-made binaries leave it.',
    },
    {
      id: 20, name: 'Writable and executable segment', score: 250, filetype: 'executable/linux', attack: ['T1027.002'],
      description: 'A loadable segment is mapped both writable and executable, as self-modifying or unpacking code needs.',
    },
    {
      id: 21, name: 'UPX packed', score: 250, filetype: 'executable/linux', attack: ['T1027.002'],
      description: 'The file carries the UPX packer marker.',
    },
    {
      id: 22, name: 'Stripped and packed', score: 500, filetype: 'executable/linux', attack: ['T1027.002'],
      description: 'The file has no symbol table and its code is packed (UPX marker or high-entropy loadable data).',
    },
    {
      id: 23, name: 'Unusual program interpreter', score: 500, filetype: 'executable/linux', attack: ['T1574.006'],
      description: 'PT_INTERP names a dynamic loader that is not installed by any common system.',
    },
    {
      id: 24, name: 'Networking with command execution', score: 500, filetype: 'executable/linux', attack: ['T1059.004', 'T1095'],
      description: 'The program uses sockets and runs commands; with descriptor redirection (dup2) this is the shape of a reverse or bind shell.',
      signatureScoreMap: { socket_exec: 500, socket_dup2_exec: 1000 },
    },
    {
      id: 25, name: 'Statically linked with networking', score: 100, filetype: 'executable/linux', attack: ['T1027'],
      description: 'A statically linked program carrying its own socket code, common for IoT malware and droppers.',
    },
    {
      id: 26, name: 'Anti-debugging', score: 250, filetype: 'executable/linux', attack: ['T1622'],
      description: 'The program uses ptrace or reads its TracerPid, the usual ways to detect or block a debugger.',
    },
    {
      id: 27, name: 'Entry point outside executable code', score: 250, filetype: 'executable/linux', attack: ['T1027'],
      description: 'The entry point lies outside every executable loadable segment.',
    },
  ],
};

const round = (n: number) => Math.round(n * 1000) / 1000;
const hex = (n: number) => `0x${n.toString(16)}`;
const HIGH_ENTROPY = 7.5;
/** Rows shown in a table; hostile files declare tens of thousands of segments or sections. */
const MAX_ROWS = 1000;

function headerSection(info: ElfInfo): OutputSection {
  const body: Record<string, string | number> = {
    Class: `ELF${info.bits}`,
    Endianness: info.littleEndian ? 'little' : 'big',
    Type: typeName(info.type),
    Machine: machineName(info.machine),
    'OS/ABI': osabiName(info.osabi),
    'Entry address': hex(info.entryAddress),
  };
  if (info.entryPoint !== undefined) body['Entry point (file offset)'] = info.entryPoint;
  Object.assign(body, {
    Flags: hex(info.flags), 'Program headers': info.phCount, 'Section headers': info.shCount,
    'Symbols (.symtab / .dynsym)': `${info.symtab.length} / ${info.dynsym.length}`, 'Dynamic entries': info.dynamic.length,
  });
  const t = telfhash(info);
  if (t) body.telfhash = t;
  if (info.warnings.length) body.Warnings = info.warnings.join('; ');
  return { title: 'ELF header', bodyFormat: 'KEY_VALUE', body };
}

function structureSections(info: ElfInfo, facts: ElfFacts): OutputSection[] {
  const out: OutputSection[] = [];
  if (info.segments.length) {
    out.push({
      title: `Segments (${info.segments.length})`, bodyFormat: 'TABLE', depth: 0,
      body: info.segments.slice(0, MAX_ROWS).map((s) => ({ type: segmentTypeName(s.type), flags: segmentFlags(s.flags), offset: s.offset, vaddr: hex(s.vaddr), file_size: s.filesz, memory_size: s.memsz })),
      tags: { 'file.elf.segments.type': [...new Set(info.segments.map((s) => segmentTypeName(s.type)))] },
    });
  }
  if (info.sections.length) {
    const names = [...new Set(info.sections.map((s) => s.name ?? '').filter((n) => n && n.length <= 256))].slice(0, MAX_ROWS);
    out.push({
      title: `Sections (${info.sections.length})`, bodyFormat: 'TABLE',
      body: info.sections.slice(0, MAX_ROWS).map((s) => {
        const e = facts.sectionEntropy.get(s);
        return { name: s.name ?? '', type: sectionTypeName(s.type), flags: sectionFlags(s.flags), address: hex(s.addr), offset: s.offset, size: s.size, entropy: e === undefined ? '' : round(e) };
      }),
      tags: names.length ? { 'file.elf.sections.name': names } : undefined,
    });
  }
  return out;
}

function linkingSections(info: ElfInfo, facts: ElfFacts, maxListed: number): OutputSection[] {
  const out: OutputSection[] = [];
  const body: Record<string, string> = { Linking: facts.staticallyLinked ? 'static' : info.dynamic.length || facts.interpreter ? 'dynamic' : 'none' };
  const tags: Record<string, string[]> = {};
  if (facts.interpreter) {
    body.Interpreter = facts.interpreter;
    tags['file.elf.interpreter'] = [facts.interpreter];
  }
  if (facts.libraries.length) {
    body.Libraries = facts.libraries.join(', ');
    tags['file.elf.libraries'] = facts.libraries;
  }
  if (facts.soname) body.Soname = facts.soname;
  if (facts.runpath) body['Run path'] = facts.runpath;
  body.Stripped = facts.stripped ? 'yes' : 'no';
  out.push({ title: 'Linking', bodyFormat: 'KEY_VALUE', body, tags });
  const list = (title: string, names: string[]) => {
    if (!names.length) return;
    const shown = names.slice(0, maxListed);
    out.push({ title: `${title} (${names.length})`, bodyFormat: 'TEXT', body: shown.join('\n') + (names.length > shown.length ? `\n... ${names.length - shown.length} more` : ''), autoCollapse: true });
  };
  list('Imported symbols', facts.imports);
  list('Exported symbols', facts.exports);
  if (facts.notes.length) {
    const core = info.type === 4;
    out.push({
      title: `Notes (${facts.notes.length})`, bodyFormat: 'TABLE',
      body: facts.notes.map((n) => ({ owner: n.owner, type: n.typeName, size: n.descSize, ...(n.buildId ? { build_id: n.buildId } : {}) })),
      tags: {
        'file.elf.notes.name': [...new Set(facts.notes.map((n) => n.owner).filter(Boolean))],
        [core ? 'file.elf.notes.type_core' : 'file.elf.notes.type']: [...new Set(facts.notes.map((n) => n.typeName))],
      },
    });
  }
  return out;
}

function heuristicSections(buf: Buffer, info: ElfInfo, facts: ElfFacts): OutputSection[] {
  const out: OutputSection[] = [];
  const add = (id: number, title: string, body: string, signatures?: Record<string, number>, tags?: Record<string, string[]>) =>
    out.push({ title, body, bodyFormat: 'TEXT', depth: 1, heuristic: { id, ...(signatures ? { signatures } : {}) }, tags });
  const image = info.type === 2 || info.type === 3;

  const high = [...facts.sectionEntropy].filter(([, e]) => e > HIGH_ENTROPY);
  if (high.length) add(2, 'High section entropy', high.map(([s, e]) => `${s.name || '(unnamed)'}: ${round(e)}`).join('\n'));
  if (image && info.shCount === 0 && info.segments.some((s) => s.type === 1)) {
    add(3, 'Loadable segments without section headers', `No section header table; ${info.segments.length} program headers.`);
  }
  if (facts.wxSegments.length) add(20, 'Writable and executable segment', `${facts.wxSegments.length} LOAD segment(s) are mapped RWX.`);
  if (facts.upx) add(21, 'UPX packed', 'The UPX! marker is present.', undefined, { 'technique.packer': ['UPX'] });
  const packed = facts.upx || (facts.loadEntropy !== undefined && facts.loadEntropy > HIGH_ENTROPY) || high.some(([s]) => s.flags & 4);
  if (image && facts.stripped && packed) add(22, 'Stripped and packed', 'No symbol table, and the code is packed.');
  if (facts.interpreter && unusualInterpreter(facts.interpreter)) {
    add(23, 'Unusual program interpreter', `Interpreter: ${facts.interpreter}`, undefined, { 'file.elf.interpreter': [facts.interpreter] });
  }
  const b = behaviour(facts, buf);
  if (b.network.includes('socket') && b.exec.length) {
    const sig = b.redirect.length ? 'socket_dup2_exec' : 'socket_exec';
    add(24, 'Networking with command execution', `Networking: ${b.network.join(', ')}\nExecution: ${b.exec.join(', ')}${b.redirect.length ? `\nRedirection: ${b.redirect.join(', ')}` : ''}`,
      { [sig]: 1 }, { 'file.string.api': [...b.network, ...b.exec, ...b.redirect] });
  }
  if (facts.staticallyLinked && b.network.includes('socket')) add(25, 'Statically linked with networking', `Socket functions linked in: ${b.network.join(', ')}`);
  if (b.antiDebug.length) add(26, 'Anti-debugging', `Indicators: ${b.antiDebug.join(', ')}`);
  if (facts.entryInCode === false) add(27, 'Entry point outside executable code', `Entry point at file offset ${info.entryPoint}`);
  return out;
}

/** The whole analysis of an ELF image, as result sections (exported for direct use on buffers). */
export function elfSections(buf: Buffer, maxListed = 500): OutputSection[] {
  const info = parseElf(buf);
  if (!info) {
    return [{ title: 'Not a readable ELF file', body: 'The ELF identification or file header is missing or invalid.', heuristic: { id: 1 } }];
  }
  const facts = analyse(buf, info);
  const sections = [headerSection(info), ...structureSections(info, facts), ...linkingSections(info, facts, maxListed)];
  const flagged = heuristicSections(buf, info, facts);
  if (flagged.length) sections.push({ title: 'Suspicious traits', bodyFormat: 'TEXT', body: `${flagged.length} trait(s) found.` }, ...flagged);
  return sections;
}

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const buf = await readFile(ctx.filePath);
  const max = Number(task.serviceConfig.max_symbols_listed ?? 500) || 500;
  return { sections: elfSections(buf, max) };
}
