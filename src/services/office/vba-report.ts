// Sections for VBA projects: one per project with its modules (each module's source extracted as a .vba child
// so that script analysers see it), then the findings over all macro code: auto-exec entry points, suspicious
// calls, obfuscation, network indicators, and the auto-exec + process-launch combination.
import type { OutputSection } from '../../sdk/index.js';
import { analyseMacro, indicatorDescription, type MacroFindings } from './macros.js';
import { HEUR } from './manifest.js';
import { Report, sha256 } from './report.js';
import type { VbaProject } from './vba-project.js';

const cap = <T>(v: Iterable<T>, n = 100) => [...v].slice(0, n);

/** Adds the project sections and extracts module sources; returns the findings over all code seen. */
export async function reportVbaProjects(projects: VbaProject[], report: Report, where: string, findings?: MacroFindings): Promise<MacroFindings | undefined> {
  let f = findings;
  for (const p of projects) {
    const withCode = p.modules.filter((m) => m.code !== undefined);
    report.add({
      title: `VBA project${p.name ? ` "${p.name}"` : ''} in ${where}${p.storage ? `/${p.storage}` : ''}`,
      bodyFormat: 'KEY_VALUE',
      body: {
        name: p.name ?? null, version: p.version ?? null, codepage: p.codepage ?? null, references: p.references,
        modules: p.modules.length, ...(p.errors.length ? { errors: p.errors.slice(0, 20) } : {}),
      },
      heuristic: withCode.length ? { id: HEUR.VBA_MACRO } : undefined,
      tags: withCode.length ? { 'technique.macro': ['Contains VBA Macro(s)'] } : undefined,
    });
    if (p.errors.length) report.partial = true;
    for (const m of p.modules) {
      if (m.code === undefined) {
        report.add({ title: `Module ${m.name} (${m.type})`, depth: 1, body: m.error ?? 'no source', bodyFormat: 'TEXT' });
        continue;
      }
      const hash = sha256(m.code);
      const child = await report.child(`${m.name}.vba`, m.code, `VBA source of module ${m.name}`);
      report.add({
        title: `Module ${m.name} (${m.type})`, depth: 1, bodyFormat: 'KEY_VALUE',
        body: { stream: m.streamName, size: Buffer.byteLength(m.code), lines: m.code.split('\n').length, sha256: hash, ...(child ? { extracted_as: child } : {}) },
        tags: { 'file.ole.macro.sha256': [hash] },
      });
      f = analyseMacro(m.code, f);
    }
  }
  return f;
}

function iocTags(f: MacroFindings): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  const put = (t: string, v: Iterable<string>) => {
    const list = cap(v);
    if (list.length) tags[t] = list;
  };
  put('network.static.uri', f.iocs.uris);
  put('network.static.domain', f.iocs.domains);
  put('network.static.ip', f.iocs.publicIps);
  put('network.email.address', f.iocs.emails);
  return tags;
}

/** Sections for what the macro code does. */
export function reportMacroFindings(f: MacroFindings, report: Report): void {
  const sections: OutputSection[] = [];
  if (f.autoexec.length) {
    sections.push({
      title: 'Auto-executing macro entry points', bodyFormat: 'KEY_VALUE',
      body: Object.fromEntries(f.autoexec.map((a) => [a, 'runs without user action'])),
      heuristic: { id: HEUR.AUTOEXEC, signatures: Object.fromEntries(f.autoexec.map((a) => [a.toLowerCase(), 1])) },
      tags: { 'file.ole.macro.suspicious_string': f.autoexec },
    });
  }
  if (f.suspicious.size) {
    const sigs = [...f.suspicious.keys()];
    sections.push({
      title: 'Suspicious strings or functions in macros', bodyFormat: 'TABLE',
      body: sigs.map((s) => ({ signature: s, description: indicatorDescription(s), matches: f.suspicious.get(s)!.join(' | ') })),
      heuristic: { id: HEUR.SUSPICIOUS_STRINGS, signatures: Object.fromEntries(sigs.map((s) => [s, 1])), attack: f.downloads ? ['T1105'] : undefined },
      tags: { 'file.ole.macro.suspicious_string': cap(new Set(sigs.flatMap((s) => f.suspicious.get(s)!))) },
    });
  }
  if (f.obfuscated) {
    const sigs = ['strreverse', 'chr_obfuscation', 'base64_strings', 'encoded_powershell'].filter((s) => f.suspicious.has(s));
    sections.push({
      title: 'Obfuscated macro code', bodyFormat: 'TEXT', body: `Obfuscation idioms: ${sigs.join(', ')}`,
      heuristic: { id: HEUR.OBFUSCATED_MACRO, signatures: Object.fromEntries(sigs.map((s) => [s, 1])) },
    });
  }
  const tags = iocTags(f);
  const iocCount = Object.values(tags).reduce((n, v) => n + v.length, 0);
  if (iocCount) {
    sections.push({
      title: 'Network indicators in macros', bodyFormat: 'KEY_VALUE',
      body: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k.split('.').pop()!, v])),
      heuristic: { id: HEUR.NETWORK_IN_MACROS, frequency: iocCount, attack: f.downloads ? ['T1105'] : undefined },
      tags,
    });
  }
  if (f.autoexec.length && f.executes) {
    const exec = [...f.suspicious.keys()].filter((s) => ['shell', 'wscript_shell', 'shell_application', 'powershell', 'cmd_exe', 'wmi_process', 'virtualalloc', 'encoded_powershell'].includes(s));
    sections.push({
      title: 'Macro runs a command when the document opens', bodyFormat: 'KEY_VALUE',
      body: { entry_points: f.autoexec, launches_with: exec },
      heuristic: { id: HEUR.AUTOEXEC_EXECUTES },
    });
  }
  for (const s of sections) report.add(s);
}
