// A parser for the Lucene query syntax Assemblyline users type (Elasticsearch `query_string`): terms,
// phrases, wildcards, ranges with `*` and date math, comparisons, regular expressions, AND/OR/NOT, `+`/`-`,
// grouping and `field:(a OR b)`. It yields a small tree that translate.ts turns into datastore filters.
// Input is hostile: the parser is a single pass over the string with limits on nesting (groups and negations)
// and on the number of clauses, and fails with LuceneSyntaxError carrying the position.

export type QueryNode =
  | { t: 'all' }
  | { t: 'and'; items: QueryNode[] }
  | { t: 'or'; items: QueryNode[] }
  | { t: 'not'; item: QueryNode }
  /** `value` is unescaped; `glob` is set when the term holds unescaped wildcards (SQLite GLOB syntax). */
  | { t: 'term'; field: string | null; value: string; phrase: boolean; glob?: string }
  | { t: 'regex'; field: string | null; pattern: string }
  | { t: 'range'; field: string | null; lo: string | null; hi: string | null; loInc: boolean; hiInc: boolean }
  | { t: 'exists'; field: string };

export class LuceneSyntaxError extends Error {}

/** A query over one of the limits below: its message names the limit and the setting, not a position. */
export class LuceneLimitError extends LuceneSyntaxError {}

export interface QueryLimits {
  /** Characters in a query (search.maxQueryLength). */
  maxLength: number;
  /**
   * Terms, phrases, ranges and other clauses (search.maxQueryClauses). Elasticsearch refuses queries with too
   * many clauses too (max_clause_count); here every clause also costs SQL terms and bound values, which SQLite
   * limits, so a query over it is refused rather than failed.
   */
  maxClauses: number;
  /** Nesting of groups and negations, which the parser follows by recursion (search.maxQueryDepth). */
  maxDepth: number;
  /** Characters in one term, phrase or range bound (search.maxTermLength); SQLite caps pattern sizes. */
  maxTermLength: number;
  /**
   * Field comparisons the query becomes once a bare term is searched in each default field of the index
   * (search.maxQueryExpansion). Each is a subquery SQLite plans before the search starts, which takes the
   * server's time for every one of them, so this bounds what one request can cost.
   */
  maxExpansion: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxLength: 1024 * 1024, maxClauses: 512, maxDepth: 64, maxTermLength: 10_000, maxExpansion: 4096 };

/** What a request has used so far: a query and its filter queries share one allowance. */
export interface ClauseBudget {
  /** Clauses as written. */
  used: number;
  /** Field comparisons they became (see maxExpansion). */
  comparisons?: number;
}
// Characters that end an unquoted term (unless escaped).
const TERM_END = new Set([' ', '\t', '\n', '\r', '(', ')', '[', ']', '{', '}', '"', ':', '^', '~']);

type Mod = '+' | '-' | null;

export function parseLucene(input: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS, budget: ClauseBudget = { used: 0 }): QueryNode {
  const { maxLength, maxClauses, maxDepth, maxTermLength } = limits;
  if (input.length > maxLength) {
    throw new LuceneLimitError(`query is ${input.length} characters long, more than the ${maxLength} allowed (search.maxQueryLength)`);
  }
  let pos = 0;
  let depth = 0;
  const fail = (msg: string): never => {
    throw new LuceneSyntaxError(`${msg} at position ${pos}`);
  };
  const deeper = () => {
    if (++depth > maxDepth) {
      throw new LuceneLimitError(`query nested too deeply: more than ${maxDepth} levels of groups and negations (search.maxQueryDepth)`);
    }
  };
  const termLength = (v: string): string => {
    if (v.length > maxTermLength) {
      throw new LuceneLimitError(`a term of the query is ${v.length} characters long, more than the ${maxTermLength} allowed (search.maxTermLength)`);
    }
    return v;
  };
  const skipWs = () => {
    while (pos < input.length && /\s/.test(input[pos]!)) pos++;
  };
  const peekWord = (w: string) => {
    if (!input.startsWith(w, pos)) return false;
    const after = input[pos + w.length];
    return after === undefined || /[\s()]/.test(after);
  };
  const atEnd = () => pos >= input.length;

  /** An unquoted term, unescaped, plus its GLOB form when it has wildcards. */
  const readTerm = (stopAtColon: boolean): { value: string; glob?: string } => {
    let value = '';
    let glob = '';
    let wild = false;
    const start = pos;
    while (pos < input.length) {
      const c = input[pos]!;
      if (c === '\\') {
        const n = input[pos + 1];
        if (n === undefined) fail('dangling escape');
        value += n;
        glob += n === '*' || n === '?' || n === '[' ? `[${n}]` : n;
        pos += 2;
        continue;
      }
      if (TERM_END.has(c) && (c !== ':' || stopAtColon)) break;
      if (c === '*' || c === '?') wild = true;
      value += c;
      glob += c === '[' ? '[[]' : c;
      pos++;
    }
    if (pos === start) fail('expected a term');
    termLength(value);
    return wild ? { value, glob } : { value };
  };

  const readPhrase = (): string => {
    pos++; // opening quote
    let out = '';
    while (pos < input.length && input[pos] !== '"') {
      if (input[pos] === '\\' && pos + 1 < input.length) pos++;
      out += input[pos++];
    }
    if (atEnd()) fail('unterminated phrase');
    pos++;
    return termLength(out);
  };

  const readRegex = (): string => {
    pos++;
    let out = '';
    while (pos < input.length && input[pos] !== '/') {
      if (input[pos] === '\\' && pos + 1 < input.length) {
        // `\/` is the delimiter escaped; other escapes belong to the pattern.
        out += input[pos + 1] === '/' ? '/' : input.slice(pos, pos + 2);
        pos += 2;
        continue;
      }
      out += input[pos++];
    }
    if (atEnd()) fail('unterminated regular expression');
    pos++;
    return termLength(out);
  };

  const readRangeBound = (): string => {
    skipWs();
    if (input[pos] === '"') return readPhrase();
    let out = '';
    while (pos < input.length && !/[\s\]}]/.test(input[pos]!)) {
      if (input[pos] === '\\' && pos + 1 < input.length) pos++;
      out += input[pos++];
    }
    if (!out) fail('expected a range bound');
    return termLength(out);
  };

  const skipBoostFuzzy = () => {
    // Scoring modifiers change ranking only; matching ignores them.
    while (input[pos] === '^' || input[pos] === '~') {
      pos++;
      while (pos < input.length && /[0-9.]/.test(input[pos]!)) pos++;
    }
  };

  /** The value part after `field:` (or a bare term when field is null). */
  const parseValue = (field: string | null): QueryNode => {
    const c = input[pos];
    if (c === undefined) return fail('expected a value');
    if (c === '(') {
      if (field === null) return fail('unexpected (');
      pos++;
      const inner = parseSequence(field);
      skipWs();
      if (input[pos] !== ')') fail('expected )');
      pos++;
      return inner;
    }
    if (c === '[' || c === '{') {
      pos++;
      const lo = readRangeBound();
      skipWs();
      if (!input.startsWith('TO', pos)) fail('expected TO');
      pos += 2;
      const hi = readRangeBound();
      skipWs();
      const close = input[pos];
      if (close !== ']' && close !== '}') fail('expected ] or }');
      pos++;
      return { t: 'range', field, lo: lo === '*' ? null : lo, hi: hi === '*' ? null : hi, loInc: c === '[', hiInc: close === ']' };
    }
    if (c === '>' || c === '<') {
      const eq = input[pos + 1] === '=';
      pos += eq ? 2 : 1;
      const v = input[pos] === '"' ? readPhrase() : readTerm(true).value;
      if (v === '*') return field ? { t: 'exists', field } : { t: 'all' };
      return c === '>'
        ? { t: 'range', field, lo: v, hi: null, loInc: eq, hiInc: false }
        : { t: 'range', field, lo: null, hi: v, loInc: false, hiInc: eq };
    }
    if (c === '"') {
      const v = readPhrase();
      skipBoostFuzzy();
      return { t: 'term', field, value: v, phrase: true };
    }
    if (c === '/') return { t: 'regex', field, pattern: readRegex() };
    const term = readTerm(true);
    skipBoostFuzzy();
    if (term.value === '*') return field ? { t: 'exists', field } : { t: 'all' };
    return term.glob ? { t: 'term', field, value: term.value, phrase: false, glob: term.glob } : { t: 'term', field, value: term.value, phrase: false };
  };

  const parsePrimary = (field: string | null): QueryNode => {
    skipWs();
    const c = input[pos];
    if (c === undefined) return fail('unexpected end of query');
    if (c === '(') {
      pos++;
      deeper();
      const inner = parseSequence(field);
      depth--;
      skipWs();
      if (input[pos] !== ')') fail('expected )');
      pos++;
      skipBoostFuzzy();
      return inner;
    }
    if (++budget.used > maxClauses) {
      throw new LuceneLimitError(`query has more than ${maxClauses} clauses (terms, phrases, ranges), the limit set by search.maxQueryClauses`);
    }
    if (field !== null || c === '"' || c === '/' || c === '[' || c === '{') return parseValue(field);
    // `name:value` or a bare term: read up to a colon, then decide.
    const save = pos;
    const head = readTerm(true);
    if (input[pos] === ':') {
      pos++;
      const name = head.value;
      if (name === '*' || name === '_exists_') {
        if (name === '_exists_') {
          const f = readTerm(true).value;
          return { t: 'exists', field: f };
        }
        // `*:*` matches everything; `*:value` searches every field, which the default text fields stand for.
        if (input[pos] === '*' && (pos + 1 === input.length || TERM_END.has(input[pos + 1]!))) {
          pos++;
          return { t: 'all' };
        }
        return parseValue(null);
      }
      if (!/^[A-Za-z0-9_@.\-]+$/.test(name)) fail(`invalid field name "${name}"`);
      return parseValue(name);
    }
    pos = save;
    return parseValue(null);
  };

  const parseUnary = (field: string | null): { node: QueryNode; mod: Mod } => {
    skipWs();
    if (peekWord('NOT') || input[pos] === '!') {
      pos += input[pos] === '!' ? 1 : 3;
      // A chain of negations recurses as deep as it is long: it counts against the nesting limit like a group.
      deeper();
      const item = parseUnary(field).node;
      depth--;
      return { node: { t: 'not', item }, mod: null };
    }
    const c = input[pos];
    if (c === '+' || c === '-') {
      pos++;
      const inner = parsePrimary(field);
      return { node: inner, mod: c };
    }
    return { node: parsePrimary(field), mod: null };
  };

  const applyMod = (u: { node: QueryNode; mod: Mod }): QueryNode => (u.mod === '-' ? { t: 'not', item: u.node } : u.node);

  const parseAnd = (field: string | null): { node: QueryNode; mod: Mod } => {
    const first = parseUnary(field);
    const items = [first];
    for (;;) {
      skipWs();
      if (peekWord('AND')) pos += 3;
      else if (input.startsWith('&&', pos)) pos += 2;
      else break;
      items.push(parseUnary(field));
    }
    return items.length === 1 ? first : { node: { t: 'and', items: items.map(applyMod) }, mod: null };
  };

  const parseOr = (field: string | null): { node: QueryNode; mod: Mod } => {
    const first = parseAnd(field);
    const items = [first];
    for (;;) {
      skipWs();
      if (peekWord('OR')) pos += 2;
      else if (input.startsWith('||', pos)) pos += 2;
      else break;
      items.push(parseAnd(field));
    }
    return items.length === 1 ? first : { node: { t: 'or', items: items.map(applyMod) }, mod: null };
  };

  /**
   * Clauses side by side use the default operator (OR, as Elasticsearch); `+` makes a clause required
   * and `-` excludes, and once a clause is required the optional ones no longer restrict the match.
   */
  function parseSequence(field: string | null): QueryNode {
    const clauses: Array<{ node: QueryNode; mod: Mod }> = [];
    for (;;) {
      skipWs();
      if (atEnd() || input[pos] === ')') break;
      clauses.push(parseOr(field));
    }
    if (!clauses.length) return fail('empty query');
    if (clauses.length === 1) return applyMod(clauses[0]!);
    const must = clauses.filter((c) => c.mod === '+').map((c) => c.node);
    const mustNot = clauses.filter((c) => c.mod === '-').map((c) => ({ t: 'not' as const, item: c.node }));
    const should = clauses.filter((c) => c.mod === null).map((c) => c.node);
    const required: QueryNode[] = [...must, ...mustNot];
    if (!must.length && should.length) required.push(should.length === 1 ? should[0]! : { t: 'or', items: should });
    return required.length === 1 ? required[0]! : { t: 'and', items: required };
  }

  skipWs();
  if (atEnd()) return { t: 'all' };
  const tree = parseSequence(null);
  skipWs();
  if (!atEnd()) fail(`unexpected "${input[pos]}"`);
  return tree;
}
