// Translating the datastore's filter tree into SQLite SQL over JSON documents. Field paths become
// json_extract expressions written exactly as the expression indexes are, so the planner can use them.
import type { CollectionSpec, Filter, Scalar, SortKey } from '../datastore.js';

const SAFE_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function jsonPath(field: string): string {
  const parts = field.split('.').map((p) => {
    if (SAFE_SEGMENT.test(p)) return p;
    if (p.includes('"') || p.includes("'")) throw new Error(`unsupported field name: ${field}`);
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

function isList(spec: CollectionSpec | undefined, field: string): boolean {
  return Boolean(spec?.fields[field]?.list);
}

/** Wrap a per-value predicate so list fields match when any element satisfies it. */
function onField(spec: CollectionSpec | undefined, field: string, pred: (expr: string) => string): string {
  if (isList(spec, field)) {
    return `EXISTS (SELECT 1 FROM json_each(doc, '${jsonPath(field)}') WHERE ${pred('value')})`;
  }
  return pred(fieldExpr(field));
}

export function compileFilter(filter: Filter | undefined, spec?: CollectionSpec): Compiled {
  const params: Array<string | number | null> = [];
  const walk = (f: Filter): string => {
    switch (f.op) {
      case 'all':
        return '1';
      case 'none':
        return '0';
      case 'and':
        return f.items.length ? `(${f.items.map(walk).join(' AND ')})` : '1';
      case 'or':
        return f.items.length ? `(${f.items.map(walk).join(' OR ')})` : '0';
      case 'not':
        return `NOT (${walk(f.item)})`;
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
        return onField(spec, f.field, (e) => `(${parts.map((sym) => `${e} ${sym} ?`).join(' AND ') || '1'})`);
      }
      case 'exists':
        return onField(spec, f.field, (e) => `${e} IS NOT NULL`);
      case 'prefix':
        params.push(`${f.value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        return onField(spec, f.field, (e) => `${e} LIKE ? ESCAPE '\\'`);
      case 'like':
        params.push(f.pattern);
        return onField(spec, f.field, (e) => (f.caseInsensitive ? `lower(${e}) GLOB lower(?)` : `${e} GLOB ?`));
    }
  };
  return { sql: filter ? walk(filter) : '1', params };
}

export function compileSort(sort: SortKey[] | undefined): string {
  if (!sort?.length) return 'ORDER BY rowid';
  // rowid breaks ties: every index ends with it, so an index matching the sort keys still serves the order.
  return `ORDER BY ${sort.map((s) => `${fieldExpr(s.field)} ${s.dir === 'desc' ? 'DESC' : 'ASC'}`).join(', ')}, rowid`;
}
