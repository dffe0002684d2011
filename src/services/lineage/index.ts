// Lineage: judges a file by where it was found. The dispatcher hands each task the chain of files it was
// extracted from; the chain of their types, with this file's type last, is matched against rules describing
// delivery chains (an executable dropped by a document, a script in an archive attached to an e-mail, ...).
// Runs last (REVIEW) on every extracted file; its results depend on the chain, not only on the file, so they are
// never cached.
import type { OutputSection, ServiceContext, ServiceManifest, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { BUILTIN_RULES, chainString, configuredRules, matchRules, type LineageRule } from './rules.js';

export const manifest: ServiceManifest = {
  name: 'Lineage',
  version: '1.0.0',
  stage: 'REVIEW',
  category: 'Static Analysis',
  description: 'Scores a file by the chain of file types it was extracted from (documents dropping executables, scripts from e-mailed archives, ...).',
  accepts: '.*',
  rejects: 'empty|metadata/.*|uri/.*',
  timeoutSeconds: 30,
  memoryMb: 128,
  disableCache: true,
  config: { signatures: {} },
  heuristics: [
    {
      id: 1, name: 'Suspicious file lineage', score: 0, filetype: '.*',
      description: 'The chain of file types leading to this file matches a known delivery pattern; the score is the matching rule\'s.',
      attack: ['T1204.002'],
      signatureScoreMap: Object.fromEntries(BUILTIN_RULES.map((r) => [r.name, r.score])),
    },
    {
      id: 2, name: 'Configured lineage rule', score: 250, filetype: '.*',
      description: 'The chain of file types matches a rule added in this deployment\'s configuration.',
    },
  ],
};

const ICONS: Array<[RegExp, string]> = [
  [/^executable\//, 'EXECUTABLE'], [/^archive\//, 'ARCHIVE'], [/^code\//, 'CODE'], [/^document\/(?:email|office\/email)/, 'EMAIL'],
  [/^document\//, 'DOCUMENT'], [/^(?:image|audiovisual)\//, 'IMAGE'], [/^shortcut\//, 'SHORTCUT'],
];
const icon = (type: string) => ICONS.find(([re]) => re.test(type))?.[1] ?? 'UNKNOWN';

/** "JAVASCRIPT → DLL64": the last part of each type label, as a compact title. */
function shortChain(types: string[]): string {
  const shown = types.length > 6 ? [...types.slice(0, 2), '…', ...types.slice(-3)] : types;
  return shown.map((t) => (t === '…' ? t : (t.split('/').pop() ?? t).toUpperCase())).join(' → ');
}

export async function execute(task: ServiceTask, _ctx: ServiceContext): Promise<ServiceOutput> {
  const ancestry = task.ancestry ?? [];
  if (!ancestry.length) return { sections: [] };
  const chain = [...ancestry, { type: task.fileType, name: task.fileName, sha256: task.sha256 }];
  const types = chain.map((c) => c.type);

  const { rules: extra, errors } = configuredRules(task.serviceConfig.signatures);
  const builtin = matchRules(types, BUILTIN_RULES);
  const configured = matchRules(types, extra);
  const hits = new Set<LineageRule>([...builtin, ...configured]);

  // Assemblyline's form of the tag: each element as "type,relation"; the submitted file is the root and every
  // later one was extracted from the one before it.
  const tag = chain.map((c, i) => `${c.type},${i === 0 ? 'ROOT' : 'EXTRACTED'}`).join('|');
  const sections: OutputSection[] = [{
    title: `Lineage: ${shortChain(types)}`,
    bodyFormat: 'TIMELINE',
    body: chain.map((c, i) => ({
      title: c.name,
      content: i === 0 ? 'submitted file' : `extracted from ${chain[i - 1]!.name}`,
      opposite_content: c.type,
      icon: icon(c.type),
      signatures: i === chain.length - 1 ? [...hits].map((r) => r.name) : [],
      score: i === chain.length - 1 ? builtin.reduce((n, r) => n + r.score, 0) : 0,
    })),
    tags: { 'file.ancestry': [tag] },
  }];
  if (builtin.length) {
    sections.push({
      title: 'Suspicious file lineage', bodyFormat: 'TEXT', depth: 1,
      body: builtin.map((r) => `${r.name}: ${r.description}`).join('\n'),
      heuristic: { id: 1, signatures: Object.fromEntries(builtin.map((r) => [r.name, 1])), attack: [...new Set(builtin.flatMap((r) => r.attack ?? []))] },
    });
  }
  if (configured.length) {
    sections.push({
      title: 'Configured lineage rules', bodyFormat: 'TEXT', depth: 1,
      body: configured.map((r) => `${r.name}: ${r.description}`).join('\n'),
      heuristic: { id: 2, signatures: Object.fromEntries(configured.map((r) => [r.name, 1])) },
    });
  }
  if (errors.length) sections.push({ title: 'Configured rules that were ignored', bodyFormat: 'TEXT', body: errors.join('\n'), depth: 1 });
  return { sections, serviceContext: chainString(types) };
}
