// YARA: scans every file with the starter rule set plus the deployed signatures, which the host writes to the
// directory it passes as `rules_dir` (the manifest asks for `yaraRules`). Each matching rule becomes a section with its meta, the matched strings (sliced from the file's
// own bytes, since the engine's text rendering is lossy) and a heuristic chosen by the rule's verdict.
//
// Heuristic scheme: one heuristic per verdict level, so the score is visible in the heuristic's name.
// 1 malicious (1000), 2 highly suspicious (750), 3 suspicious (500), 4 low (100), 5 informational (0),
// 6 safe (-1000). A numeric meta `score` picks the nearest level; else a verdict word in `verdict`,
// `category` (AL rule categories) or a boolean `malicious`/`suspicious` meta; rules without any are suspicious.
import { open } from 'node:fs/promises';
import type { OutputSection, ServiceContext, ServiceManifest, ServiceOutput, ServiceTask, YaraRuleMatch } from '../../sdk/index.js';
import { compileRules, directoryRules, starterRules, type RuleSource } from './rules.js';

export const manifest: ServiceManifest = {
  name: 'YARA',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'Scans files with YARA rules: a starter set and the deployed YARA signatures.',
  accepts: '.*',
  rejects: 'empty',
  timeoutSeconds: 60,
  memoryMb: 512,
  config: { rules_dir: '', scan_timeout_seconds: 30, max_strings_per_rule: 20 },
  host: { yaraRules: 'rules_dir' },
  heuristics: [
    { id: 1, name: 'Malicious YARA rule match', score: 1000, filetype: '.*', description: 'A rule whose verdict is malicious matched.' },
    { id: 2, name: 'Highly suspicious YARA rule match', score: 750, filetype: '.*', description: 'A rule whose verdict is highly suspicious matched.' },
    { id: 3, name: 'Suspicious YARA rule match', score: 500, filetype: '.*', description: 'A rule whose verdict is suspicious matched.' },
    { id: 4, name: 'Low-risk YARA rule match', score: 100, filetype: '.*', description: 'A rule of low concern matched.' },
    { id: 5, name: 'Informational YARA rule match', score: 0, filetype: '.*', description: 'An informational rule matched.' },
    { id: 6, name: 'Safe YARA rule match', score: -1000, filetype: '.*', description: 'A rule identifying known-good content matched.' },
  ],
};

const LEVELS: Array<[number, number]> = [[1, 1000], [2, 750], [3, 500], [4, 100], [5, 0], [6, -1000]];
const WORDS: Record<string, number> = {
  malicious: 1000, malware: 1000, exploit: 1000, highly_suspicious: 750, suspicious: 500, tool: 500,
  technique: 500, low: 100, info: 0, informational: 0, safe: -1000,
};
const EXCERPT = 64;

/** The heuristic id for a rule's meta, following the scheme in the header comment. */
export function heuristicFor(meta: YaraRuleMatch['meta']): number {
  let score: number | undefined;
  const num = typeof meta.score === 'number' ? meta.score : typeof meta.score === 'string' ? Number(meta.score) : NaN;
  if (Number.isFinite(num)) score = num;
  for (const k of ['verdict', 'category']) {
    if (score === undefined && typeof meta[k] === 'string') score = WORDS[String(meta[k]).toLowerCase().replace(/[\s-]+/g, '_')];
  }
  if (score === undefined && meta.malicious === true) score = 1000;
  if (score === undefined && meta.suspicious === true) score = 500;
  score ??= 500;
  let best = LEVELS[0]!;
  for (const l of LEVELS) if (Math.abs(l[1] - score) < Math.abs(best[1] - score)) best = l;
  return best[0];
}

/** ATT&CK ids from `attack_id`/`technique` meta ("T1059.001, T1027" or one id). */
export function attackIds(meta: YaraRuleMatch['meta']): string[] {
  const raw = [meta.attack_id, meta.technique].filter((v) => typeof v === 'string').join(' ');
  return [...new Set(raw.match(/\b(?:T\d{4}(?:\.\d{3})?|[SG]\d{4})\b/g) ?? [])];
}

/** Tags for a match: the rule itself, plus attribution meta keys Assemblyline's YARA rules use. */
export function tagsFor(m: YaraRuleMatch): Record<string, string[]> {
  const tags: Record<string, string[]> = { 'file.rule.yara': [`${m.namespace}.${m.ruleIdentifier}`] };
  const map: Record<string, string> = { family: 'attribution.family', malware: 'attribution.family', actor: 'attribution.actor', implant: 'attribution.implant', exploit: 'attribution.exploit' };
  for (const [key, type] of Object.entries(map)) {
    const v = m.meta[key];
    if (typeof v !== 'string' || !v.trim()) continue;
    const values = v.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    tags[type] = [...new Set([...(tags[type] ?? []), ...values])];
  }
  return tags;
}

const printable = (b: Buffer) => Array.from(b, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const cfg = { ...manifest.config, ...task.serviceConfig };
  const sources: RuleSource[] = [];
  const starter = starterRules();
  if (starter) sources.push(starter);
  if (typeof cfg.rules_dir === 'string' && cfg.rules_dir) sources.push(...directoryRules(cfg.rules_dir));
  const compiled = compileRules(sources, Number(cfg.scan_timeout_seconds) || 30);
  for (const r of compiled.rejected) ctx.log(`rule source ${r.namespace} skipped: ${r.error.split('\n')[0]}`);

  ctx.signal.throwIfAborted();
  const matches = await compiled.rules.scanFileAsync(ctx.filePath);
  const maxStrings = Number(cfg.max_strings_per_rule) || 20;
  const sections: OutputSection[] = [];
  const fh = await open(ctx.filePath, 'r');
  try {
    for (const m of matches) {
      const strings: Array<Record<string, string | number>> = [];
      for (const p of m.matches.slice(0, maxStrings)) {
        const len = Math.min(p.length, EXCERPT);
        const buf = Buffer.alloc(len);
        const { bytesRead } = await fh.read(buf, 0, len, p.offset);
        const bytes = buf.subarray(0, bytesRead);
        strings.push({
          identifier: p.identifier, offset: p.offset, length: p.length,
          hex: bytes.toString('hex') + (p.length > len ? '…' : ''), printable: printable(bytes) + (p.length > len ? '…' : ''),
        });
      }
      const description = typeof m.meta.description === 'string' ? m.meta.description : '';
      const attack = attackIds(m.meta);
      sections.push({
        title: `[${m.namespace}] ${m.ruleIdentifier}${description ? `: ${description}` : ''}`,
        bodyFormat: 'KEY_VALUE',
        body: { rule: m.ruleIdentifier, namespace: m.namespace, ...(m.tags.length ? { rule_tags: m.tags.join(', ') } : {}), ...m.meta },
        heuristic: { id: heuristicFor(m.meta), signatures: { [`${m.namespace}.${m.ruleIdentifier}`]: 1 }, ...(attack.length ? { attack } : {}) },
        tags: tagsFor(m),
      });
      if (strings.length) {
        sections.push({
          title: `Matched strings (${m.matches.length}${m.matches.length > strings.length ? `, first ${strings.length} shown` : ''})`,
          bodyFormat: 'TABLE', body: strings, depth: 1,
        });
      }
    }
  } finally {
    await fh.close();
  }
  return { sections, serviceToolVersion: `yara-x rules:${compiled.count}` };
}
