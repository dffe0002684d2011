// Whether a reader may see one file, result, error or alert named by id. The answer is the search layer's
// access filter applied to that one id, so reading a record directly and finding it by search always agree: a
// non-administrator sees it only through a submission they may read (see access.ts). A submission still being
// analysed lists its results only when it completes; until then the keys its analysis has stored so far, as
// the dispatcher announces them to live watchers, count as its own.
import type { Collection, Filter } from '../../store/datastore.js';
import { isEmptyResultKey } from '../results/keys.js';
import { canReadSubmission, type Reader } from '../submission/access.js';
import type { SubmissionRecord } from '../submission/record.js';
import { accessFilter, readableSubmissions } from './access.js';
import { searchIndex } from './indices.js';

export type Guarded = 'file' | 'result' | 'error' | 'alert';

/** What a running analysis announces: each stored result or error key, then its end. */
export interface AnalysisEvents {
  on(event: 'result' | 'error', listener: (sid: string, key: string) => void): unknown;
  on(event: 'done', listener: (sid: string) => void): unknown;
}

export interface VisibilityStores {
  submissions: Pick<Collection<SubmissionRecord>, 'get' | 'count'>;
  /** The collection of each guarded kind; only counted, with the access filter applied. */
  guarded: Record<Guarded, Pick<Collection<object>, 'count'>>;
}

export class Visibility {
  /** Keys stored so far by each running analysis. */
  private readonly running = new Map<string, Set<string>>();

  constructor(
    private readonly stores: VisibilityStores,
    events: AnalysisEvents,
  ) {
    const add = (sid: string, key: string) => {
      let keys = this.running.get(sid);
      if (!keys) this.running.set(sid, (keys = new Set()));
      keys.add(key);
    };
    events.on('result', add);
    events.on('error', add);
    events.on('done', (sid) => this.running.delete(sid));
  }

  /** The filter a search of that kind of record gets for this reader (null: no restriction). */
  filter(kind: Guarded, reader: Reader): Filter | null {
    return accessFilter(searchIndex(kind)!, reader);
  }

  /** `base` narrowed to what the reader may see of that kind. */
  narrow(kind: Guarded, reader: Reader, base: Filter): Filter {
    const access = this.filter(kind, reader);
    return access ? { op: 'and', items: [base, access] } : base;
  }

  async canSee(reader: Reader, kind: Guarded, id: string): Promise<boolean> {
    if (reader.isAdmin) return true;
    if (kind === 'result' && isEmptyResultKey(id)) {
      // Empty results are not stored as records: they exist only as keys of the submissions that found them.
      const listed: Filter = { op: 'and', items: [readableSubmissions(reader), { op: 'eq', field: 'results', value: id }] };
      if ((await this.stores.submissions.count(listed, 1)) > 0) return true;
    } else if ((await this.stores.guarded[kind].count(this.narrow(kind, reader, { op: 'eq', field: 'id', value: id }), 1)) > 0) {
      return true;
    }
    return kind !== 'alert' && this.seenByRunning(reader, kind, id);
  }

  /** The keys of `keys` the reader may see, in order. */
  async visibleKeys(reader: Reader, kind: 'result' | 'error', keys: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const k of keys) if (await this.canSee(reader, kind, k)) out.push(k);
    return out;
  }

  private async seenByRunning(reader: Reader, kind: Guarded, id: string): Promise<boolean> {
    for (const [sid, keys] of this.running) {
      const hit = kind === 'file' ? [...keys].some((k) => k.startsWith(id)) : keys.has(id);
      if (!hit) continue;
      const sub = await this.stores.submissions.get(sid);
      if (sub && canReadSubmission(reader, sub)) return true;
    }
    return false;
  }
}
