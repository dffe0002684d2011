// Facets, histograms, stats, grouped hits and field listings of an index, answered by SQL aggregation
// over the same filters as search.
import type { Filter, Scalar, SortKey } from '../../store/datastore.js';
import { isoDate } from '../util/time.js';
import type { Viewer } from './access.js';
import { resolveDateMath } from './date-math.js';
import { buildFilter, parseSortString, stripHidden, type SearchEngine } from './engine.js';
import type { SearchIndex } from './indices.js';
import { isKnownField, searchError, specOf } from './translate.js';
import { fieldSpec } from '../../store/sqlite/sql.js';

export interface AggregationParams {
  query?: string;
  filters?: string[];
  /** A filter added by the caller (the alert routes' time window). */
  extra?: Filter;
}

function filterOf(engine: SearchEngine, index: SearchIndex, viewer: Viewer, p: AggregationParams): Filter {
  const base = buildFilter(index, viewer, p.query || 'id:*', p.filters, engine.limits);
  return p.extra ? { op: 'and', items: [base, p.extra] } : base;
}

const MAX_STEPS = 100;

function knownField(index: SearchIndex, field: string) {
  if (!isKnownField(index, field)) throw searchError(`Field '${field}' is not a valid field in index: ${index.name}`);
  return specOf(index, field);
}

export async function facet(engine: SearchEngine, index: SearchIndex, viewer: Viewer, field: string, p: AggregationParams & { mincount?: number; size?: number }): Promise<Record<string, number>> {
  knownField(index, field);
  const filter = filterOf(engine, index, viewer, p);
  const size = Math.max(1, Math.min(100, Math.trunc(p.size ?? 10)));
  const rows = await engine.collectionOf(index).facet({ filter, field, size, mincount: Math.max(1, Math.trunc(p.mincount ?? 1)) });
  const out: Record<string, number> = {};
  for (const r of rows) out[String(typeof r.value === 'number' && specOf(index, field).type === 'boolean' ? r.value === 1 : r.value)] = r.count;
  return out;
}

/** `+1h`, `1d`, `2w` as milliseconds for date histograms; months and years are calendar steps. */
function dateStep(gap: string): { ms: number } | { months: number } {
  const m = /^\+?(\d+)([yMwdhHms])$/.exec(gap.trim());
  if (!m || Number(m[1]) <= 0) throw searchError(`Invalid gap: ${gap}`);
  const n = Number(m[1]);
  const unit = m[2]!;
  if (unit === 'y') return { months: 12 * n };
  if (unit === 'M') return { months: n };
  const ms = { w: 604_800_000, d: 86_400_000, h: 3_600_000, H: 3_600_000, m: 60_000, s: 1000 }[unit]!;
  return { ms: n * ms };
}

export async function histogram(
  engine: SearchEngine,
  index: SearchIndex,
  viewer: Viewer,
  field: string,
  p: AggregationParams & { mincount?: number; start?: string; end?: string; gap?: string },
): Promise<Record<string, number>> {
  const fs = knownField(index, field);
  const bounds: Scalar[] = [];
  let range: Filter;
  if (fs.type === 'date') {
    const start = resolveDateMath(p.start || 'now-1d');
    const end = resolveDateMath(p.end || 'now');
    if (!start || !end) throw searchError(`Invalid start or end date`);
    const step = dateStep(p.gap || '+1h');
    // Buckets sit on multiples of the gap, as Elasticsearch aligns fixed intervals to the epoch.
    let t = Date.parse(start);
    if ('ms' in step) t = Math.floor(t / step.ms) * step.ms;
    else {
      const d = new Date(t);
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    const endMs = Date.parse(end);
    while (t <= endMs) {
      if (bounds.length >= MAX_STEPS) throw searchError(`Histogram would have more than ${MAX_STEPS} steps; use a larger gap`);
      bounds.push(isoDate(t));
      if ('ms' in step) t += step.ms;
      else {
        const d = new Date(t);
        t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + step.months, 1);
      }
    }
    range = { op: 'range', field, gte: start, lte: end };
  } else if (fs.type === 'integer' || fs.type === 'float') {
    const start = Number(p.start ?? 0);
    const end = Number(p.end ?? 2000);
    const gap = Number(String(p.gap ?? 100).replace(/^\+/, ''));
    if (![start, end, gap].every(Number.isFinite) || gap <= 0) throw searchError('Invalid start, end or gap');
    for (let v = Math.floor(start / gap) * gap; v <= end; v += gap) {
      if (bounds.length >= MAX_STEPS) throw searchError(`Histogram would have more than ${MAX_STEPS} steps; use a larger gap`);
      bounds.push(v);
    }
    range = { op: 'range', field, gte: start, lte: end };
  } else {
    throw searchError(`Field '${field}' is not a date or integer field`);
  }
  const filter: Filter = { op: 'and', items: [filterOf(engine, index, viewer, p), range] };
  const mincount = Math.max(0, Math.trunc(p.mincount ?? 1));
  const rows = await engine.collectionOf(index).histogram({ filter, field, bounds, mincount });
  return Object.fromEntries(rows.map((r) => [String(r.bound), r.count]));
}

export async function stats(engine: SearchEngine, index: SearchIndex, viewer: Viewer, field: string, p: AggregationParams) {
  const fs = knownField(index, field);
  if (fs.type !== 'integer' && fs.type !== 'float') throw searchError(`Field '${field}' is not a numeric field`);
  const filter = filterOf(engine, index, viewer, p);
  const s = await engine.collectionOf(index).stats(field, filter);
  return s.count ? s : { count: 0, min: null, max: null, avg: null, sum: 0 };
}

export interface GroupedParams extends AggregationParams {
  groupSort?: string;
  limit?: number;
  offset?: number;
  rows?: number;
  sort?: string;
  fl?: string;
}

/** Groups per page, and hits per group, that the grouping walk below answers at most. */
export const MAX_GROUP_ROWS = 1000;
export const MAX_GROUP_LIMIT = 100;
const GROUP_SCAN_PAGE = 1000;
const GROUP_SCAN_PAGES = 50;

/**
 * Hits collapsed on a field's value (Elasticsearch collapse): groups in the order of their best hit under
 * `sort`, each with its own top `limit` hits under `group_sort` and its hit count.
 */
export async function grouped(engine: SearchEngine, index: SearchIndex, viewer: Viewer, field: string, p: GroupedParams) {
  const fs = knownField(index, field);
  if (fs.list || fs.path || fs.terms) throw searchError(`Cannot group on multi-valued field [${field}]`);
  const filter: Filter = { op: 'and', items: [filterOf(engine, index, viewer, p), { op: 'exists', field }] };
  const sort = parseSortString(index, p.sort);
  const groupSort: SortKey[] = p.groupSort ? parseSortString(index, p.groupSort) : sort;
  const offset = Math.max(0, Math.trunc(p.offset ?? 0));
  const rows = Math.max(0, Math.min(MAX_GROUP_ROWS, Math.trunc(p.rows ?? 25)));
  const limit = Math.max(1, Math.min(MAX_GROUP_LIMIT, Math.trunc(p.limit ?? 1)));
  const coll = engine.collectionOf(index);
  const values: Scalar[] = [];
  const seen = new Set<string>();
  let after: Scalar[] | undefined;
  // Walk hits in order, keyset page by keyset page, until enough distinct values are found (bounded).
  for (let page = 0; page < GROUP_SCAN_PAGES && values.length < offset + rows; page++) {
    const r = await coll.search({ filter, sort, limit: GROUP_SCAN_PAGE, fields: [field], after, withCursor: true, countTotal: false });
    for (const item of r.items) {
      const v = (field === 'id' ? item.id : field.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), item)) as Scalar;
      const key = JSON.stringify(v);
      if (v === undefined || seen.has(key)) continue;
      seen.add(key);
      values.push(v);
    }
    if (r.items.length < GROUP_SCAN_PAGE || !r.cursor) break;
    after = r.cursor;
  }
  const fl = p.fl?.trim() ? (p.fl.includes('*') ? undefined : p.fl.split(',').map((f) => f.trim())) : (index.stored ?? undefined);
  const items = [];
  for (const value of values.slice(offset, offset + rows)) {
    const gf: Filter = { op: 'and', items: [filter, { op: 'eq', field, value }] };
    const r = await coll.search({ filter: gf, sort: groupSort, limit, fields: fl });
    items.push({ value, total: r.total, items: r.items.map((i) => stripHidden(index, i)) });
  }
  const total = await coll.count(filter, 10_000);
  return { offset, rows, total, items };
}

/** Field catalogue of an index, in Assemblyline's shape. */
export function fieldsOf(index: SearchIndex): Record<string, { default: boolean; indexed: boolean; list: boolean; stored: boolean; type: string }> {
  const out: Record<string, { default: boolean; indexed: boolean; list: boolean; stored: boolean; type: string }> = {};
  const names = Object.keys(index.spec.fields).filter((f) => !index.hidden.includes(f)).sort();
  for (const name of names) {
    const fs = fieldSpec(index.spec, name)!;
    out[name] = {
      default: index.textFields.includes(name),
      indexed: true,
      list: Boolean(fs.list || fs.path || fs.terms),
      stored: index.stored ? index.stored.includes(name) : true,
      type: fs.type,
    };
  }
  return out;
}
