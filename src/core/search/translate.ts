// Lucene trees to datastore filters, typed by the index's field declarations: numbers and booleans are
// parsed, dates go through date math, text fields match case-insensitively inside the value, bare terms
// search the index's default text fields. Anything the datastore could not answer correctly is a
// SearchException (400), as Elasticsearch refuses such queries.
import type { FieldSpec, Filter, Scalar } from '../../store/datastore.js';
import { fieldSpec } from '../../store/sqlite/sql.js';
import { badRequest } from '../errors.js';
import { resolveDateMath } from './date-math.js';
import { LuceneSyntaxError, parseLucene, type QueryNode } from './lucene.js';
import type { SearchIndex } from './indices.js';

export const searchError = (msg: string) => badRequest(`SearchException: ${msg}`);

const FIELD_NAME = /^[A-Za-z_@][\w@-]*(\.[\w@-]+)*$/;
// Nested quantifiers ((a+)+ and kin) backtrack exponentially; they are refused rather than run.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{?]/;

/** The declaration of a queryable field, or an error naming it. `id` is the key on every index. */
export function specOf(index: SearchIndex, field: string): FieldSpec {
  if (field === 'id') return { type: 'keyword', indexed: true };
  if (!FIELD_NAME.test(field) || index.hidden.some((h) => field === h || field.startsWith(`${h}.`))) {
    throw searchError(`Field '${field}' is not a valid field in index: ${index.name}`);
  }
  return fieldSpec(index.spec, field) ?? { type: 'keyword' };
}

export function isKnownField(index: SearchIndex, field: string): boolean {
  if (field === 'id') return true;
  if (index.hidden.some((h) => field === h || field.startsWith(`${h}.`))) return false;
  return fieldSpec(index.spec, field) !== undefined;
}

function number(field: string, v: string, integer: boolean): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw searchError(`failed to create query: For input string: "${v}" (field ${field})`);
  return integer ? Math.trunc(n) : n;
}

/** A range bound in the field's type. */
function bound(field: string, fs: FieldSpec, v: string, roundUp: boolean): Scalar {
  switch (fs.type) {
    case 'integer':
    case 'float':
      return number(field, v, false);
    case 'date': {
      const d = resolveDateMath(v, roundUp);
      if (d === null) throw searchError(`failed to parse date field [${v}] (field ${field})`);
      return d;
    }
    case 'boolean':
      return v === 'true';
    default:
      return v;
  }
}

function termFilter(field: string, fs: FieldSpec, node: Extract<QueryNode, { t: 'term' }>): Filter {
  if (node.glob && !node.phrase) {
    if (fs.type === 'text') return { op: 'like', field, pattern: `*${node.glob}*`, caseInsensitive: true };
    return { op: 'like', field, pattern: node.glob };
  }
  const v = node.value;
  switch (fs.type) {
    case 'integer':
    case 'float':
      return { op: 'eq', field, value: number(field, v, fs.type === 'integer') };
    case 'boolean':
      if (v !== 'true' && v !== 'false') throw searchError(`Can't parse boolean value [${v}] (field ${field})`);
      // Booleans are stored as JSON true/false, which SQLite reads as 1/0.
      return { op: 'eq', field, value: v === 'true' };
    case 'date': {
      const lo = resolveDateMath(v, false);
      const hi = resolveDateMath(v, true);
      if (lo === null || hi === null) throw searchError(`failed to parse date field [${v}] (field ${field})`);
      return lo === hi ? { op: 'eq', field, value: lo } : { op: 'range', field, gte: lo, lte: hi };
    }
    case 'text': {
      // Analysed text matches whole words (or a run of words for a phrase), regardless of case.
      const escaped = v.toLowerCase().replace(/[*?[]/g, (c) => `[${c}]`);
      return { op: 'like', field, pattern: `*[^a-z0-9]${escaped}[^a-z0-9]*`, words: true };
    }
    default:
      // Some keyword values are stored as JSON numbers (integer tags such as network.port).
      return /^-?\d{1,15}$/.test(v) ? { op: 'in', field, values: [v, Number(v)] } : { op: 'eq', field, value: v };
  }
}

function leaf(index: SearchIndex, field: string, node: QueryNode): Filter {
  const fs = specOf(index, field);
  switch (node.t) {
    case 'exists':
      return { op: 'exists', field };
    case 'term':
      return termFilter(field, fs, node);
    case 'regex': {
      if (node.pattern.length > 1000 || NESTED_QUANTIFIER.test(node.pattern)) throw searchError(`regular expression refused: /${node.pattern}/`);
      try {
        new RegExp(node.pattern, 'u');
      } catch {
        throw searchError(`invalid regular expression: /${node.pattern}/`);
      }
      return { op: 'regex', field, pattern: node.pattern };
    }
    case 'range': {
      const f: Extract<Filter, { op: 'range' }> = { op: 'range', field };
      if (node.lo !== null) f[node.loInc ? 'gte' : 'gt'] = bound(field, fs, node.lo, !node.loInc);
      if (node.hi !== null) f[node.hiInc ? 'lte' : 'lt'] = bound(field, fs, node.hi, node.hiInc);
      return f;
    }
    default:
      throw new Error('not a leaf');
  }
}

/** A bare term or phrase: any of the index's default text fields. */
function anyTextField(index: SearchIndex, node: QueryNode): Filter {
  const items: Filter[] = [];
  for (const field of index.textFields) {
    try {
      items.push(leaf(index, field, node));
    } catch {
      // A bare term that is not a number simply cannot match a numeric default field.
    }
  }
  return items.length === 1 ? items[0]! : { op: 'or', items };
}

export function toFilter(index: SearchIndex, node: QueryNode): Filter {
  switch (node.t) {
    case 'all':
      return { op: 'all' };
    case 'and':
      return { op: 'and', items: node.items.map((n) => toFilter(index, n)) };
    case 'or':
      return { op: 'or', items: node.items.map((n) => toFilter(index, n)) };
    case 'not':
      return { op: 'not', item: toFilter(index, node.item) };
    case 'exists':
      return leaf(index, node.field, node);
    default:
      return node.field === null ? anyTextField(index, node) : leaf(index, node.field, node);
  }
}

/** Parse a query string for an index; syntax errors become SearchExceptions. */
export function queryFilter(index: SearchIndex, query: string): Filter {
  let tree: QueryNode;
  try {
    tree = parseLucene(query);
  } catch (e) {
    if (e instanceof LuceneSyntaxError) throw searchError(`Failed to parse query [${query}]: ${e.message}`);
    throw e;
  }
  return simplify(toFilter(index, tree));
}

/** Fold `all` out of conjunctions so a match-all query adds nothing to the SQL. */
export function simplify(f: Filter): Filter {
  if (f.op === 'and') {
    const items = f.items.map(simplify).filter((i) => i.op !== 'all');
    if (items.some((i) => i.op === 'none')) return { op: 'none' };
    return items.length === 0 ? { op: 'all' } : items.length === 1 ? items[0]! : { op: 'and', items };
  }
  if (f.op === 'or') {
    const items = f.items.map(simplify).filter((i) => i.op !== 'none');
    if (items.some((i) => i.op === 'all')) return { op: 'all' };
    return items.length === 0 ? { op: 'none' } : items.length === 1 ? items[0]! : { op: 'or', items };
  }
  if (f.op === 'not') return { op: 'not', item: simplify(f.item) };
  return f;
}
