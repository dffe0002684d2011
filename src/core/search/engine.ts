// Searching an index: the query and filters become one datastore filter (with the caller's access filter),
// hits are shaped by `fl`, and deep paging hands out keyset cursors so every page costs the same however deep
// the stream goes.
import type { Datastore, Filter, Scalar, SortKey } from '../../store/datastore.js';
import { badRequest } from '../errors.js';
import { accessFilter, type Viewer } from './access.js';
import { searchIndex, type SearchIndex } from './indices.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './lucene.js';
import { balanced, isKnownField, queryFilter, searchError, simplify, specOf } from './translate.js';

export interface SearchParams {
  query: string;
  filters?: string[];
  offset?: number;
  rows?: number;
  sort?: string;
  fl?: string;
  deepPagingId?: string;
  trackTotalHits?: number;
  /** A filter added by the caller (the alert routes' time window). */
  extra?: Filter;
}

export interface SearchResponse {
  offset: number;
  rows: number;
  total: number | null;
  items: Array<Record<string, unknown>>;
  next_deep_paging_id?: string;
}

/** Elasticsearch counts hits up to this many unless asked for more (track_total_hits). */
export const DEFAULT_TOTAL_CAP = 10_000;
const MAX_ROWS = 10_000;

export function indexOrThrow(name: string): SearchIndex {
  const index = searchIndex(name);
  if (!index) throw badRequest(`Not a valid index to search in: ${name}`);
  return index;
}

export function parseSortString(index: SearchIndex, sort: string | undefined): SortKey[] {
  if (!sort?.trim()) return index.defaultSort;
  const keys: SortKey[] = [];
  for (const part of sort.split(',')) {
    const [field = '', dir = 'asc', extra] = part.trim().split(/\s+/);
    if (field === '_score' || field === '') continue; // relevance has no meaning here; ties fall to the key
    const d = dir.toLowerCase();
    if (extra !== undefined || (d !== 'asc' && d !== 'desc')) throw searchError(`Invalid sort parameter: ${sort}`);
    if (!isKnownField(index, field)) throw searchError(`No mapping found for [${field}] in order to sort on`);
    const fs = specOf(index, field);
    if (fs.list || fs.path || fs.terms) throw searchError(`Cannot sort on multi-valued field [${field}]`);
    keys.push({ field, dir: d });
  }
  return keys.length ? keys : index.defaultSort;
}

/**
 * The combined filter of a query, extra filter queries and the caller's access rules. The query and its
 * filters share one clause allowance, so many small filter queries cannot add up past the limit.
 */
export function buildFilter(index: SearchIndex, viewer: Viewer, query: string, filters: string[] = [], limits: QueryLimits = DEFAULT_QUERY_LIMITS): Filter {
  const budget = { used: 0 };
  const fqs = filters.filter((f) => f.trim()).map((f) => queryFilter(index, f, limits, budget));
  const items: Filter[] = [queryFilter(index, query, limits, budget), ...(fqs.length > 1 ? [balanced('and', fqs)] : fqs)];
  const access = accessFilter(index, viewer);
  if (access) items.push(access);
  return simplify({ op: 'and', items });
}

/** The `fl` projection: null for whole records. Hidden fields are removed afterwards either way. */
function projection(index: SearchIndex, fl: string | undefined): string[] | null {
  if (fl === undefined || fl.trim() === '') return index.stored;
  const fields = fl.split(',').map((f) => f.trim()).filter(Boolean);
  if (fields.includes('*')) return null;
  return fields;
}

export function stripHidden(index: SearchIndex, item: Record<string, unknown>): Record<string, unknown> {
  for (const h of index.hidden) delete item[h];
  return item;
}

interface PageToken {
  s: string;
  c: Scalar[];
}

function encodeToken(sort: SortKey[], cursor: Scalar[]): string {
  const t: PageToken = { s: sort.map((k) => `${k.field} ${k.dir}`).join(','), c: cursor };
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(id: string, sort: SortKey[]): Scalar[] {
  let t: PageToken;
  try {
    t = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as PageToken;
  } catch {
    throw searchError(`invalid deep_paging_id`);
  }
  const want = sort.map((k) => `${k.field} ${k.dir}`).join(',');
  if (!t || t.s !== want || !Array.isArray(t.c) || t.c.length !== sort.length + 1 || !t.c.every((v) => v === null || ['string', 'number'].includes(typeof v))) {
    throw searchError(`invalid deep_paging_id`);
  }
  return t.c;
}

export class SearchEngine {
  /** `limits`: what a query may hold (search.* settings), for every search and aggregation of this engine. */
  constructor(
    private readonly ds: Datastore,
    readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  ) {}

  collectionOf(index: SearchIndex) {
    return this.ds.collection<Record<string, unknown>>(index.collection);
  }

  async search(index: SearchIndex, viewer: Viewer, p: SearchParams): Promise<SearchResponse> {
    const rows = Math.max(0, Math.min(MAX_ROWS, Math.trunc(p.rows ?? 25)));
    const offset = Math.max(0, Math.trunc(p.offset ?? 0));
    const sort = parseSortString(index, p.sort);
    const base = buildFilter(index, viewer, p.query, p.filters, this.limits);
    const filter = p.extra ? simplify({ op: 'and', items: [base, p.extra] }) : base;
    const fields = projection(index, p.fl);
    const coll = this.collectionOf(index);
    if (p.deepPagingId !== undefined && p.deepPagingId !== '') {
      const after = p.deepPagingId === '*' ? undefined : decodeToken(p.deepPagingId, sort);
      const r = await coll.search({ filter, sort, limit: rows, fields: fields ?? undefined, after, withCursor: true, countTotal: false });
      const out: SearchResponse = { offset: 0, rows, total: null, items: r.items.map((i) => stripHidden(index, i)) };
      // A full page may have more behind it; the client's stream stops at the first short page.
      if (r.items.length === rows && rows > 0 && r.cursor) out.next_deep_paging_id = encodeToken(sort, r.cursor);
      return out;
    }
    const cap = p.trackTotalHits !== undefined && p.trackTotalHits > 0 ? Math.trunc(p.trackTotalHits) : DEFAULT_TOTAL_CAP;
    const r = await coll.search({ filter, sort, limit: rows, offset, fields: fields ?? undefined, totalUpTo: cap });
    return { offset, rows, total: Math.min(r.total, cap), items: r.items.map((i) => stripHidden(index, i)) };
  }
}
