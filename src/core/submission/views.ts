// The read side of a submission: its results, errors and files loaded from storage and shaped into the
// documents the submission API returns (full, summary, tree, per file, report).
import type { Collection } from '../../store/datastore.js';
import type { FileRecord } from '../files/file-record.js';
import { AssayError } from '../errors.js';
import { loadReport } from '../report/load.js';
import type { SubmissionReport } from '../report/report.js';
import { formatResult, type FormattedResult } from '../results/format.js';
import type { ErrorRecord, ResultRecord } from '../results/model.js';
import { loadResults } from '../results/service.js';
import { buildSummary, fileResultsSummary, type FileResultsSummary, type SubmissionSummary, type Verdicts } from '../results/summary.js';
import { buildFileTree, type FileTree } from '../results/tree.js';
import type { Reader } from './access.js';
import type { SubmissionRecord } from './record.js';

export interface ViewStores {
  results: Collection<ResultRecord>;
  errors: Collection<ErrorRecord>;
  files: Collection<FileRecord>;
}

/** A submission with its file tree, and its results, errors and files by key instead of the keys alone. */
export interface SubmissionFull extends Omit<SubmissionRecord, 'results' | 'errors'> {
  file_tree: FileTree['tree'];
  file_infos: Record<string, FileRecord>;
  missing_file_keys: string[];
  results: Record<string, FormattedResult>;
  missing_result_keys: string[];
  errors: Record<string, ErrorRecord>;
  missing_error_keys: string[];
}

/** One file of a submission: its record, its results and errors there, and their aggregates. */
export interface SubmissionFileView extends FileResultsSummary {
  classification: string;
  file_info: FileRecord;
  results: FormattedResult[];
  errors: ErrorRecord[];
  metadata: Record<string, never>;
}

interface Loaded {
  results: Map<string, ResultRecord>;
  empty: Map<string, FormattedResult>;
  missingResults: string[];
  errors: Map<string, ErrorRecord>;
  missingErrors: string[];
}

export class SubmissionViews {
  constructor(
    private readonly stores: ViewStores,
    private readonly opts: { maxExtractionDepth: number; verdicts: Verdicts },
  ) {}

  private async load(sub: SubmissionRecord): Promise<Loaded> {
    const r = await loadResults(this.stores.results, sub.results);
    const errors = await this.stores.errors.getMany(sub.errors);
    return { results: r.results, empty: r.empty, missingResults: r.missing, errors, missingErrors: sub.errors.filter((k) => !errors.has(k)) };
  }

  private async fileInfos(shas: Iterable<string>): Promise<Map<string, FileRecord>> {
    return this.stores.files.getMany([...new Set(shas)]);
  }

  private shasOf(sub: SubmissionRecord, l: Loaded): Set<string> {
    const out = new Set(sub.files.map((f) => f.sha256));
    for (const r of l.results.values()) {
      out.add(r.sha256);
      for (const x of r.response.extracted) out.add(x.sha256);
    }
    for (const k of [...l.empty.keys(), ...l.errors.keys()]) out.add(k.slice(0, 64));
    return out;
  }

  private tree(sub: SubmissionRecord, l: Loaded, infos: Map<string, FileRecord>, fullTree: boolean) {
    return buildFileTree({
      files: sub.files,
      results: [...l.results.values()],
      fileInfo: infos,
      maxExtractionDepth: this.opts.maxExtractionDepth,
      fullTree,
      partial: sub.state !== 'completed' || l.missingResults.length > 0,
    });
  }

  async full(sub: SubmissionRecord, fullTree = false): Promise<SubmissionFull> {
    const l = await this.load(sub);
    const infos = await this.fileInfos(this.shasOf(sub, l));
    const results: Record<string, FormattedResult> = {};
    for (const [k, r] of l.results) {
      const f = formatResult(r, { minClassification: infos.get(r.sha256)?.classification });
      if (f) results[k] = f;
    }
    for (const [k, e] of l.empty) results[k] = e;
    const tree = this.tree(sub, l, infos, fullTree);
    return {
      ...sub,
      file_tree: tree.tree,
      file_infos: Object.fromEntries(infos),
      missing_file_keys: [...this.shasOf(sub, l)].filter((s) => !infos.has(s)),
      results,
      missing_result_keys: l.missingResults,
      errors: Object.fromEntries(l.errors),
      missing_error_keys: l.missingErrors,
    };
  }

  async summary(sub: SubmissionRecord): Promise<SubmissionSummary> {
    const l = await this.load(sub);
    const infos = await this.fileInfos(this.shasOf(sub, l));
    return buildSummary({
      results: l.results,
      fileClassifications: new Map([...infos].map(([k, v]) => [k, v.classification])),
      verdicts: this.opts.verdicts,
      partial: sub.state !== 'completed' || l.missingResults.length > 0,
    });
  }

  async treeView(sub: SubmissionRecord, fullTree = false): Promise<FileTree> {
    const l = await this.load(sub);
    const t = this.tree(sub, l, await this.fileInfos(this.shasOf(sub, l)), fullTree);
    return { tree: t.tree, classification: t.classification, filtered: t.filtered, partial: t.partial, supplementary: t.supplementary };
  }

  /** One file of the submission: its record, formatted results and errors, and their aggregates. */
  async file(sub: SubmissionRecord, sha256: string, extra: { results?: readonly string[]; errors?: readonly string[] } = {}): Promise<SubmissionFileView | null> {
    const info = await this.stores.files.get(sha256);
    if (!info) return null;
    const resultKeys = [...sub.results, ...(extra.results ?? [])].filter((k) => k.startsWith(sha256));
    const errorKeys = [...sub.errors, ...(extra.errors ?? [])].filter((k) => k.startsWith(sha256));
    const r = await loadResults(this.stores.results, resultKeys);
    const formatted: FormattedResult[] = [];
    for (const rec of r.results.values()) {
      const f = formatResult(rec, { minClassification: info.classification, buildHierarchy: true });
      if (f) formatted.push(f);
    }
    formatted.push(...r.empty.values());
    const errors = [...(await this.stores.errors.getMany(errorKeys)).values()];
    return {
      classification: info.classification,
      file_info: info,
      results: formatted,
      errors,
      metadata: {},
      ...fileResultsSummary(formatted, this.opts.verdicts),
    };
  }

  /** The analyst report of a completed submission, as far as the reader's classification lets them see it. */
  async report(sub: SubmissionRecord, reader: Reader, fullTree = false): Promise<SubmissionReport> {
    if (sub.state !== 'completed') throw new AssayError(425, `It is too early to generate the report. Submission ID ${sub.sid} is incomplete.`);
    return loadReport(this.stores, sub, {
      maxExtractionDepth: this.opts.maxExtractionDepth,
      verdicts: this.opts.verdicts,
      fullTree,
      userClassification: reader.isAdmin ? undefined : reader.classification,
    });
  }
}
