// Traits of suspicious Mach-O images, each as a scored result section: signing, W+X memory, odd library paths,
// dyld environment injection, reverse-shell shaped imports, anti-debugging and an executable stack.
import type { OutputSection } from '../../sdk/index.js';
import { LC } from './parse.js';
import type { MachoFile } from './types.js';

const VM_PROT_WRITE = 2;
const VM_PROT_EXECUTE = 4;
const MH_EXECUTE = 2;
const MH_ALLOW_STACK_EXECUTION = 0x20000;

// Library locations a legitimate program has no reason to load from: temporary and shared writable folders,
// hidden directories, and bare relative paths that resolve against the current directory.
const SUSPICIOUS_DYLIB = /^(?:\/tmp\/|\/private\/tmp\/|\/var\/tmp\/|\/private\/var\/tmp\/|\/Users\/Shared\/|\/var\/folders\/)|\/\.[^/.]|^(?![/@])/;

const NETWORK = ['socket', 'connect', 'bind', 'listen', 'accept'];
const EXEC = ['execve', 'execv', 'execl', 'execlp', 'execvp', 'system', 'popen', 'posix_spawn', 'posix_spawnp'];
const REDIRECT = ['dup2'];

export function suspiciousDylib(path: string): boolean {
  return SUSPICIOUS_DYLIB.test(path);
}

/** Imported C names without Mach-O's leading underscore. */
function importedNames(f: MachoFile): Set<string> {
  return new Set(f.imports.map((n) => (n.startsWith('_') ? n.slice(1) : n)));
}

export function traits(f: MachoFile): OutputSection[] {
  const out: OutputSection[] = [];
  const add = (id: number, title: string, body: string, extra: Partial<OutputSection> = {}) =>
    out.push({ title, body, bodyFormat: 'TEXT', heuristic: { id }, ...extra });

  if (f.filetype === MH_EXECUTE) {
    if (!f.codeSignatureData) add(2, 'Unsigned executable', 'No LC_CODE_SIGNATURE load command.');
    else if (f.codeSignature?.adhoc && !f.codeSignature.cms) add(3, 'Ad hoc signature only', 'The code directory is flagged CS_ADHOC and there is no CMS signature.');
  }
  const wx = f.segments.filter((s) => (s.initprot & (VM_PROT_WRITE | VM_PROT_EXECUTE)) === (VM_PROT_WRITE | VM_PROT_EXECUTE));
  if (wx.length) add(4, 'Writable and executable segment', `Segments mapped RWX: ${wx.map((s) => s.segname || '(unnamed)').join(', ')}`);

  const odd = f.dylibs.filter((d) => d.command !== LC.ID_DYLIB && suspiciousDylib(d.name)).map((d) => d.name);
  if (odd.length) add(6, 'Suspicious dylib', odd.join('\n'), { tags: { 'file.lib': odd } });
  if (f.commands.some((c) => c.cmd === LC.DYLD_ENVIRONMENT)) {
    add(7, 'Dynamic loader environment', `LC_DYLD_ENVIRONMENT: ${f.dynamicLinker ?? ''}`);
  }

  const names = importedNames(f);
  const network = NETWORK.filter((n) => names.has(n));
  const exec = EXEC.filter((n) => names.has(n));
  const redirect = REDIRECT.filter((n) => names.has(n));
  if (network.includes('socket') && exec.length) {
    const sig = redirect.length ? 'socket_dup2_exec' : 'socket_exec';
    out.push({
      title: 'Networking with command execution', bodyFormat: 'TEXT',
      body: `Networking: ${network.join(', ')}\nExecution: ${exec.join(', ')}${redirect.length ? `\nRedirection: ${redirect.join(', ')}` : ''}`,
      heuristic: { id: 8, signatures: { [sig]: 1 } }, tags: { 'file.string.api': [...network, ...exec, ...redirect] },
    });
  }
  if (names.has('ptrace')) add(9, 'Anti-debugging', 'Imports ptrace.');
  if (f.flags & MH_ALLOW_STACK_EXECUTION) add(10, 'Executable stack', 'MH_ALLOW_STACK_EXECUTION is set.');
  if (f.entryPoint !== undefined && f.filetype === MH_EXECUTE && f.segments.length) {
    const e = f.entryPoint;
    const inCode = f.segments.some((s) => s.initprot & VM_PROT_EXECUTE && e >= s.fileoff && e < s.fileoff + Math.max(s.filesize, 1));
    if (!inCode) add(11, 'Entry point outside executable code', `Entry point at file offset ${e}`);
  }
  return out;
}
