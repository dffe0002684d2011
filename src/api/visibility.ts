// Whether the caller may see one file, result, error or alert named in the path. The answer is the search
// layer's access filter applied to that one id, so reading a record directly and finding it by search always
// agree: a non-administrator sees it only through a submission they may read (see core/search/access.ts).
// A submission still being analysed lists its results only when it completes; until then the keys its
// analysis has stored so far, as the dispatcher announces them to live watchers, count as its own.
import { isEmptyResultKey } from '../core/results/keys.js';
import { accessFilter, readableSubmissions } from '../core/search/access.js';
import { searchIndex } from '../core/search/indices.js';
import type { Principal } from '../core/auth/authenticator.js';
import { canReadSubmission, readerOf, type Reader } from '../core/submission/access.js';
import type { InitOptions } from '../core/submission/init.js';
import type { Filter } from '../store/datastore.js';
import type { AppContext } from './context.js';

export type Guarded = 'file' | 'result' | 'error' | 'alert';

export class Visibility {
  /** Keys stored so far by each running analysis. */
  private readonly running = new Map<string, Set<string>>();

  constructor(private readonly ctx: AppContext) {
    const add = (sid: string, key: string) => {
      let keys = this.running.get(sid);
      if (!keys) this.running.set(sid, (keys = new Set()));
      keys.add(key);
    };
    ctx.dispatcher.events.on('result', add);
    ctx.dispatcher.events.on('error', add);
    ctx.dispatcher.events.on('done', (sid) => this.running.delete(sid));
  }

  /** The filter a search of that kind of record gets for this reader (null: no restriction). */
  filter(kind: Guarded, reader: Reader): Filter | null {
    return accessFilter(searchIndex(kind)!, reader);
  }

  async canSee(reader: Reader, kind: Guarded, id: string): Promise<boolean> {
    if (reader.isAdmin) return true;
    if (kind === 'result' && isEmptyResultKey(id)) {
      // Empty results are not stored as records: they exist only as keys of the submissions that found them.
      const listed: Filter = { op: 'and', items: [readableSubmissions(reader), { op: 'eq', field: 'results', value: id }] };
      if ((await this.ctx.submissions.count(listed, 1)) > 0) return true;
    } else {
      const index = searchIndex(kind)!;
      const access = this.filter(kind, reader);
      const one: Filter = { op: 'eq', field: 'id', value: id };
      const coll = this.ctx.storage.datastore.collection(index.collection);
      if ((await coll.count(access ? { op: 'and', items: [one, access] } : one, 1)) > 0) return true;
    }
    return kind !== 'alert' && this.seenByRunning(reader, kind, id);
  }

  /** The keys of `keys` the reader may see, in order. */
  async visibleKeys(reader: Reader, kind: 'result' | 'error', keys: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const k of keys) if (await this.canSee(reader, kind, k)) out.push(k);
    return out;
  }

  private async seenByRunning(reader: Reader, kind: Guarded, id: string): Promise<boolean> {
    for (const [sid, keys] of this.running) {
      const hit = kind === 'file' ? [...keys].some((k) => k.startsWith(id)) : keys.has(id);
      if (!hit) continue;
      const sub = await this.ctx.submissions.get(sid);
      if (sub && canReadSubmission(reader, sub)) return true;
    }
    return false;
  }
}

const instances = new WeakMap<AppContext, Visibility>();

/** The one Visibility of a server; route modules call this while registering, before analysis starts. */
export function visibilityOf(ctx: AppContext): Visibility {
  let v = instances.get(ctx);
  if (!v) instances.set(ctx, (v = new Visibility(ctx)));
  return v;
}

/** The submission checks of an endpoint for this caller: a submission by hash finds only files they may see. */
export function submitOptionsFor(ctx: AppContext, endpoint: 'ingest' | 'submit', p: Principal): InitOptions {
  return { ...ctx.submitOptions(endpoint), visibleFiles: visibilityOf(ctx).filter('file', readerOf(p)) };
}
