// Translating the datastore's filter tree into SQLite SQL over JSON documents. Field paths become
// json_extract expressions written exactly as the expression indexes are, so the planner can use them.
// Fields inside arrays of objects become json_each joins, and fields copied into a term table by triggers
// become an indexed lookup in that table.
import { collectionSpec } from '../collections.js';
import type { CollectionSpec, FieldSpec, Filter, Scalar, SortKey } from '../datastore.js';

const SAFE_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function jsonPath(field: string): string {
  const parts = field.split('.').map((p) => {
    if (SAFE_SEGMENT.test(p)) return p;
    if (!p || p.includes('"') || p.includes("'") || p.includes('\\')) throw new Error(`unsupported field name: ${field}`);
    return `"${p}"`;
  });
  return `$.${parts.join('.')}`;
}

/** The SQL expression for a scalar field. `id` is the key column. */
export function fieldExpr(field: string): string {
  if (field === 'id') return 'id';
  return `json_extract(doc, '${jsonPath(field)}')`;
}

export function bindable(v: Scalar): string | number | null {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

export interface Compiled {
  sql: string;
  params: Array<string | number | null>;
}

/** A field's declaration: by name, else by a declared prefix family. */
export function fieldSpec(spec: CollectionSpec | undefined, field: string): FieldSpec | undefined {
  const direct = spec?.fields[field];
  if (direct) return direct;
  return spec?.dynamic?.find((d) => field.startsWith(d.prefix) && field.length > d.prefix.length)?.spec;
}

export function termTable(collection: string): string {
  return `"x_${collection}_terms"`;
}

/**
 * How to reach a field's values: a row source to join (`from`, may be empty) and the value expression.
 * `doc` stands for the record's document column, `rid` for its rowid.
 */
export function valueSource(spec: CollectionSpec | undefined, field: string, doc = 'doc', rid = 'rowid'): { from: string; where: string; expr: string; multi: boolean } {
  if (field === 'id') return { from: '', where: '', expr: 'id', multi: false };
  const fs = fieldSpec(spec, field);
  if (fs?.terms && spec) {
    return { from: `${termTable(spec.name)} t`, where: `t.rid = ${rid} AND t.field = '${field.replace(/'/g, "''")}'`, expr: 't.value', multi: true };
  }
  if (fs?.path?.includes('[]')) {
    const segs = fs.path.split('[]');
    const joins: string[] = [];
    let src = doc;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i]!.replace(/^\./, '');
      joins.push(`json_each(${src}, '${seg ? jsonPath(seg) : '$'}') j${i}`);
      src = `j${i}.value`;
    }
    const last = segs[segs.length - 1]!.replace(/^\./, '');
    return { from: joins.join(', '), where: '', expr: last ? `json_extract(${src}, '${jsonPath(last)}')` : src, multi: true };
  }
  if (fs?.list) return { from: `json_each(${doc}, '${jsonPath(field)}') j0`, where: '', expr: 'j0.value', multi: true };
  return { from: '', where: '', expr: doc === 'doc' ? fieldExpr(field) : `json_extract(${doc}, '${jsonPath(field)}')`, multi: false };
}

/** Wrap a per-value predicate so multi-valued fields match when any value satisfies it. */
function onField(spec: CollectionSpec | undefined, field: string, pred: (expr: string) => string): string {
  const src = valueSource(spec, field);
  if (!src.multi) return pred(src.expr);
  if (src.from.startsWith(termTable(spec!.name))) {
    // An uncorrelated IN lets the planner walk the term index (field, value) and then the rowids.
    return `rowid IN (SELECT t.rid FROM ${src.from} WHERE t.field = '${field.replace(/'/g, "''")}' AND ${pred(src.expr)})`;
  }
  return `EXISTS (SELECT 1 FROM ${src.from} WHERE ${pred(src.expr)})`;
}

export function compileFilter(filter: Filter | undefined, spec?: CollectionSpec): Compiled {
  const params: Array<string | number | null> = [];
  const walk = (f: Filter, spec: CollectionSpec | undefined): string => {
    switch (f.op) {
      case 'all':
        return '1';
      case 'none':
        return '0';
      case 'and':
        return f.items.length ? `(${f.items.map((i) => walk(i, spec)).join(' AND ')})` : '1';
      case 'or':
        return f.items.length ? `(${f.items.map((i) => walk(i, spec)).join(' OR ')})` : '0';
      case 'not':
        // A record without the field does not match `x` and so matches `NOT x` (NULL would drop it).
        return `NOT coalesce(${walk(f.item, spec)}, 0)`;
      case 'eq':
        if (f.value === null) return onField(spec, f.field, (e) => `${e} IS NULL`);
        params.push(bindable(f.value));
        return onField(spec, f.field, (e) => `${e} = ?`);
      case 'in': {
        if (!f.values.length) return '0';
        params.push(...f.values.map(bindable));
        const marks = f.values.map(() => '?').join(',');
        return onField(spec, f.field, (e) => `${e} IN (${marks})`);
      }
      case 'range': {
        const parts: string[] = [];
        const ops: Array<[keyof typeof f, string]> = [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']];
        for (const [k, sym] of ops) {
          const v = f[k] as Scalar | undefined;
          if (v === undefined) continue;
          params.push(bindable(v));
          parts.push(sym);
        }
        return onField(spec, f.field, (e) => (parts.length ? `(${parts.map((sym) => `${e} ${sym} ?`).join(' AND ')})` : `${e} IS NOT NULL`));
      }
      case 'exists':
        return onField(spec, f.field, (e) => `${e} IS NOT NULL`);
      case 'prefix':
        params.push(`${f.value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        return onField(spec, f.field, (e) => `${e} LIKE ? ESCAPE '\\'`);
      case 'like':
        params.push(f.pattern);
        if (f.words) return onField(spec, f.field, (e) => `(' ' || lower(${e}) || ' ') GLOB ?`);
        return onField(spec, f.field, (e) => (f.caseInsensitive ? `lower(${e}) GLOB lower(?)` : `${e} GLOB ?`));
      case 'regex':
        params.push(f.pattern);
        // assay_regex is registered on every connection (database.ts).
        return onField(spec, f.field, (e) => `assay_regex(?, ${e})`);
      case 'linked': {
        // The other collection's rows are selected in a scope of their own, so its `doc` and `rowid` are not
        // confused with this collection's; the value list is uncorrelated and built once per statement.
        const other = collectionSpec(f.collection);
        if (!other || !SAFE_SEGMENT.test(f.collection)) throw new Error(`unknown collection: ${f.collection}`);
        const where = walk(f.where, other);
        const src = valueSource(other, f.to, 's.doc', 's.rid');
        const value = f.prefix ? `substr(${src.expr}, 1, ${Math.trunc(f.prefix)})` : src.expr;
        const from = [`(SELECT rowid AS rid, id, doc FROM "c_${f.collection}" WHERE ${where}) s`, src.from].filter(Boolean).join(', ');
        const sub = `SELECT ${value === 'id' ? 's.id' : value} FROM ${from}${src.where ? ` WHERE ${src.where}` : ''}`;
        return onField(spec, f.field, (e) => `${e} IN (${sub})`);
      }
    }
  };
  return { sql: filter ? walk(filter, spec) : '1', params };
}

export function compileSort(sort: SortKey[] | undefined): string {
  if (!sort?.length) return 'ORDER BY rowid';
  // rowid breaks ties: every index ends with it, so an index matching the sort keys still serves the order.
  return `ORDER BY ${sort.map((s) => `${fieldExpr(s.field)} ${s.dir === 'desc' ? 'DESC' : 'ASC'}`).join(', ')}, rowid`;
}

/** The sort-key expressions selected with each row, to hand back as a keyset cursor. */
export function sortColumns(sort: SortKey[] | undefined): string[] {
  return [...(sort ?? []).map((s) => fieldExpr(s.field)), 'rowid'];
}

/**
 * Rows strictly after `after` in the order of compileSort. SQLite sorts NULL first ascending and last
 * descending, so a NULL position and NULL values need their own comparisons. The full condition is an OR the
 * planner cannot turn into an index range, so a plain bound on the first key is ANDed to it; after a
 * non-NULL position in a descending sort the records without the key still follow, and `tail` selects them
 * for a second query once the bounded one runs short.
 */
export function compileAfter(sort: SortKey[] | undefined, after: Scalar[]): Compiled & { tail?: Compiled } {
  const keys = [...(sort ?? []).map((s) => ({ expr: fieldExpr(s.field), desc: s.dir === 'desc' })), { expr: 'rowid', desc: false }];
  if (after.length !== keys.length) throw new Error('cursor does not match the sort');
  const params: Array<string | number | null> = [];
  const alternatives: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const eqs: string[] = [];
    for (let j = 0; j < i; j++) {
      const v = after[j]!;
      if (v === null) eqs.push(`${keys[j]!.expr} IS NULL`);
      else {
        eqs.push(`${keys[j]!.expr} = ?`);
        params.push(bindable(v));
      }
    }
    const { expr, desc } = keys[i]!;
    const v = after[i]!;
    let beyond: string;
    if (v === null) beyond = desc ? '0' : `${expr} IS NOT NULL`;
    else {
      beyond = desc ? `(${expr} < ? OR ${expr} IS NULL)` : `${expr} > ?`;
      params.push(bindable(v));
    }
    alternatives.push(`(${[...eqs, beyond].join(' AND ')})`);
  }
  const full = `(${alternatives.join(' OR ')})`;
  const { expr, desc } = keys[0]!;
  const v0 = after[0]!;
  if (v0 === null) return desc ? { sql: `(${expr} IS NULL AND ${full})`, params } : { sql: full, params };
  const bounded = { sql: `(${expr} ${desc ? '<=' : '>='} ? AND ${full})`, params: [bindable(v0), ...params] };
  return desc && keys.length > 1 ? { ...bounded, tail: { sql: `${expr} IS NULL`, params: [] } } : bounded;
}
