// Aggregations (facets, histograms, stats) as SQL over the records a filter selects. Multi-valued fields are
// expanded with json_each or read from the term table, so each element counts once per record.
import type { CollectionSpec } from '../datastore.js';
import { termTable, valueSource } from './sql.js';

const table = (name: string) => `"c_${name}"`;

/**
 * The values of `field` over the matching records, as a row source with a `v` column. `where` is compiled
 * against the collection's own columns (doc, rowid), so it stays inside a subquery on the table.
 */
function valuesOf(name: string, spec: CollectionSpec | undefined, field: string, where: string): string {
  const src = valueSource(spec, field, 'c.doc_', 'c.rid_');
  if (!src.multi) {
    const direct = valueSource(spec, field);
    return `SELECT ${direct.expr} AS v FROM ${table(name)} WHERE ${where} AND ${direct.expr} IS NOT NULL`;
  }
  if (spec && src.from.startsWith(termTable(spec.name))) {
    const restrict = where === '1' ? '' : ` AND t.rid IN (SELECT rowid FROM ${table(name)} WHERE ${where})`;
    return `SELECT t.value AS v FROM ${termTable(spec.name)} t WHERE t.field = '${field.replace(/'/g, "''")}'${restrict}`;
  }
  return (
    `SELECT ${src.expr} AS v FROM (SELECT rowid AS rid_, doc AS doc_ FROM ${table(name)} WHERE ${where}) c, ${src.from} ` +
    `WHERE ${src.expr} IS NOT NULL`
  );
}

/** Params: the filter's, then mincount, then size. */
export function facetSql(name: string, spec: CollectionSpec | undefined, field: string, where: string): string {
  return `SELECT v AS value, count(*) AS count FROM (${valuesOf(name, spec, field, where)}) GROUP BY v HAVING count(*) >= ? ORDER BY count DESC, value LIMIT ?`;
}

/**
 * Bucket index per value: the last bound at or below it (-1 below the first). Params: the bounds from the
 * LAST to the first, then the filter's.
 */
export function histogramSql(name: string, spec: CollectionSpec | undefined, field: string, where: string, nBounds: number): string {
  const whens = Array.from({ length: nBounds }, (_, k) => `WHEN v >= ? THEN ${nBounds - 1 - k}`).join(' ');
  return `SELECT b, count(*) AS count FROM (SELECT CASE ${whens} ELSE -1 END AS b FROM (${valuesOf(name, spec, field, where)})) WHERE b >= 0 GROUP BY b`;
}

export function statsSql(name: string, spec: CollectionSpec | undefined, field: string, where: string): string {
  return `SELECT count(v) AS count, min(v) AS min, max(v) AS max, avg(v) AS avg, sum(v) AS sum FROM (${valuesOf(name, spec, field, where)})`;
}
