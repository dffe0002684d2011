// Heuristics: the catalogue records built from service manifests, and the server-side scoring of a section's
// heuristic. Scores are always recomputed from the catalogue, never taken from the service, so that a heuristic's
// weight is set in one place and a service cannot inflate its own verdicts.
import type { HeuristicDefinition } from '../../sdk/heuristic.js';
import type { ServiceManifest } from '../../sdk/manifest.js';
import type { SectionHeuristic } from '../../sdk/output.js';
import { defaultAttackLookup, type AttackLookup } from './attack.js';
import type { AttackEntry, HeuristicRecord, SectionHeuristicRecord, SignatureEntry } from './model.js';

/** Catalogue id of a service's heuristic: "<SERVICE NAME UPPER>.<id>". */
export function heuristicId(serviceName: string, id: number | string): string {
  return `${serviceName.toUpperCase()}.${String(id)}`;
}

export function heuristicRecord(serviceName: string, def: HeuristicDefinition, classification = 'TLP:C'): HeuristicRecord {
  return {
    heur_id: heuristicId(serviceName, def.id),
    name: def.name,
    score: def.score,
    max_score: def.maxScore ?? null,
    attack_id: [...(def.attack ?? [])],
    classification,
    description: def.description ?? '',
    filetype: def.filetype ?? '*',
    signature_score_map: { ...(def.signatureScoreMap ?? {}) },
    stats: { count: 0, min: 0, max: 0, avg: 0, sum: 0, first_hit: null, last_hit: null },
  };
}

/** Heuristic records of every heuristic a manifest declares. */
export function heuristicRecords(manifest: Pick<ServiceManifest, 'name' | 'heuristics'>, classification = 'TLP:C'): HeuristicRecord[] {
  return manifest.heuristics.map((def) => heuristicRecord(manifest.name, def, classification));
}

/** Catalogue map (heur_id → record) over several manifests. */
export function heuristicCatalogue(manifests: Iterable<Pick<ServiceManifest, 'name' | 'heuristics'>>, classification = 'TLP:C'): Map<string, HeuristicRecord> {
  const out = new Map<string, HeuristicRecord>();
  for (const m of manifests) for (const rec of heuristicRecords(m, classification)) out.set(rec.heur_id, rec);
  return out;
}

export interface ScoreOptions {
  /** ATT&CK data; the built-in fallback table when absent. */
  attackLookup?: AttackLookup;
  /** Names of safelisted signatures (safelist entries of type "signature"). */
  safeSignatures?: ReadonlySet<string>;
}

export type ScoredHeuristic =
  | { heuristic: SectionHeuristicRecord; tags: Array<[type: string, value: string]> }
  | { heuristic: null; reason: string; tags: [] };

/**
 * Scores a section's heuristic against the catalogue:
 * - with signatures: Σ (signature_score_map[sig] ?? score) × hits; without: score × (frequency || 1);
 * - capped at max_score when one is set (0 means no cap);
 * - 0 when every signature is safelisted.
 * ATT&CK ids are the definition's followed by the section's own; software adds its techniques and, for malware,
 * an attribution.implant tag; groups add an attribution.actor tag.
 */
export function scoreHeuristic(serviceName: string, section: SectionHeuristic, catalogue: ReadonlyMap<string, HeuristicRecord>, opts: ScoreOptions = {}): ScoredHeuristic {
  const heurId = heuristicId(serviceName, section.id);
  const def = catalogue.get(heurId);
  if (!def) return { heuristic: null, reason: `Heuristic with ID '${heurId}' does not exist`, tags: [] };
  const lookup = opts.attackLookup ?? defaultAttackLookup;

  const ids: string[] = [];
  const tags: Array<[string, string]> = [];
  const addTag = (type: string, value: string) => {
    if (!tags.some(([t, v]) => t === type && v === value)) tags.push([type, value]);
  };
  for (const requested of [...def.attack_id, ...(section.attack ?? [])]) {
    const info = lookup(requested);
    const id = info?.replacedBy ?? requested;
    ids.push(id);
    if (info?.kind === 'software') {
      if (info.malware && info.name) addTag('attribution.implant', info.name.toUpperCase());
      for (const related of info.techniques ?? []) {
        const r = lookup(related);
        if (r?.kind === 'technique') ids.push(r.replacedBy ?? related);
      }
    } else if (info?.kind === 'group' && info.name) {
      addTag('attribution.actor', info.name.toUpperCase());
    }
  }
  const attack: AttackEntry[] = [...new Set(ids)].map((id) => {
    const info = lookup(id);
    if (!info) return { attack_id: id, pattern: id, categories: [] };
    const categories = info.kind === 'technique' ? [...info.categories] : [info.kind];
    return { attack_id: id, pattern: info.name || id, categories };
  });

  const signatures = Object.entries(section.signatures ?? {});
  let score: number;
  if (signatures.length > 0) {
    score = signatures.reduce((sum, [name, hits]) => sum + (def.signature_score_map[name] ?? def.score) * hits, 0);
  } else {
    score = def.score * (section.frequency || 1);
  }
  if (def.max_score) score = Math.min(score, def.max_score);

  const signature: SignatureEntry[] = signatures.map(([name, frequency]) => ({
    name, frequency, safe: opts.safeSignatures?.has(name) ?? false,
  }));
  if (signature.length > 0 && signature.every((s) => s.safe)) score = 0;

  return { heuristic: { heur_id: heurId, name: def.name, score, attack, signature }, tags };
}
