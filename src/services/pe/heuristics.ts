// Heuristic definitions and the checks that raise them. Ids 1-31 keep the meaning Assemblyline's PE service
// gives them; ids from 100 are this analyser's own.
import type { HeuristicDefinition } from '../../sdk/index.js';
import { MEM_EXECUTE, MEM_WRITE } from './sections.js';
import type { PeInfo } from './parse.js';

const PE = 'executable/windows';

export const HEURISTICS: HeuristicDefinition[] = [
  { id: 1, name: 'Signature hash not found in authentihash data', score: 300, filetype: PE, attack: ['T1553.002'],
    description: 'The image digest the signer signed differs from the digest of this file: the file was modified after signing, or the signature was copied from another file.' },
  { id: 2, name: 'Signed EXE', score: 0, filetype: PE, description: 'The file carries an Authenticode signature whose digest and signer signature verify.' },
  { id: 3, name: 'Same issuer for all certificates', score: 500, filetype: PE, attack: ['T1553.002'],
    description: 'Every certificate in the signature has the same issuer: the chain does not lead to an independent authority.' },
  { id: 4, name: 'High section entropy', score: 100, filetype: PE, attack: ['T1027.002'],
    description: 'At least one section has an entropy above the configured limit, a sign of packed or encrypted code.' },
  { id: 6, name: 'Self-signed certificate', score: 500, filetype: PE, attack: ['T1553.002'],
    description: 'The file is signed with a certificate issued by itself.' },
  { id: 7, name: 'Invalid PE look-alike', score: 100, filetype: PE, description: 'The file claims to be a PE but its headers cannot be read.' },
  { id: 10, name: 'Invalid Signature due to invalid Signer', score: 300, filetype: PE, attack: ['T1553.002'],
    description: 'The signature cannot be parsed, its signer certificate is missing, or the signer signature does not verify.' },
  { id: 12, name: 'Executable in resources', score: 200, filetype: PE, attack: ['T1027.009'],
    description: 'At least one resource is itself a PE file.' },
  { id: 19, name: 'No section found', score: 100, filetype: PE, description: 'A PE file without sections is highly suspicious, or corrupted.' },
  { id: 20, name: 'Common packed section name', score: 100, filetype: PE, attack: ['T1027.002'],
    description: 'A section name that packers (UPX, ASPack, MPRESS, Themida, VMProtect...) give their sections.' },
  { id: 26, name: 'Future timestamp found', score: 1, filetype: PE, attack: ['T1070.006'],
    description: 'The linker timestamp is in the future: corruption, tampering or a reproducible-build hash.' },
  { id: 100, name: 'Writable and executable section', score: 250, filetype: PE, attack: ['T1027'],
    description: 'A section is both writable and executable, which self-modifying or unpacking code needs.' },
  { id: 101, name: 'No imports', score: 100, filetype: PE, attack: ['T1027.002', 'T1106'],
    description: 'A native executable with no import table resolves its APIs itself, as packed code and shellcode loaders do.' },
  { id: 102, name: 'Tiny import table', score: 150, filetype: PE, attack: ['T1027.002'],
    description: 'Only a handful of imports, typically LoadLibrary and GetProcAddress: the rest is resolved at run time by an unpacking stub.' },
  { id: 103, name: 'Process injection API set', score: 500, filetype: PE, attack: ['T1055'],
    description: 'The imports combine the APIs needed to write code into another process and run it there.',
    signatureScoreMap: { remote_thread: 500, apc_injection: 500, process_hollowing: 500, thread_hijack: 500 } },
  { id: 104, name: 'Keylogging API set', score: 300, filetype: PE, attack: ['T1056.001'],
    description: 'The imports combine keyboard hooking or key-state polling with what a keylogger needs to record it.' },
  { id: 105, name: 'Anti-debugging API set', score: 100, filetype: PE, attack: ['T1622'],
    description: 'The imports include several APIs used to detect or disable a debugger.' },
  { id: 106, name: 'Unsigned file with a system file name', score: 250, filetype: PE, attack: ['T1036.005'],
    description: 'The file is named like a Windows system binary but carries no valid signature.' },
  { id: 107, name: 'Zero timestamp', score: 10, filetype: PE, attack: ['T1070.006'], description: 'The linker timestamp is zero.' },
  { id: 108, name: 'Timestamp before 1995', score: 50, filetype: PE, attack: ['T1070.006'],
    description: 'The linker timestamp predates the PE format in common use: forged, or a Borland/Delphi constant.' },
  { id: 109, name: 'Overlay present', score: 10, filetype: PE,
    description: 'Data follows the last section (installers, self-extractors and droppers append payloads there).' },
];

export interface Hit {
  id: number;
  title: string;
  body: string;
  signatures?: Record<string, number>;
  tags?: Record<string, string[]>;
}

const PACKER_SECTIONS = new Set([
  'upx0', 'upx1', 'upx2', 'upx!', '.upx0', '.upx1', '.aspack', '.adata', '.nsp0', '.nsp1', '.nsp2', 'mpress1', 'mpress2',
  '.petite', '.themida', '.winlice', '.vmp0', '.vmp1', '.vmp2', '.enigma1', '.enigma2', '.packed', '.perplex', '.mew',
  '.rlpack', '.yp', 'pec1', 'pec2', 'pebundle', '.spack', '.boom', '.ccg', 'fsg!', '.neolite', '.taz', 'kkrunchy',
]);

const SYSTEM_NAMES = new Set([
  'svchost.exe', 'lsass.exe', 'csrss.exe', 'winlogon.exe', 'explorer.exe', 'services.exe', 'smss.exe', 'spoolsv.exe',
  'rundll32.exe', 'taskhost.exe', 'taskhostw.exe', 'dllhost.exe', 'conhost.exe', 'wininit.exe', 'lsm.exe', 'ctfmon.exe',
  'regsvr32.exe', 'userinit.exe', 'taskmgr.exe', 'msiexec.exe', 'cmd.exe', 'powershell.exe', 'wuauclt.exe', 'dwm.exe',
  'sihost.exe', 'runtimebroker.exe', 'searchindexer.exe', 'audiodg.exe', 'mshta.exe', 'wscript.exe', 'cscript.exe',
  'kernel32.dll', 'ntdll.dll', 'user32.dll', 'advapi32.dll', 'shell32.dll', 'ws2_32.dll', 'wininet.dll', 'msvcrt.dll',
]);

/** Each set fires when every group has at least one import present. */
const INJECTION: Record<string, string[][]> = {
  remote_thread: [['VirtualAllocEx', 'NtAllocateVirtualMemory'], ['WriteProcessMemory', 'NtWriteVirtualMemory'],
    ['CreateRemoteThread', 'CreateRemoteThreadEx', 'NtCreateThreadEx', 'RtlCreateUserThread']],
  apc_injection: [['VirtualAllocEx', 'NtAllocateVirtualMemory'], ['WriteProcessMemory', 'NtWriteVirtualMemory'],
    ['QueueUserAPC', 'NtQueueApcThread']],
  process_hollowing: [['CreateProcessA', 'CreateProcessW', 'CreateProcessInternalW'], ['NtUnmapViewOfSection', 'ZwUnmapViewOfSection'],
    ['WriteProcessMemory', 'NtWriteVirtualMemory'], ['SetThreadContext', 'Wow64SetThreadContext', 'ResumeThread']],
  thread_hijack: [['OpenThread'], ['SuspendThread'], ['WriteProcessMemory', 'NtWriteVirtualMemory'], ['SetThreadContext', 'Wow64SetThreadContext']],
};
const KEYLOGGING: Record<string, string[][]> = {
  keyboard_hook: [['SetWindowsHookExA', 'SetWindowsHookExW'], ['CallNextHookEx'], ['GetKeyboardState', 'MapVirtualKeyA', 'MapVirtualKeyW', 'ToAscii', 'ToUnicode', 'GetKeyNameTextA', 'GetKeyNameTextW']],
  key_polling: [['GetAsyncKeyState'], ['GetForegroundWindow'], ['GetWindowTextA', 'GetWindowTextW']],
  raw_input: [['RegisterRawInputDevices'], ['GetRawInputData']],
};
// IsDebuggerPresent is in every MSVC runtime and OutputDebugString in countless tools: neither counts alone.
const ANTI_DEBUG = [
  'CheckRemoteDebuggerPresent', 'NtQueryInformationProcess', 'ZwQueryInformationProcess', 'NtSetInformationThread',
  'ZwSetInformationThread', 'DebugActiveProcess', 'NtQuerySystemInformation', 'NtQueryObject', 'BlockInput',
];

function apiSets(names: Set<string>, sets: Record<string, string[][]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, groups] of Object.entries(sets)) {
    const found = groups.map((g) => g.filter((f) => names.has(f)));
    if (found.every((f) => f.length > 0)) out[name] = found.flat();
  }
  return out;
}

/**
 * A packer keeps the loader resolving one function per DLL plus LoadLibrary/GetProcAddress (UPX, ASPack...),
 * or the table is just a handful of functions.
 */
function tinyImports(pe: PeInfo): boolean {
  const counts = pe.imports.map((d) => d.functions.length).sort((a, b) => b - a);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 4) return true;
  const names = new Set(pe.imports.flatMap((d) => d.functions.map((f) => f.name)));
  const loader = ['LoadLibraryA', 'LoadLibraryW', 'LoadLibraryExA', 'LoadLibraryExW'].some((f) => names.has(f)) && names.has('GetProcAddress');
  return loader && counts[0] <= 6 && counts.slice(1).every((c) => c === 1);
}

export interface HeuristicConfig { maxSectionEntropy: number; fileName: string; now: number }

export function evaluate(pe: PeInfo, cfg: HeuristicConfig): Hit[] {
  const hits: Hit[] = [];
  const names = new Set(pe.imports.flatMap((d) => d.functions.map((f) => f.name ?? '')).concat(
    pe.delayImports.flatMap((d) => d.functions.map((f) => f.name ?? ''))));
  const nImports = pe.imports.reduce((n, d) => n + d.functions.length, 0);

  if (pe.sections.length === 0) hits.push({ id: 19, title: 'No section found', body: 'The section table is empty or unreadable.' });
  const entropic = pe.sections.filter((s) => s.entropy > cfg.maxSectionEntropy);
  if (entropic.length) {
    hits.push({ id: 4, title: 'High section entropy', body: entropic.map((s) => `${s.name}: ${s.entropy.toFixed(3)}`).join('\n'),
      tags: { 'technique.packer': ['high section entropy'] } });
  }
  const packed = pe.sections.filter((s) => PACKER_SECTIONS.has(s.name.toLowerCase()));
  if (packed.length) {
    hits.push({ id: 20, title: 'Common packed section name', body: packed.map((s) => s.name).join(', '),
      signatures: Object.fromEntries(packed.map((s) => [s.name.toLowerCase(), 1])) });
  }
  const wx = pe.sections.filter((s) => (s.characteristics & MEM_WRITE) !== 0 && (s.characteristics & MEM_EXECUTE) !== 0);
  if (wx.length) hits.push({ id: 100, title: 'Writable and executable section', body: wx.map((s) => s.name || '(unnamed)').join(', ') });
  if (!pe.dotnet) {
    if (nImports === 0 && !pe.isDll) hits.push({ id: 101, title: 'No imports', body: 'The import table is empty or missing.' });
    else if (nImports > 0 && tinyImports(pe)) {
      hits.push({ id: 102, title: 'Tiny import table', body: pe.imports.map((d) => `${d.dll}: ${d.functions.map((f) => f.name).join(', ')}`).join('\n') });
    }
  }
  for (const [set, defs, id, title] of [
    ['injection', INJECTION, 103, 'Process injection API set'], ['keylogging', KEYLOGGING, 104, 'Keylogging API set'],
  ] as const) {
    const found = apiSets(names, defs);
    if (Object.keys(found).length) {
      hits.push({ id, title, body: Object.entries(found).map(([k, v]) => `${k}: ${v.join(', ')}`).join('\n'),
        signatures: Object.fromEntries(Object.keys(found).map((k) => [k, 1])),
        tags: { 'file.pe.imports.suspicious': [...new Set(Object.values(found).flat())], ...(set === 'keylogging' ? { 'technique.keylogger': Object.keys(found) } : {}) } });
    }
  }
  const anti = ANTI_DEBUG.filter((f) => names.has(f));
  if (anti.length >= 2 || (anti.length === 1 && names.has('IsDebuggerPresent'))) {
    const all = names.has('IsDebuggerPresent') ? [...anti, 'IsDebuggerPresent'] : anti;
    hits.push({ id: 105, title: 'Anti-debugging API set', body: all.join(', '), tags: { 'file.pe.imports.suspicious': all } });
  }

  const valid = pe.signatures.filter((s) => s.digestMatches && s.signatureValid === true);
  for (const s of pe.signatures) {
    const who = s.signer?.subject ?? '(signer not found)';
    if (s.fileDigest !== undefined && s.digest !== undefined && !s.digestMatches) {
      hits.push({ id: 1, title: 'Authenticode digest mismatch', body: `Signed ${s.digestAlgorithm} digest ${s.digest}\nFile digest ${s.fileDigest}\nSigner ${who}` });
    }
    if (!s.signer || s.signatureValid === false || s.errors.length) {
      hits.push({ id: 10, title: 'Invalid signature', body: [`Signer ${who}`, ...s.errors, s.signatureValid === false ? 'signer signature does not verify' : ''].filter(Boolean).join('\n') });
    }
    if (s.selfSigned) hits.push({ id: 6, title: 'Self-signed certificate', body: `Signer ${who} is its own issuer` });
    else if (s.certificates.length > 1 && new Set(s.certificates.map((c) => c.issuer)).size === 1) {
      hits.push({ id: 3, title: 'Same issuer for all certificates', body: `Issuer ${s.certificates[0].issuer}` });
    }
  }
  if (valid.length) hits.push({ id: 2, title: 'Signed file', body: valid.map((s) => s.signer?.subject ?? '').join('\n') });
  const base = cfg.fileName.split(/[\\/]/).pop()!.toLowerCase();
  if (SYSTEM_NAMES.has(base) && !valid.length) {
    hits.push({ id: 106, title: 'Unsigned file with a system file name', body: `${cfg.fileName} is not validly signed`, tags: { 'file.name.anomaly': [base] } });
  }

  const ts = pe.coff.timestamp;
  if (ts === 0) hits.push({ id: 107, title: 'Zero timestamp', body: 'TimeDateStamp is 0' });
  else if (ts > cfg.now / 1000 + 86400) hits.push({ id: 26, title: 'Future timestamp found', body: `${ts} (${new Date(ts * 1000).toISOString()})` });
  else if (ts < Date.UTC(1995, 0, 1) / 1000) hits.push({ id: 108, title: 'Timestamp before 1995', body: `${ts} (${new Date(ts * 1000).toISOString()})` });
  return hits;
}
