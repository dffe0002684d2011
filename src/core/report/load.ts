// Loads what a submission report is built from: the stored results, the file records of every file they touch,
// and the file tree.
import type { Collection } from '../../store/datastore.js';
import type { FileRecord } from '../files/file-record.js';
import type { ClassificationOps } from '../results/c12n.js';
import { isEmptyResultKey } from '../results/keys.js';
import type { ResultRecord } from '../results/model.js';
import type { Verdicts } from '../results/summary.js';
import { buildFileTree } from '../results/tree.js';
import type { SubmissionRecord } from '../submission/record.js';
import { buildReport, type SubmissionReport } from './report.js';

export interface ReportStores {
  results: Pick<Collection<ResultRecord>, 'getMany'>;
  files: Pick<Collection<FileRecord>, 'getMany'>;
}

export interface ReportOptions {
  maxExtractionDepth: number;
  verdicts: Verdicts;
  fullTree?: boolean;
  userClassification?: string;
  classificationOps?: ClassificationOps;
}

export async function loadReport(stores: ReportStores, sub: SubmissionRecord, opts: ReportOptions): Promise<SubmissionReport> {
  const stored = sub.results.filter((k) => !isEmptyResultKey(k));
  const results = await stores.results.getMany(stored);
  const shas = new Set(sub.files.map((f) => f.sha256));
  for (const r of results.values()) {
    shas.add(r.sha256);
    for (const x of r.response.extracted) shas.add(x.sha256);
  }
  const infos = await stores.files.getMany([...shas]);
  const missing = results.size < stored.length || [...shas].some((s) => !infos.has(s));
  const tree = buildFileTree({
    files: sub.files,
    results: results.values(),
    fileInfo: infos,
    maxExtractionDepth: opts.maxExtractionDepth,
    fullTree: opts.fullTree,
    userClassification: opts.userClassification,
    classificationOps: opts.classificationOps,
    partial: sub.state !== 'completed' || missing,
  });
  const root = sub.files[0]?.sha256;
  return buildReport({
    submission: sub,
    results,
    missing,
    tree,
    fileInfo: (root && infos.get(root)) ?? null,
    fileClassifications: new Map([...infos].map(([k, v]) => [k, v.classification])),
    userClassification: opts.userClassification,
    verdicts: opts.verdicts,
    classificationOps: opts.classificationOps,
  });
}
