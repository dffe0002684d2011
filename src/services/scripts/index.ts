// Scripts: deobfuscates scripts layer by layer until nothing changes (peel.ts with the steps of the script's
// language), extracts the clean final layer as a child, and reports what the code does in any of its layers:
// downloads, dynamic execution, AMSI and Defender tampering, persistence, hidden PowerShell, plus the network
// indicators each layer holds. The approach follows Assemblyline's Deobfuscripter, with parsers where they help.
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Iocs, OutputSection, ServiceContext, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { emptyIocs, findIocs } from '../../sdk/iocs.js';
import { readHead } from '../../sdk/read-head.js';
import { BATCH } from './batch.js';
import { cmdlets } from './cmdlets.js';
import { detect, downloadAndExecute, RULES } from './detect.js';
import { HTML } from './html.js';
import { JAVASCRIPT } from './javascript.js';
import { manifest } from './manifest.js';
import { peel, type PeelResult } from './peel.js';
import { POWERSHELL, encodedCommandStep } from './powershell.js';
import { grammarLoaded, loadError, loadPowerShellGrammar } from './pstree.js';
import type { Transform } from './transform.js';
import { VBSCRIPT } from './vbscript.js';

export { manifest };

interface Language {
  name: string;
  ext: string;
  steps: Transform[];
}

// Scripts of every language launch PowerShell with an encoded command; decoding it is safe in any of them.
const LANGUAGES: Array<[RegExp, Language]> = [
  [/^code\/ps1$/, { name: 'PowerShell', ext: 'ps1', steps: POWERSHELL }],
  [/^code\/(?:javascript|jscript)$/, { name: 'JavaScript', ext: 'js', steps: [encodedCommandStep, ...JAVASCRIPT] }],
  [/^code\/(?:vbs|vbe)$/, { name: 'VBScript', ext: 'vbs', steps: [encodedCommandStep, ...VBSCRIPT] }],
  [/^code\/batch$/, { name: 'Batch', ext: 'bat', steps: [...BATCH, encodedCommandStep] }],
  [/^code\/hta$/, { name: 'HTA', ext: 'hta', steps: [encodedCommandStep, ...HTML] }],
  [/^code\/(?:html|html\/component|wsf|wsc)$/, { name: 'HTML', ext: 'html', steps: [encodedCommandStep, ...HTML] }],
];

interface Config { maxBytes: number; maxRounds: number; maxOutput: number; maxIocs: number }

function config(c: Record<string, unknown>): Config {
  const n = (k: string, d: number) => (Number.isFinite(Number(c[k])) && Number(c[k]) > 0 ? Number(c[k]) : d);
  return {
    maxBytes: Math.floor(n('max_size_mb', 5) * 1024 * 1024), maxRounds: Math.floor(n('max_rounds', 25)),
    maxOutput: Math.floor(n('max_output_mb', 16) * 1024 * 1024), maxIocs: Math.floor(n('max_iocs', 500)),
  };
}

function decode(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return buf.toString('utf8');
}

// Techniques ordinary scripts use too: on their own, not many times and not shrinking the script by half, they are
// style rather than obfuscation.
const WEAK = new Set(['string concatenation', 'set variable substitution', '\\x/\\u escapes']);
const WEAK_LIMIT = 10;

function obfuscated(r: PeelResult, original: string): boolean {
  if (r.final.length * 2 < original.length) return true;
  let weak = 0;
  for (const [t, n] of r.techniques) {
    if (!WEAK.has(t)) return true;
    weak += n;
  }
  return weak >= WEAK_LIMIT;
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}\n[... ${s.length - max} more characters]` : s);

function layerSections(result: PeelResult, original: string): OutputSection[] {
  const sections: OutputSection[] = [];
  const techniques = Object.fromEntries([...result.techniques].sort((a, b) => b[1] - a[1]));
  sections.push({
    title: 'Deobfuscation', bodyFormat: 'KEY_VALUE',
    body: {
      rounds: result.rounds.length, layers: result.layers, original_size: original.length, final_size: result.final.length,
      techniques, ...(result.stopped ? { stopped_by: result.stopped === 'rounds' ? 'round limit' : 'size limit' } : {}),
    },
    heuristic: { id: 10, signatures: Object.fromEntries([...result.techniques.keys()].map((t) => [t, 1])) },
    tags: { 'technique.obfuscation': [...result.techniques.keys()].slice(0, 50) },
  });
  let n = 0;
  for (const r of result.rounds) {
    if (!r.layer) continue;
    sections.push({ title: `Layer ${++n}: ${r.techniques.join(', ')}`, depth: 1, bodyFormat: 'TEXT', body: clip(r.text, 4000), autoCollapse: true });
  }
  sections.push({ title: 'Deobfuscated script', depth: 1, bodyFormat: 'TEXT', body: clip(result.final, 10_000) });
  return sections;
}

function iocSection(iocs: Iocs, max: number, known: Iocs): OutputSection | undefined {
  const tags: Record<string, string[]> = {};
  const put = (type: string, values: Iterable<string>) => {
    const list = [...values].sort().slice(0, max);
    if (list.length) tags[type] = list;
  };
  put('network.static.uri', iocs.uris);
  put('network.static.domain', iocs.domains);
  put('network.static.ip', iocs.publicIps);
  put('network.email.address', iocs.emails);
  put('dynamic.registry_key', iocs.registryKeys);
  if (!Object.keys(tags).length) return undefined;
  const hidden = [...iocs.uris, ...iocs.domains, ...iocs.publicIps].filter((v) => !known.uris.has(v) && !known.domains.has(v) && !known.publicIps.has(v));
  return {
    title: 'Network indicators in the script and its layers', bodyFormat: 'KEY_VALUE', tags,
    body: { ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [k.split('.').pop()!, v])), only_in_deobfuscated_layers: hidden },
  };
}

const TITLES: Record<number, string> = Object.fromEntries(manifest.heuristics.map((h) => [h.id, h.name]));

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const cfg = config(task.serviceConfig);
  const lang = LANGUAGES.find(([re]) => re.test(task.fileType))?.[1] ?? LANGUAGES[0]![1];
  if (lang.name === 'PowerShell') await loadPowerShellGrammar();
  const { buf, truncated } = await readHead(ctx.filePath, cfg.maxBytes);
  const original = decode(buf);
  const result = peel(original, lang.steps, { maxRounds: cfg.maxRounds, maxSize: cfg.maxOutput, signal: ctx.signal });
  const texts = [original, ...result.rounds.map((r) => r.text)];
  const sections: OutputSection[] = [];
  const extracted: ServiceOutput['extracted'] = [];

  const shown = result.rounds.length > 0 && obfuscated(result, original);
  if (result.stopped && !shown) {
    sections.push({
      title: `Deobfuscation stopped at the ${result.stopped === 'rounds' ? 'round' : 'size'} limit`, bodyFormat: 'TEXT',
      body: `A further layer was not peeled: it would exceed max_${result.stopped === 'rounds' ? 'rounds' : 'output_mb'}.`,
    });
  }
  if (shown) {
    sections.push(...layerSections(result, original));
    const stem = basename(task.fileName.replace(/\\/g, '/')).replace(/\.[^.]{1,8}$/, '').replace(/[^\w.\- ]+/g, '_').slice(0, 100) || 'script';
    const name = `${stem}.deobfuscated.${lang.ext}`;
    const path = join(ctx.workDir, name);
    await writeFile(path, result.final, 'utf8');
    extracted.push({ name, path, description: `Deobfuscated ${lang.name} (${result.rounds.length} rounds)`, parentRelation: 'EXTRACTED' });
  }

  if ([...result.techniques.keys()].some((t) => t.startsWith('PowerShell -EncodedCommand'))) {
    sections.push({ title: TITLES[1]!, bodyFormat: 'TEXT', body: 'A base64 UTF-16LE script was passed with -EncodedCommand and decoded.', heuristic: { id: 1 } });
  }
  const strong = [...result.techniques.keys()].filter((t) => !WEAK.has(t)).length;
  if (result.layers >= 2 || (result.layers >= 1 && strong >= 2)) {
    sections.push({
      title: TITLES[9]!, bodyFormat: 'TEXT', heuristic: { id: 9 },
      body: `${result.layers} encoded or evaluated layer(s) peeled with ${result.techniques.size} techniques (${strong} beyond plain concatenation, variables and escapes).`,
    });
  }
  const hits = detect(texts);
  for (const rule of RULES) {
    const hit = hits.get(rule.id);
    if (!hit) continue;
    sections.push({
      title: TITLES[rule.id]!, bodyFormat: 'KEY_VALUE', body: Object.fromEntries(hit.signatures),
      heuristic: { id: rule.id, signatures: Object.fromEntries([...hit.signatures.keys()].map((k) => [k, 1])), attack: [...hit.attack] },
    });
  }
  // Cmdlets are named for PowerShell scripts and for PowerShell decoded out of other scripts.
  const psTexts = lang.name === 'PowerShell' ? texts : result.techniques.has('PowerShell -EncodedCommand (base64 UTF-16LE)') ? result.rounds.map((r) => r.text) : [];
  const names = cmdlets(psTexts, 100);
  if (names.length) sections.push({ title: 'PowerShell cmdlets', bodyFormat: 'TEXT', body: names.join(', '), tags: { 'file.powershell.cmdlet': names } });
  const cradle = downloadAndExecute(texts);
  if (cradle) sections.push({ title: TITLES[11]!, bodyFormat: 'TEXT', body: cradle, heuristic: { id: 11 } });

  const known = emptyIocs();
  findIocs(original, known);
  const iocs = emptyIocs();
  for (const t of texts) findIocs(t, iocs);
  const ioc = iocSection(iocs, cfg.maxIocs, known);
  if (ioc) sections.push(ioc);

  if (lang.name === 'PowerShell' && !grammarLoaded()) ctx.log(`PowerShell grammar unavailable, regex folding only: ${loadError}`);
  return {
    sections,
    extracted: extracted.length ? extracted : undefined,
    partial: truncated || result.stopped !== undefined || undefined,
  };
}
