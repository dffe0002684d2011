// Reading results and errors: one by key, several at once, and every one of a file across submissions, always
// within what the reader may see (see search/visibility.ts). Results leave here in their API form (format.ts).
import type { Collection } from '../../store/datastore.js';
import { forbidden, notFound } from '../errors.js';
import type { FileRecord } from '../files/file-record.js';
import type { Visibility } from '../search/visibility.js';
import type { Reader } from '../submission/access.js';
import { emptyResultFromKey, formatResult, type EmptyResultRecord, type FormattedResult } from './format.js';
import { isEmptyResultKey } from './keys.js';
import type { ErrorRecord, ResultRecord } from './model.js';
import { fileResultsSummary, type FileResultsSummary, type Verdicts } from './summary.js';

export interface ResultStores {
  results: Collection<ResultRecord>;
  errors: Collection<ErrorRecord>;
}

export interface LoadedResults {
  results: Map<string, ResultRecord>;
  /** The synthetic results of the empty-result keys asked for. */
  empty: Map<string, FormattedResult>;
  /** Stored-result keys with no record. */
  missing: string[];
}

/** The stored results of `keys`, and the synthetic ones of its empty-result keys. */
export async function loadResults(results: Pick<Collection<ResultRecord>, 'getMany'>, keys: readonly string[]): Promise<LoadedResults> {
  const stored = keys.filter((k) => !isEmptyResultKey(k));
  const got = await results.getMany(stored);
  const empty = new Map<string, FormattedResult>();
  for (const k of keys) {
    if (!isEmptyResultKey(k)) continue;
    const e = emptyResultFromKey(k);
    // An empty result has no sections, so its stored and API forms are the same.
    if (e) empty.set(k, e as unknown as FormattedResult);
  }
  return { results: got, empty, missing: stored.filter((k) => !got.has(k)) };
}

type Stored<T> = T & { id: string };

/** A result a file has besides the latest of its service: enough to pick it. */
export interface AlternateResult {
  id: string;
  created: string;
  result: { score: number };
  response: { service_version: string };
}

export interface ExtractedChild {
  sha256: string;
  name: string;
}

export interface FileResults extends FileResultsSummary {
  classification: string;
  file_info: FileRecord;
  results: FormattedResult[];
  alternates: Record<string, AlternateResult[]>;
  errors: Array<Stored<ErrorRecord>>;
  parents: string[];
  childrens: ExtractedChild[];
  metadata: Record<string, never>;
  file_viewer_only: true;
}

/** Results of one file are read this many at a time. */
const PAGE = 500;
/** The file result views consider this many of a file's newest results. */
const FILE_VIEW_RESULTS = 10_000;
const FILE_VIEW_ERRORS = 100;
const SERVICE_RESULTS = 100;

export class ResultService {
  constructor(
    private readonly stores: ResultStores,
    private readonly visibility: Visibility,
    /** Verdict thresholds, read at each use. */
    private readonly opts: { verdicts: Verdicts },
  ) {}

  /** A result by key in API form: 403 when the reader may not see it, 404 when there is none. */
  async result(key: string, reader: Reader): Promise<FormattedResult | EmptyResultRecord> {
    // Assemblyline's answer to a result the caller may not see; missing ones are 404.
    const denied = () => forbidden('You are not allowed to view the results for this key', {});
    if (isEmptyResultKey(key)) {
      if (!(await this.visibility.canSee(reader, 'result', key))) throw denied();
      const e = emptyResultFromKey(key);
      if (e) return e;
    }
    const rec = await this.stores.results.get(key);
    const f = rec && formatResult(rec, { buildHierarchy: true });
    if (!f) throw notFound(`Cannot find result for key ${key}`, {});
    if (!(await this.visibility.canSee(reader, 'result', key))) throw denied();
    return f;
  }

  /** An error by key; one the reader may not see is answered as a missing one, as Assemblyline does. */
  async error(key: string, reader: Reader): Promise<ErrorRecord> {
    const rec = await this.stores.errors.get(key);
    if (!rec || !(await this.visibility.canSee(reader, 'error', key))) throw notFound(`Cannot find error with key: ${key}`, {});
    return rec;
  }

  /** Several results and errors by key; keys the reader may not see are left out, as missing ones are. */
  async many(keys: { error: readonly string[]; result: readonly string[] }, reader: Reader) {
    const out: { error: Record<string, ErrorRecord>; result: Record<string, FormattedResult> } = { error: {}, result: {} };
    const errs = await this.stores.errors.getMany(await this.visibility.visibleKeys(reader, 'error', keys.error));
    for (const [k, v] of errs) out.error[k] = v;
    const loaded = await loadResults(this.stores.results, await this.visibility.visibleKeys(reader, 'result', keys.result));
    for (const [k, v] of loaded.results) {
      const f = formatResult(v, { buildHierarchy: true });
      if (f) out.result[k] = f;
    }
    for (const [k, v] of loaded.empty) out.result[k] = v;
    return out;
  }

  /** The stored results of `keys` that exist, in the order of `keys`. */
  async stored(keys: readonly string[]): Promise<ResultRecord[]> {
    const got = await this.stores.results.getMany([...keys]);
    return keys.map((k) => got.get(k)).filter((r): r is ResultRecord => Boolean(r));
  }

  /** The stored results of a file that the reader may see (other groups' analyses stay theirs), newest first. */
  async ofFile(sha256: string, reader: Reader, max = Number.POSITIVE_INFINITY): Promise<Array<Stored<ResultRecord>>> {
    const filter = this.visibility.narrow('result', reader, { op: 'eq', field: 'sha256', value: sha256 });
    const out: Array<Stored<ResultRecord>> = [];
    for (let offset = 0; out.length < max; offset += PAGE) {
      const limit = Math.min(PAGE, max - out.length);
      const page = await this.stores.results.search({ filter, sort: [{ field: 'created', dir: 'desc' }], offset, limit, countTotal: false });
      out.push(...page.items);
      if (page.items.length < limit) break;
    }
    return out;
  }

  /** A file's latest result from each service, with the others as alternates, its errors and aggregates. */
  async fileResults(info: FileRecord, reader: Reader): Promise<FileResults> {
    const groups = await this.byService(info.sha256, reader);
    const latest = [...groups.values()].map((l) => formatResult(l[0]!, { minClassification: info.classification, buildHierarchy: true })).filter((r): r is FormattedResult => r !== null);
    const alternates = Object.fromEntries(
      [...groups].map(([svc, l]) => [svc, l.slice(1).map((r) => ({ id: r.id, created: r.created, result: { score: r.result.score }, response: { service_version: r.response.service_version } }))]),
    );
    const errorFilter = this.visibility.narrow('error', reader, { op: 'eq', field: 'sha256', value: info.sha256 });
    const errs = await this.stores.errors.search({ filter: errorFilter, sort: [{ field: 'created', dir: 'desc' }], limit: FILE_VIEW_ERRORS });
    return {
      classification: info.classification,
      file_info: info,
      results: latest,
      alternates,
      errors: errs.items,
      parents: [],
      childrens: childrenOf([...groups.values()].flat()),
      metadata: {},
      ...fileResultsSummary(latest, this.opts.verdicts),
      file_viewer_only: true,
    };
  }

  /** A file's results from one service: the latest, or up to a hundred with `all`. */
  async serviceResults(sha256: string, service: string, reader: Reader, all: boolean): Promise<FormattedResult[]> {
    const list = (await this.byService(sha256, reader)).get(service) ?? [];
    return (all ? list.slice(0, SERVICE_RESULTS) : list.slice(0, 1))
      .map((r) => formatResult(r, { buildHierarchy: true }))
      .filter((r): r is FormattedResult => r !== null);
  }

  /** A file's score: the sum of the latest result of each service, with those results' keys. */
  async score(sha256: string, reader: Reader): Promise<{ score: number; result_keys: string[] }> {
    const latest = [...(await this.byService(sha256, reader)).values()].map((l) => l[0]!);
    return { score: latest.reduce((n, r) => n + r.result.score, 0), result_keys: latest.map((r) => r.id) };
  }

  /** Files extracted from this one by any service, each once. */
  async children(sha256: string, reader: Reader): Promise<ExtractedChild[]> {
    return childrenOf([...(await this.byService(sha256, reader)).values()].flat());
  }

  /** The file's visible results, newest first, grouped by service. */
  private async byService(sha256: string, reader: Reader): Promise<Map<string, Array<Stored<ResultRecord>>>> {
    const groups = new Map<string, Array<Stored<ResultRecord>>>();
    for (const r of await this.ofFile(sha256, reader, FILE_VIEW_RESULTS)) {
      const list = groups.get(r.response.service_name) ?? [];
      list.push(r);
      groups.set(r.response.service_name, list);
    }
    return groups;
  }
}

/** Extracted files of the given results, each once, in result order. */
function childrenOf(list: ResultRecord[]): ExtractedChild[] {
  const seen = new Set<string>();
  const out: ExtractedChild[] = [];
  for (const r of list) {
    for (const x of r.response.extracted) {
      if (seen.has(x.sha256)) continue;
      seen.add(x.sha256);
      out.push({ sha256: x.sha256, name: x.name });
    }
  }
  return out;
}
