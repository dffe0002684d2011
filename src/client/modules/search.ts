// client.search: per-index search (`client.search.submission(query)`), deep-paged streams
// (`for await (const hit of client.search.stream.file(query))`), facets, histograms, stats, grouped and fields.
import type { Connection, QueryValue } from '../connection.js';
import type { SearchResult } from '../types.js';
import { seg } from './callable.js';

export const SEARCH_INDICES = ['alert', 'badlist', 'file', 'heuristic', 'result', 'safelist', 'signature', 'submission', 'workflow'] as const;
export type SearchIndex = (typeof SEARCH_INDICES)[number];

export interface SearchOptions {
  filters?: string[];
  /** Comma-separated field list (`*` for every field). */
  fl?: string;
  offset?: number;
  rows?: number;
  sort?: string;
  timeout?: number;
  useArchive?: boolean;
  trackTotalHits?: number;
}
export interface StreamOptions {
  filters?: string[];
  fl?: string;
  /** Items per page (default 100). */
  pageSize?: number;
  useArchive?: boolean;
}
export interface FacetOptions {
  query?: string;
  mincount?: number;
  filters?: string[];
  timeout?: number;
  size?: number;
}
export interface HistogramOptions {
  query?: string;
  mincount?: number;
  filters?: string[];
  start?: string | number;
  end?: string | number;
  gap?: string | number;
  timeout?: number;
}
export interface StatsOptions {
  query?: string;
  filters?: string[];
  timeout?: number;
}
export interface GroupedOptions {
  groupSort?: string;
  limit?: number;
  query?: string;
  filters?: string[];
  offset?: number;
  rows?: number;
  sort?: string;
  fl?: string;
  timeout?: number;
}
export interface FieldInfo {
  default: boolean;
  indexed: boolean;
  list: boolean;
  stored: boolean;
  type: string;
  [k: string]: unknown;
}
export interface GroupedResult<T> {
  offset: number;
  rows: number;
  total: number;
  items: { value: string; total: number; items: T[] }[];
}

type Item = Record<string, unknown>;
type PerIndex<F> = { [I in SearchIndex]: F };

export function searchModule(conn: Connection) {
  const query = <T = Item>(index: SearchIndex, q: string, opts: SearchOptions = {}): Promise<SearchResult<T>> =>
    conn.json({
      method: 'POST',
      path: `search/${seg(index)}/`,
      json: strip({
        query: q,
        filters: opts.filters,
        fl: opts.fl,
        offset: opts.offset ?? 0,
        rows: opts.rows ?? 25,
        sort: opts.sort,
        timeout: opts.timeout,
        use_archive: opts.useArchive || undefined,
        track_total_hits: opts.trackTotalHits,
      }),
    });

  // Deep paging: the server hands back a cursor while pages are full; a short page or no cursor ends the stream.
  async function* stream<T = Item>(index: SearchIndex, q: string, opts: StreamOptions = {}): AsyncGenerator<T> {
    const rows = opts.pageSize ?? 100;
    let cursor = '*';
    for (;;) {
      const page = await conn.json<SearchResult<T>>({
        method: 'POST',
        path: `search/${seg(index)}/`,
        json: strip({ query: q, filters: opts.filters, fl: opts.fl, rows, deep_paging_id: cursor, use_archive: opts.useArchive || undefined }),
      });
      yield* page.items;
      if (page.items.length < rows || !page.next_deep_paging_id) return;
      cursor = page.next_deep_paging_id;
    }
  }

  const get = <T>(path: string, q: Record<string, QueryValue>) => conn.json<T>({ method: 'GET', path, query: q });
  const facet = (index: SearchIndex, field: string, o: FacetOptions = {}) =>
    get<Record<string, number>>(`search/facet/${seg(index)}/${seg(field)}/`, { query: o.query, mincount: o.mincount, filters: o.filters, timeout: o.timeout, size: o.size });
  const histogram = (index: SearchIndex, field: string, o: HistogramOptions = {}) =>
    get<Record<string, number>>(`search/histogram/${seg(index)}/${seg(field)}/`, {
      query: o.query,
      mincount: o.mincount,
      filters: o.filters,
      start: o.start,
      end: o.end,
      gap: o.gap,
      timeout: o.timeout,
    });
  const stats = (index: SearchIndex, field: string, o: StatsOptions = {}) =>
    get<{ count: number; min: number; max: number; avg: number; sum: number }>(`search/stats/${seg(index)}/${seg(field)}/`, { query: o.query, filters: o.filters, timeout: o.timeout });
  const grouped = <T = Item>(index: SearchIndex, field: string, o: GroupedOptions = {}) =>
    get<GroupedResult<T>>(`search/grouped/${seg(index)}/${seg(field)}/`, {
      group_sort: o.groupSort,
      limit: o.limit,
      query: o.query,
      filters: o.filters,
      offset: o.offset,
      rows: o.rows,
      sort: o.sort,
      fl: o.fl,
      timeout: o.timeout,
    });
  const fields = (index: SearchIndex) => get<Record<string, FieldInfo>>(`search/fields/${seg(index)}/`, {});

  const perIndex = <F>(make: (index: SearchIndex) => F): PerIndex<F> =>
    Object.fromEntries(SEARCH_INDICES.map((i) => [i, make(i)])) as PerIndex<F>;

  return {
    /** Search any index by name. */
    query,
    ...perIndex((i) => <T = Item>(q: string, opts?: SearchOptions) => query<T>(i, q, opts)),
    stream: { index: stream, ...perIndex((i) => <T = Item>(q: string, opts?: StreamOptions) => stream<T>(i, q, opts)) },
    facet: { index: facet, ...perIndex((i) => (field: string, o?: FacetOptions) => facet(i, field, o)) },
    histogram: { index: histogram, ...perIndex((i) => (field: string, o?: HistogramOptions) => histogram(i, field, o)) },
    stats: { index: stats, ...perIndex((i) => (field: string, o?: StatsOptions) => stats(i, field, o)) },
    grouped: { index: grouped, ...perIndex((i) => <T = Item>(field: string, o?: GroupedOptions) => grouped<T>(i, field, o)) },
    fields: { index: fields, ...perIndex((i) => () => fields(i)) },
  };
}

function strip(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
