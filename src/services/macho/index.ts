// Mach-O: macOS and iOS executables, libraries and bundles. Reports the header, load commands, segments and
// sections, linked dylibs, symbols, entry point, UUID, target OS versions and code signature of each image;
// universal binaries have each slice reported and extracted as a child, so every architecture is analysed.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractedFile, OutputSection, ServiceContext, ServiceManifest, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { archLabel, commandName, cpuName, fileTypeName, flagNames, platformName, prot } from './names.js';
import { parseMacho, LC } from './parse.js';
import type { MachoFile, MachoInfo } from './types.js';
import { traits } from './traits.js';

export const manifest: ServiceManifest = {
  name: 'MachO',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'Parses Mach-O files (thin and universal): header, load commands, segments, dylibs, symbols, entry point, code signature; extracts the slices of universal binaries.',
  accepts: 'executable/mach-o',
  rejects: 'empty|metadata/.*',
  timeoutSeconds: 60,
  memoryMb: 512,
  config: { max_symbols_listed: 500 },
  heuristics: [
    { id: 1, name: 'Invalid Mach-O look-alike', score: 100, filetype: 'executable/mach-o', description: 'The file is typed as Mach-O but its header cannot be read.' },
    {
      id: 2, name: 'Unsigned executable', score: 100, filetype: 'executable/mach-o', attack: ['T1553.002'],
      description: 'The executable has no code signature; current macOS will not run it on Apple silicon without one, so it was likely built or altered by hand.',
    },
    {
      id: 3, name: 'Ad hoc signature only', score: 25, filetype: 'executable/mach-o', attack: ['T1553.002'],
      description: 'The code signature has no signing identity (ad hoc), so Gatekeeper gives it no trust.',
    },
    {
      id: 4, name: 'Writable and executable segment', score: 250, filetype: 'executable/mach-o', attack: ['T1027.002'],
      description: 'A segment is mapped both writable and executable, as self-modifying or unpacking code needs.',
    },
    { id: 5, name: 'Universal binary', score: 0, filetype: 'executable/mach-o', description: 'The file holds code for several architectures; each slice is extracted.' },
    {
      id: 6, name: 'Suspicious dylib', score: 250, filetype: 'executable/mach-o', attack: ['T1574.004'],
      description: 'A library is loaded from a writable, temporary or hidden location, or through a relative path, as dylib hijacking and implants do.',
    },
    {
      id: 7, name: 'Dynamic loader environment', score: 250, filetype: 'executable/mach-o', attack: ['T1574.006'],
      description: 'LC_DYLD_ENVIRONMENT sets dyld variables (e.g. DYLD_INSERT_LIBRARIES) from inside the binary.',
    },
    {
      id: 8, name: 'Networking with command execution', score: 500, filetype: 'executable/mach-o', attack: ['T1059.004', 'T1095'],
      description: 'The program imports socket functions and process execution; with descriptor redirection (dup2) this is the shape of a reverse shell.',
      signatureScoreMap: { socket_exec: 500, socket_dup2_exec: 1000 },
    },
    {
      id: 9, name: 'Anti-debugging', score: 250, filetype: 'executable/mach-o', attack: ['T1622'],
      description: 'The program imports ptrace (PT_DENY_ATTACH) to keep debuggers away.',
    },
    {
      id: 10, name: 'Executable stack', score: 250, filetype: 'executable/mach-o', attack: ['T1027'],
      description: 'The header allows stack execution (MH_ALLOW_STACK_EXECUTION).',
    },
    {
      id: 11, name: 'Entry point outside executable code', score: 250, filetype: 'executable/mach-o', attack: ['T1027'],
      description: 'The entry point lies outside every executable segment.',
    },
  ],
};

const hex = (n: number) => `0x${n.toString(16)}`;
/** Rows shown in a table; a hostile header can declare a load command every 8 bytes. */
const MAX_ROWS = 1000;

function signatureText(f: MachoFile): string {
  if (!f.codeSignatureData) return 'none';
  const s = f.codeSignature;
  if (!s?.readable) return 'present but unreadable';
  return `${s.cms ? 'signed with a certificate' : s.adhoc ? 'ad hoc' : 'code directory only'}${s.identifier ? ` (${s.identifier})` : ''}`;
}

function headerBody(f: MachoFile): Record<string, string | number> {
  const body: Record<string, string | number> = {
    CPU: cpuName(f.cputype), 'CPU subtype': hex(f.cpusubtype), 'File type': fileTypeName(f.filetype), Bits: f.bits,
    Endianness: f.littleEndian ? 'little' : 'big', Flags: flagNames(f.flags) || hex(f.flags), 'Load commands': f.ncmds,
  };
  if (f.entryPoint !== undefined) body['Entry point (file offset)'] = f.entryPoint;
  if (f.uuid) body.UUID = f.uuid;
  if (f.minVersion) body['Minimum OS'] = `${f.minVersion.device} ${f.minVersion.version} (SDK ${f.minVersion.sdk})`;
  if (f.buildVersion) body['Build version'] = `${platformName(f.buildVersion.platform)} ${f.buildVersion.minos} (SDK ${f.buildVersion.sdk})`;
  if (f.sourceVersion && f.sourceVersion !== '0.0.0.0.0') body['Source version'] = f.sourceVersion;
  if (f.dynamicLinker) body['Dynamic linker'] = f.dynamicLinker;
  body['Code signature'] = signatureText(f);
  if (f.warnings.length) body.Warnings = f.warnings.join('; ');
  return body;
}

/**
 * The sections describing one image, starting at `depth`. Slices of a universal binary get their header only:
 * each slice is extracted and analysed in full as a child, and scoring it twice would inflate the parent.
 */
export function imageSections(f: MachoFile, title: string, depth: number, maxListed: number, full = true): OutputSection[] {
  const out: OutputSection[] = [];
  const tags: Record<string, string[]> = {};
  if (f.dylibs.length) tags['file.lib'] = [...new Set(f.dylibs.filter((d) => d.command !== LC.ID_DYLIB).map((d) => d.name))].slice(0, MAX_ROWS);
  out.push({ title, bodyFormat: 'KEY_VALUE', body: headerBody(f), depth, tags: full ? tags : undefined });
  if (!full) return out;
  out.push({
    title: `Load commands (${f.commands.length})`, bodyFormat: 'TABLE', depth: depth + 1, autoCollapse: true,
    body: f.commands.slice(0, MAX_ROWS).map((c) => ({ command: commandName(c.cmd), size: c.size })),
  });
  if (f.segments.length) {
    out.push({
      title: `Segments (${f.segments.length})`, bodyFormat: 'TABLE', depth: depth + 1,
      body: f.segments.flatMap((s) => [
        { segment: s.segname, section: '', vmaddr: hex(s.vmaddr), vmsize: hex(s.vmsize), fileoff: s.fileoff, filesize: s.filesize, prot: `${prot(s.initprot)}/${prot(s.maxprot)}` },
        ...s.sections.map((x) => ({ segment: s.segname, section: x.sectname, vmaddr: hex(x.addr), vmsize: hex(x.size), fileoff: x.offset, filesize: x.size, prot: '' })),
      ]).slice(0, MAX_ROWS),
    });
  }
  if (f.dylibs.length) {
    out.push({
      title: `Dylibs (${f.dylibs.length})`, bodyFormat: 'TABLE', depth: depth + 1,
      body: f.dylibs.slice(0, MAX_ROWS).map((d) => ({ command: commandName(d.command), name: d.name, current_version: d.currentVersion, compatibility_version: d.compatibilityVersion })),
    });
  }
  if (f.rpaths.length) out.push({ title: 'Run paths', bodyFormat: 'TEXT', body: f.rpaths.join('\n'), depth: depth + 1, tags: { 'file.path': f.rpaths } });
  const list = (name: string, names: string[]) => {
    if (!names.length) return;
    const shown = names.slice(0, maxListed);
    out.push({
      title: `${name} (${names.length})`, bodyFormat: 'TEXT', depth: depth + 1, autoCollapse: true,
      body: shown.join('\n') + (names.length > shown.length ? `\n... ${names.length - shown.length} more` : ''),
    });
  };
  list('Imported symbols', f.imports);
  list('Exported symbols', f.exports);
  if (f.codeSignature?.entitlements) out.push({ title: 'Entitlements', bodyFormat: 'TEXT', body: f.codeSignature.entitlements.slice(0, 16384), depth: depth + 1 });
  for (const t of traits(f)) out.push({ ...t, depth: depth + 1 });
  return out;
}

function fatSection(info: MachoInfo): OutputSection {
  return {
    title: `Universal binary with ${info.fat!.archs.length} architecture(s)`, bodyFormat: 'TABLE',
    body: info.fat!.archs.map((a) => ({ cpu: cpuName(a.cputype), subtype: hex(a.cpusubtype), offset: a.offset, size: a.size, align: a.align })),
    heuristic: { id: 5 },
  };
}

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const buf = await readFile(ctx.filePath);
  const max = Number(task.serviceConfig.max_symbols_listed ?? 500) || 500;
  const info = parseMacho(buf);
  if (!info || (!info.fat && !info.files.length)) {
    return { sections: [{ title: 'Not a readable Mach-O file', body: 'The Mach-O magic or header is missing or invalid.', heuristic: { id: 1 } }] };
  }
  if (!info.fat) return { sections: imageSections(info.files[0]!, 'Mach-O header', 0, max) };

  const sections: OutputSection[] = [fatSection(info)];
  const extracted: ExtractedFile[] = [];
  const base = (task.fileName.split('/').pop() || 'macho').slice(0, 100);
  for (const [i, a] of info.fat.archs.entries()) {
    if (a.size === 0 || a.offset + a.size > buf.length || extracted.length >= task.maxFiles) continue;
    const name = `${base}.${archLabel(a.cputype, i)}.${i}`;
    const path = join(ctx.workDir, `slice-${i}`);
    await writeFile(path, buf.subarray(a.offset, a.offset + a.size));
    extracted.push({ name, path, description: `Mach-O slice ${i} (${cpuName(a.cputype)})` });
  }
  for (const f of info.files) sections.push(...imageSections(f, `Slice ${f.arch} (${cpuName(f.cputype)})`, 1, max, false));
  const unreadable = info.fat.archs.length - info.files.length;
  if (unreadable > 0) sections.push({ title: 'Unreadable slices', body: `${unreadable} slice(s) lie outside the file or are not Mach-O images.`, depth: 1 });
  return { sections, extracted };
}
