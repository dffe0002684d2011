// The submission report (`/submission/report/<sid>/`): the submission record with what an analyst reads first —
// the ATT&CK matrix by tactic, heuristics by verdict, tags by kind (behaviours, attribution, indicators), each
// pointing at the files (by every name they carry in the tree) that showed it; the files worth a look; the
// sections a service promoted (screenshots, entropy graphs); the file tree and the submitted file's record.
import { defaultClassification, type ClassificationOps } from '../results/c12n.js';
import { formatResult, type FormattedSection } from '../results/format.js';
import type { ResultRecord } from '../results/model.js';
import type { TagValue } from '../../sdk/tags/validate.js';
import { buildSummary, DEFAULT_VERDICTS, hType, type HType, type Verdicts } from '../results/summary.js';
import { flattenTags, summaryBucket, SUMMARY_TAG_TYPES, type SummaryBucket } from '../results/tags.js';
import type { FileTree, FileTreeNode } from '../results/tree.js';
import type { ServiceSelection, SubmissionParams } from '../submission/params.js';
import type { SubmissionRecord } from '../submission/record.js';
import { attackPlacement } from '../results/attack-table.js';

/** A file as the report names it: one entry per name the file has in the tree. */
export type NamedFile = [name: string, sha256: string];

export type ReportTagBucket = 'behaviors' | 'attributions' | 'indicators_of_compromise';

const BUCKET_NAMES: Record<SummaryBucket, ReportTagBucket> = {
  behavior: 'behaviors',
  attribution: 'attributions',
  ioc: 'indicators_of_compromise',
};

const RANK: Record<HType, number> = { safe: 0, info: 1, suspicious: 2, malicious: 3 };

export interface ReportInput {
  submission: SubmissionRecord;
  /** The submission's stored results by key (empty-result keys left out: they show nothing). */
  results: ReadonlyMap<string, ResultRecord>;
  /** Some result or file records could not be read. */
  missing: boolean;
  tree: FileTree;
  /** Record of the first submitted file, or null when it is gone. */
  fileInfo: unknown;
  /** File classifications by sha256. */
  fileClassifications: ReadonlyMap<string, string>;
  userClassification?: string;
  verdicts?: Verdicts;
  tagTypes?: Readonly<Record<SummaryBucket, readonly string[]>>;
  classificationOps?: ClassificationOps;
}

export interface SubmissionReport extends Omit<SubmissionRecord, 'results' | 'errors' | 'params'> {
  /** The submission parameters, with the services that failed listed under `services.errors`. */
  params: Omit<SubmissionParams, 'services'> & { services: ServiceSelection & { errors: string[] } };
  file_tree: Record<string, FileTreeNode>;
  report_filtered: boolean;
  report_partial?: true;
  heuristic_sections: Record<string, FormattedSection[]>;
  heuristic_name_map: Record<string, string[]>;
  attack_matrix: Record<string, Record<string, { h_type: HType; files: NamedFile[] }>>;
  heuristics: Record<HType, Record<string, NamedFile[]>>;
  tags: Partial<Record<ReportTagBucket, Record<string, Record<string, { h_type: HType; files: NamedFile[] }>>>>;
  important_files: string[];
  file_info: unknown;
  promoted_sections: FormattedSection[];
}

/** Every name each file carries anywhere in the tree (a file placed twice has both names). */
export function treeNames(tree: Record<string, FileTreeNode>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // The tree is already bounded in depth by its builder; walking it iteratively avoids deep recursion anyway.
  const stack: FileTreeNode[] = Object.values(tree);
  while (stack.length) {
    const node = stack.pop()!;
    const list = out.get(node.sha256) ?? [];
    list.push(...node.name);
    out.set(node.sha256, list);
    stack.push(...Object.values(node.children));
  }
  return out;
}

const bySeverity = <S extends { heuristic: { score: number } | null }>(sections: readonly S[]): S[] =>
  [...sections].sort((a, b) => (b.heuristic?.score ?? 0) - (a.heuristic?.score ?? 0));

export function buildReport(input: ReportInput): SubmissionReport {
  const c12n = input.classificationOps ?? defaultClassification;
  const verdicts = input.verdicts ?? DEFAULT_VERDICTS;
  const tagTypes = input.tagTypes ?? SUMMARY_TAG_TYPES;
  const { results: _resultKeys, errors: errorKeys, ...sub } = input.submission;
  const names = treeNames(input.tree.tree);
  const important = new Set<string>();

  const summary = buildSummary({
    results: input.results,
    fileClassifications: input.fileClassifications,
    userClassification: input.userClassification,
    classificationOps: c12n,
    verdicts,
    tagTypes,
    partial: sub.state !== 'completed' || input.missing,
  });

  const attack: SubmissionReport['attack_matrix'] = {};
  const heuristics: SubmissionReport['heuristics'] = { info: {}, safe: {}, suspicious: {}, malicious: {} };
  const tags: SubmissionReport['tags'] = {};
  const addFiles = (files: NamedFile[], sha256: string) => {
    for (const name of names.get(sha256) ?? [sha256]) {
      if (!files.some(([n, s]) => n === name && s === sha256)) files.push([name, sha256]);
    }
    important.add(sha256);
  };

  const seen = new Set<string>();
  const once = (k: string) => (seen.has(k) ? false : (seen.add(k), true));
  for (const [key, record] of input.results) {
    const sha256 = key.slice(0, 64);
    for (const section of bySeverity(record.result.sections)) {
      const combined = c12n.max(input.fileClassifications.get(sha256) ?? section.classification, section.classification);
      if (input.userClassification !== undefined && !c12n.isAccessible(input.userClassification, combined)) continue;
      const heur = section.heuristic;
      const h: HType = heur ? hType(heur.score, verdicts) : 'info';
      if (heur) {
        if (once(`h|${heur.heur_id}|${key}`)) addFiles((heuristics[h][heur.name] ??= []), sha256);
        for (const a of heur.attack) {
          if (!once(`a|${a.attack_id}|${key}`)) continue;
          const placed = attackPlacement(a);
          for (const cat of placed.categories) {
            const byName = (attack[cat] ??= {});
            addFiles((byName[placed.name] ??= { h_type: h, files: [] }).files, sha256);
          }
        }
      }
      // Safelisted tags are known-good noise: the report leaves them out.
      for (const [type, values] of Object.entries(flattenTags(section.tags))) {
        const bucket = summaryBucket(type, tagTypes);
        if (!bucket) continue;
        for (const value of values as TagValue[]) {
          if (value === '' || !once(`t|${type}|${value}|${key}`)) continue;
          const byType = ((tags[BUCKET_NAMES[bucket]] ??= {})[type] ??= {});
          const entry = (byType[String(value)] ??= { h_type: h, files: [] });
          if (RANK[entry.h_type] < RANK[h]) entry.h_type = h;
          addFiles(entry.files, sha256);
        }
      }
    }
  }

  const root = sub.files[0]?.sha256;
  if (root) important.delete(root);
  const classification = c12n.max(c12n.max(sub.classification, input.tree.classification), summary.classification);

  // Promoted sections come from the submitted file's own results only, as Assemblyline shows them.
  const promoted: FormattedSection[] = [];
  for (const [key, record] of input.results) {
    if (!root || !key.startsWith(root)) continue;
    const formatted = formatResult(record, { userClassification: input.userClassification, minClassification: classification, buildHierarchy: true, classificationOps: c12n });
    for (const section of formatted?.result.sections ?? []) if (section.promote_to) promoted.push(section);
  }

  const serviceErrors = [...new Set(errorKeys.map((k) => k.split('.')[1]).filter((s): s is string => Boolean(s)))];
  const report: SubmissionReport = {
    ...sub,
    params: { ...sub.params, services: { ...sub.params.services, errors: serviceErrors } },
    classification,
    file_tree: input.tree.tree,
    report_filtered: input.tree.filtered || summary.filtered,
    heuristic_sections: summary.heuristic_sections,
    heuristic_name_map: summary.heuristic_name_map,
    attack_matrix: attack,
    heuristics,
    tags,
    important_files: [...important],
    file_info: input.fileInfo,
    promoted_sections: promoted,
  };
  if (summary.partial || input.tree.partial) report.report_partial = true;
  return report;
}
