// Lucene trees to datastore filters, typed by the index's field declarations: numbers and booleans are
// parsed, dates go through date math, text fields match case-insensitively inside the value, bare terms
// search the index's default text fields. Anything the datastore could not answer correctly is a
// SearchException (400), as Elasticsearch refuses such queries.
import type { FieldSpec, Filter, Scalar } from '../../store/datastore.js';
import { fieldSpec } from '../../store/sqlite/sql.js';
import { badRequest } from '../errors.js';
import { resolveDateMath } from './date-math.js';
import { DEFAULT_QUERY_LIMITS, LuceneLimitError, LuceneSyntaxError, parseLucene, type ClauseBudget, type QueryLimits, type QueryNode } from './lucene.js';
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

/** Items per level of a long AND or OR; see `balanced`. */
const FAN_OUT = 32;

/**
 * A long AND or OR as a tree of at most FAN_OUT items per level. SQLite nests `a OR b OR c …` one level per
 * item and refuses expressions deeper than 1000, so a flat list of a thousand clauses would fail to compile;
 * the tree is as deep as the logarithm of its length.
 */
export function balanced(op: 'and' | 'or', items: Filter[]): Filter {
  if (items.length <= FAN_OUT) return { op, items };
  const groups: Filter[] = [];
  const size = Math.ceil(items.length / FAN_OUT);
  for (let i = 0; i < items.length; i += size) groups.push(balanced(op, items.slice(i, i + size)));
  return { op, items: groups };
}

export function toFilter(index: SearchIndex, node: QueryNode): Filter {
  switch (node.t) {
    case 'all':
      return { op: 'all' };
    case 'and':
      return balanced('and', node.items.map((n) => toFilter(index, n)));
    case 'or':
      return balanced('or', node.items.map((n) => toFilter(index, n)));
    case 'not':
      return { op: 'not', item: toFilter(index, node.item) };
    case 'exists':
      return leaf(index, node.field, node);
    default:
      return node.field === null ? anyTextField(index, node) : leaf(index, node.field, node);
  }
}

/** A query as quoted in an error message: enough to recognise it, never the whole of a huge one. */
function quoted(query: string): string {
  return query.length > 200 ? `${query.slice(0, 200)}… (${query.length} characters)` : query;
}

/**
 * Parse a query string for an index; syntax errors become SearchExceptions, and a query over a limit says
 * which. Filter queries of one request share `budget`, so together they stay within the clause limit.
 */
export function queryFilter(index: SearchIndex, query: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS, budget?: ClauseBudget): Filter {
  let tree: QueryNode;
  try {
    tree = parseLucene(query, limits, budget);
  } catch (e) {
    if (e instanceof LuceneLimitError) throw searchError(e.message);
    if (e instanceof LuceneSyntaxError) throw searchError(`Failed to parse query [${quoted(query)}]: ${e.message}`);
    throw e;
  }
  const filter = toFilter(index, tree);
  const spent = budget ?? { used: 0 };
  spent.comparisons = (spent.comparisons ?? 0) + comparisons(filter);
  if (spent.comparisons > limits.maxExpansion) {
    throw searchError(
      `query expands to more than ${limits.maxExpansion} field comparisons (a bare term is searched in each of the ` +
        `${index.textFields.length} default fields of ${index.name}), the limit set by search.maxQueryExpansion`,
    );
  }
  return simplify(filter);
}

/** Comparisons (leaf filters) in a filter tree, counted without recursion. */
function comparisons(f: Filter): number {
  let n = 0;
  const stack: Filter[] = [f];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.op === 'and' || x.op === 'or') stack.push(...x.items);
    else if (x.op === 'not') stack.push(x.item);
    else if (x.op !== 'all' && x.op !== 'none') n++;
  }
  return n;
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
