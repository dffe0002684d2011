// Submission summaries: the `/submission/summary/<sid>/` body (tags by bucket, ATT&CK matrix, heuristics, and the
// map linking each file to what it showed and back), and the per-file aggregates of `/submission/<sid>/file/...`.
// Sections are visited highest heuristic score first, so where an item is only recorded once per result it carries
// the most severe verdict that result gave it.
import { defaultClassification, type ClassificationOps } from './c12n.js';
import { formatSection, type FormattedResult, type FormattedSection } from './format.js';
import type { ResultRecord } from './model.js';
import type { TagValue } from '../../sdk/tags/validate.js';
import { flattenTags, summaryBucket, SUMMARY_TAG_TYPES, type SummaryBucket } from './tags.js';

export type HType = 'malicious' | 'suspicious' | 'info' | 'safe';

export interface Verdicts {
  info: number;
  suspicious: number;
  highly_suspicious?: number;
  malicious: number;
}

export const DEFAULT_VERDICTS: Verdicts = { info: 0, suspicious: 300, highly_suspicious: 700, malicious: 1000 };

/** Verdict of a heuristic score in summaries (no "highly suspicious" level there). */
export function hType(score: number, verdicts: Verdicts = DEFAULT_VERDICTS): HType {
  if (score >= verdicts.malicious) return 'malicious';
  if (score >= verdicts.suspicious) return 'suspicious';
  if (score >= verdicts.info) return 'info';
  return 'safe';
}

const RANK: Record<HType, number> = { safe: 0, info: 1, suspicious: 2, malicious: 3 };

const byScoreDesc = <S extends { heuristic: { score: number } | null }>(sections: readonly S[]): S[] =>
  [...sections].sort((a, b) => (b.heuristic?.score ?? 0) - (a.heuristic?.score ?? 0));

function pushUnique<T>(list: T[], item: T): void {
  const key = JSON.stringify(item);
  if (!list.some((x) => JSON.stringify(x) === key)) list.push(item);
}

export type SummaryTag = [value: TagValue, hType: HType, safelisted: boolean, classification: string];

export interface SubmissionSummary {
  map: Record<string, string[]>;
  tags: Record<SummaryBucket, Record<string, SummaryTag[]>>;
  attack_matrix: Record<string, Array<[attackId: string, name: string, hType: HType]>>;
  heuristics: Partial<Record<HType, Array<[heurId: string, name: string]>>>;
  classification: string;
  filtered: boolean;
  partial: boolean;
  heuristic_sections: Record<string, FormattedSection[]>;
  heuristic_name_map: Record<string, string[]>;
}

export interface SummaryInput {
  /** The submission's stored results by result key (empty-result keys contribute nothing and may be left out). */
  results: Iterable<[key: string, record: ResultRecord]>;
  /** File classifications by sha256; a section is seen at the higher of its own and its file's. */
  fileClassifications?: ReadonlyMap<string, string>;
  userClassification?: string;
  classificationOps?: ClassificationOps;
  verdicts?: Verdicts;
  tagTypes?: Readonly<Record<SummaryBucket, readonly string[]>>;
  /** The submission is not completed, or some of its results or files could not be read. */
  partial?: boolean;
}

interface SummaryTagItem { type: string; value: TagValue; hType: HType; safelisted: boolean; classification: string; sha256: string }

export function buildSummary(input: SummaryInput): SubmissionSummary {
  const c12n = input.classificationOps ?? defaultClassification;
  const verdicts = input.verdicts ?? DEFAULT_VERDICTS;
  const out: SubmissionSummary = {
    map: {},
    tags: { behavior: {}, attribution: {}, ioc: {} },
    attack_matrix: {},
    heuristics: {},
    classification: c12n.unrestricted,
    filtered: false,
    partial: input.partial ?? false,
    heuristic_sections: {},
    heuristic_name_map: {},
  };
  const link = (a: string, b: string) => {
    const list = (out.map[a] ??= []);
    if (!list.includes(b)) list.push(b);
  };
  const seen = new Set<string>();
  const once = (k: string) => (seen.has(k) ? false : (seen.add(k), true));
  const heuristicItems: Record<HType, Array<{ heurId: string; name: string; sha256: string; signatures: string[] }>> = {
    info: [], safe: [], suspicious: [], malicious: [],
  };
  const attackItems: Array<{ sha256: string; id: string; name: string; hType: HType; categories: string[] }> = [];
  const tagItems: SummaryTagItem[] = [];

  for (const [key, record] of input.results) {
    const sha256 = key.slice(0, 64);
    const signatures = new Map<string, string[]>();
    for (const section of byScoreDesc(record.result.sections)) {
      const fileC = input.fileClassifications?.get(sha256) ?? section.classification;
      const combined = c12n.max(fileC, section.classification);
      if (input.userClassification !== undefined && !c12n.isAccessible(input.userClassification, combined)) {
        out.filtered = true;
        continue;
      }
      out.classification = c12n.max(out.classification, combined);
      const heur = section.heuristic;
      const h = heur ? hType(heur.score, verdicts) : 'info';
      if (heur) {
        const sigs = signatures.get(heur.heur_id) ?? [];
        if (!signatures.has(heur.heur_id)) {
          signatures.set(heur.heur_id, sigs);
          if (once(`h|${heur.heur_id}|${key}`)) heuristicItems[h].push({ heurId: heur.heur_id, name: heur.name, sha256, signatures: sigs });
        }
        sigs.push(...heur.signature.map((s) => s.name));
        const names = (out.heuristic_name_map[heur.name] ??= []);
        if (!names.includes(heur.heur_id)) names.push(heur.heur_id);
        const sections = (out.heuristic_sections[heur.heur_id] ??= []);
        if (once(`s|${heur.heur_id}|${section.title_text}|${section.body}|${h}`)) sections.push(formatSection(section));
        for (const a of heur.attack) {
          if (once(`a|${a.attack_id}|${key}`)) attackItems.push({ sha256, id: a.attack_id, name: a.pattern, hType: h, categories: a.categories });
        }
      }
      const addTags = (flat: Record<string, readonly TagValue[]>, safelisted: boolean) => {
        for (const [type, values] of Object.entries(flat)) {
          for (const value of values) {
            if (once(`t|${type}|${value}|${key}`)) tagItems.push({ type, value, hType: h, safelisted, classification: combined, sha256 });
          }
        }
      };
      addTags(flattenTags(section.tags), false);
      addTags(section.safelisted_tags ?? {}, true);
    }
  }

  for (const a of attackItems) {
    for (const cat of a.categories) {
      link(`attack_pattern__${a.id}`, a.sha256);
      link(a.sha256, `attack_pattern__${a.id}`);
      pushUnique((out.attack_matrix[cat] ??= []), [a.id, a.name, a.hType]);
    }
  }
  for (const h of ['info', 'safe', 'suspicious', 'malicious'] as const) {
    for (const item of heuristicItems[h]) {
      link(`heuristic__${item.heurId}`, item.sha256);
      link(item.sha256, `heuristic__${item.heurId}`);
      for (const sig of item.signatures) {
        link(`heuristic.signature__${sig}`, item.sha256);
        link(item.sha256, `heuristic.signature__${sig}`);
      }
      pushUnique((out.heuristics[h] ??= []), [item.heurId, item.name]);
    }
  }
  const byValue: Record<SummaryBucket, Record<string, Map<TagValue, SummaryTag>>> = { behavior: {}, attribution: {}, ioc: {} };
  for (const t of tagItems) {
    const bucket = summaryBucket(t.type, input.tagTypes ?? SUMMARY_TAG_TYPES);
    if (t.value === '' || !bucket) continue;
    const tagKey = `${t.type}__${t.value}`;
    link(tagKey, t.sha256);
    link(t.sha256, tagKey);
    const values = (byValue[bucket][t.type] ??= new Map());
    const current = values.get(t.value);
    if (!current) {
      values.set(t.value, [t.value, t.hType, t.safelisted, t.classification]);
    } else if (RANK[current[1]] < RANK[t.hType]) {
      // Raised to the more severe verdict; the least restrictive classification is kept since it is shown without
      // the context that made it restricted.
      values.set(t.value, [t.value, t.hType, t.safelisted, c12n.min(current[3], t.classification)]);
    }
  }
  for (const bucket of ['behavior', 'attribution', 'ioc'] as const) {
    for (const [type, values] of Object.entries(byValue[bucket])) out.tags[bucket][type] = [...values.values()];
  }
  return out;
}

export interface FileResultsSummary {
  tags: Record<string, SummaryTag[]>;
  attack_matrix: Record<string, Array<[attackId: string, pattern: string, hType: HType]>>;
  heuristics: Partial<Record<HType, Array<[heurId: string, name: string]>>>;
  signatures: Array<[name: string, hType: HType, safe: boolean]>;
}

/**
 * Aggregates of one file's formatted results in one submission. A tag seen in several sections takes the most
 * severe of malicious/suspicious among them and "info" otherwise, with the last section's classification and
 * safelisted flag.
 */
export function fileResultsSummary(results: Iterable<FormattedResult>, verdicts: Verdicts = DEFAULT_VERDICTS): FileResultsSummary {
  const out: FileResultsSummary = { tags: {}, attack_matrix: {}, heuristics: {}, signatures: [] };
  const doneHeuristics = new Set<string>();
  const tags = new Map<string, Map<TagValue, SummaryTag>>();
  for (const r of results) {
    for (const sec of byScoreDesc(r.result.sections)) {
      const h: HType = sec.heuristic ? hType(sec.heuristic.score, verdicts) : 'info';
      if (sec.heuristic) {
        if (!doneHeuristics.has(sec.heuristic.heur_id)) {
          doneHeuristics.add(sec.heuristic.heur_id);
          (out.heuristics[h] ??= []).push([sec.heuristic.heur_id, sec.heuristic.name]);
        }
        for (const a of sec.heuristic.attack) {
          for (const cat of a.categories) pushUnique((out.attack_matrix[cat] ??= []), [a.attack_id, a.pattern, h]);
        }
        for (const s of sec.heuristic.signature) pushUnique(out.signatures, [s.name, h, s.safe ?? false]);
      }
      for (const t of sec.tags) {
        const values = tags.get(t.type) ?? new Map<TagValue, SummaryTag>();
        tags.set(t.type, values);
        const current = values.get(t.value);
        let merged = h;
        if (current) {
          if (current[1] === 'malicious' || h === 'malicious') merged = 'malicious';
          else if (current[1] === 'suspicious' || h === 'suspicious') merged = 'suspicious';
          else merged = 'info';
        }
        values.set(t.value, [t.value, merged, t.safelisted, sec.classification]);
      }
    }
  }
  for (const [type, values] of tags) out.tags[type] = [...values.values()];
  return out;
}

