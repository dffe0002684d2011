// The Lucene query parser: any string either parses to a well-formed tree or fails with LuceneSyntaxError; the
// translation of that tree for every index either gives a filter that compiles to SQL or a SearchException
// (an AssayError with status 400), and a search with it on an empty SQLite datastore either runs or fails with
// that same SearchException. Nothing else escapes, and deep or long queries do not overflow any stack.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import fc from 'fast-check';
import { AssayError } from '../../src/core/errors.js';
import { SearchEngine } from '../../src/core/search/engine.js';
import { searchIndex, type SearchIndex } from '../../src/core/search/indices.js';
import { LuceneSyntaxError, parseLucene, type QueryNode } from '../../src/core/search/lucene.js';
import { queryFilter } from '../../src/core/search/translate.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteDatastore } from '../../src/store/sqlite/sqlite-datastore.js';
import { compileFilter } from '../../src/store/sqlite/sql.js';
import { expectControlled, FuzzInput, fuzzer, mutatedInput } from './harness.js';
import { seed } from './seeds.js';

const INDICES = ['submission', 'result', 'file', 'alert', 'signature', 'user'].map((n) => searchIndex(n)!) as SearchIndex[];
const engine = new SearchEngine(new SqliteDatastore(openSqlite(':memory:')));
const VIEWERS = [
  { uname: 'admin', groups: ['ADMIN'], classification: 'TLP:C', isAdmin: true },
  { uname: 'user', groups: ['USERS'], classification: 'TLP:C', isAdmin: false },
];
const isSearchException = (x: unknown) => x instanceof AssayError && x.status === 400;

function wellFormed(n: QueryNode, depth = 0): void {
  assert.ok(depth < 10_000, 'tree deeper than the input could make it');
  switch (n.t) {
    case 'all':
      return;
    case 'and':
    case 'or':
      assert.ok(n.items.length >= 2, `${n.t} with ${n.items.length} items`);
      for (const i of n.items) wellFormed(i, depth + 1);
      return;
    case 'not':
      return wellFormed(n.item, depth + 1);
    case 'term':
      assert.equal(typeof n.value, 'string');
      return;
    case 'regex':
      assert.equal(typeof n.pattern, 'string');
      return;
    case 'range':
      assert.ok(n.lo === null || typeof n.lo === 'string');
      assert.ok(n.hi === null || typeof n.hi === 'string');
      return;
    case 'exists':
      assert.equal(typeof n.field, 'string');
      return;
    default:
      assert.fail(`unknown node ${JSON.stringify(n)}`);
  }
}

async function check(query: string): Promise<void> {
  let tree: QueryNode | undefined;
  try {
    tree = parseLucene(query);
  } catch (e) {
    expectControlled(e, (x) => x instanceof LuceneSyntaxError, 'parseLucene');
  }
  if (tree) wellFormed(tree);
  for (const index of INDICES) {
    try {
      compileFilter(queryFilter(index, query), index.spec);
    } catch (e) {
      expectControlled(e, isSearchException, `queryFilter(${index.name})`);
    }
  }
  for (const [i, viewer] of VIEWERS.entries()) {
    const index = INDICES[i]!;
    try {
      await engine.search(index, viewer, { query, rows: 5 });
    } catch (e) {
      expectControlled(e, isSearchException, `search(${index.name})`);
    }
  }
}

// Pieces of the syntax, so generated queries get past the first character.
const TOKENS = [
  'a', 'max_score', 'params.submitter', 'times.submitted', 'result.sections.tags.network.static.domain', 'id', '_exists_', '*',
  ':', '(', ')', '[', ']', '{', '}', ' TO ', 'TO', ' AND ', ' OR ', 'NOT ', '!', '+', '-', '&&', '||', '"', '\\', '?', '/',
  '^2', '~1', '>', '>=', '<', '<=', 'now-1d/d', 'now+1M', '2024-01-01T00:00:00Z', '1.5e3', '-0', 'true', '.*', '(a+)+', '\u00e9', '\u{1f600}',
  ' ', '\t', '\n', '',
];
const token = fc.constantFrom(...TOKENS);
const tokens = fc.array(fc.oneof(token, fc.string({ maxLength: 4 })), { maxLength: 40 }).map((t) => t.join(''));
/** A run of one piece repeated up to the parser's length limit: nesting, negation and operator chains. */
const NESTING = ['(', '!', 'NOT ', '-', '+', 'a:(', '"', '\\', 'a ', ' AND ', ' OR ', 'a:b ', ')', '[', '/'];
const repeated = fc
  .tuple(fc.array(fc.oneof(fc.constantFrom(...NESTING), token), { minLength: 1, maxLength: 2 }), fc.integer({ min: 1, max: 20_000 }), tokens)
  .map(([unit, n, tail]) =>
    FuzzInput.text(unit.join('').repeat(n).slice(0, 20_000 - tail.length) + tail, `${JSON.stringify(unit.join(''))} x${n} + ${JSON.stringify(tail)}`));

const QUERIES = [
  'params.submitter:alice', 'max_score:[500 TO *] AND params.submitter:alice', 'ts:[now-1d TO now]', 'max_score:>=500',
  'name:/ev[a-z]+\\/x/', '(a:1 OR b:2) && !c:3', '+a:1 -b:2 c:3', 'state:(completed OR failed)', 'uri:http\\:\\/\\/x.com',
  '_exists_:owner', '*:*', 'files.name:*.dll', 'times.submitted:{2024-01-01 TO *}', 'params.description:"hello \\"big\\" world"~2^3',
];
const seeds = QUERIES.map((q, i) => seed(`query-${i}`, Buffer.from(q)));

const property = fuzzer('lucene');

describe('fuzz: Lucene query parser', () => {
  property('random strings', fc.string({ unit: 'binary', maxLength: 200 }), check, { caseMs: 5000, runsFactor: 10 });
  property('token soups', tokens, check, { caseMs: 5000, runsFactor: 10 });
  property('long repetitions', repeated, (i) => check(i.text), { caseMs: 30_000, runsFactor: 5 });
  property('mutated queries', mutatedInput(seeds), (i) => check(i.text), { caseMs: 5000, runsFactor: 10 });
});
