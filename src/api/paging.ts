// Paging and other numeric arguments of the search and list routes, checked instead of clamped: a negative,
// fractional or absurd `rows`, `offset` or `size` is a 400 naming the argument, its range and the setting that
// sets it, where it used to be bent into range (or, past what SQLite takes, fail as an internal error).
import { badRequest } from '../core/errors.js';

export interface PageLimits {
  maxRows: number;
  maxOffset: number;
}

/**
 * An integer argument: a JSON number or its decimal text (query strings, and the Python client's stream, send
 * text). Absent or empty is undefined; a repeated query argument counts by its first value.
 */
export function intArg(value: unknown, name: string, range: { min: number; max: number; setting?: string }): number | undefined {
  // Only a repeated query argument is a list of strings; a JSON list is the wrong type.
  const v = Array.isArray(value) && value.length && value.every((x) => typeof x === 'string') ? value[0] : value;
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[-+]?\d{1,20}\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n)) throw badRequest(`${name} must be an integer, not ${JSON.stringify(v).slice(0, 40)}`, '');
  if (n < range.min || n > range.max) {
    throw badRequest(`${name} must be between ${range.min} and ${range.max}${range.setting ? ` (${range.setting})` : ''}, not ${n}`, '');
  }
  return n;
}

/** `offset` and `rows` of a listing, with the route's default page size. */
export function pageArgs(args: { offset?: unknown; rows?: unknown }, limits: PageLimits, defaultRows: number): { offset: number; rows: number } {
  return {
    offset: intArg(args.offset, 'offset', { min: 0, max: limits.maxOffset, setting: 'search.maxOffset' }) ?? 0,
    rows: intArg(args.rows, 'rows', { min: 0, max: limits.maxRows, setting: 'search.maxRows' }) ?? defaultRows,
  };
}

/** `track_total_hits`: true (count everything), false or absent (the default cap), or a count. */
export function trackTotalHits(value: unknown): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === true || v === 'true') return Number.MAX_SAFE_INTEGER;
  if (v === false || v === 'false') return undefined;
  return intArg(v, 'track_total_hits', { min: 0, max: Number.MAX_SAFE_INTEGER });
}
