// The Lucene parser and its translation into datastore filters, one syntax element at a time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLucene, LuceneSyntaxError } from '../../src/core/search/lucene.js';
import { resolveDateMath, durationMs } from '../../src/core/search/date-math.js';
import { queryFilter } from '../../src/core/search/translate.js';
import { searchIndex } from '../../src/core/search/indices.js';
import { AssayError } from '../../src/core/errors.js';

const sub = searchIndex('submission')!;
const res = searchIndex('result')!;

describe('Lucene parser', () => {
  it('reads field terms, dotted paths and id', () => {
    assert.deepEqual(parseLucene('params.submitter:alice'), { t: 'term', field: 'params.submitter', value: 'alice', phrase: false });
    assert.deepEqual(parseLucene('result.sections.heuristic.heur_id:EXTRACT.1'), { t: 'term', field: 'result.sections.heuristic.heur_id', value: 'EXTRACT.1', phrase: false });
    assert.deepEqual(parseLucene('id:4dRzH4Y9x1TUPZX8pHmrz3'), { t: 'term', field: 'id', value: '4dRzH4Y9x1TUPZX8pHmrz3', phrase: false });
  });

  it('reads phrases with escaped quotes', () => {
    assert.deepEqual(parseLucene('params.description:"hello \\"big\\" world"'), { t: 'term', field: 'params.description', value: 'hello "big" world', phrase: true });
  });

  it('reads wildcards as GLOB patterns and keeps escaped ones literal', () => {
    assert.deepEqual(parseLucene('files.name:*.dll'), { t: 'term', field: 'files.name', value: '*.dll', phrase: false, glob: '*.dll' });
    assert.deepEqual(parseLucene('name:a?c'), { t: 'term', field: 'name', value: 'a?c', phrase: false, glob: 'a?c' });
    assert.deepEqual(parseLucene('name:a\\*b'), { t: 'term', field: 'name', value: 'a*b', phrase: false });
    assert.deepEqual(parseLucene('name:a\\*b*'), { t: 'term', field: 'name', value: 'a*b*', phrase: false, glob: 'a[*]b*' });
  });

  it('reads field:* as exists and *:* / * / empty as match-all', () => {
    assert.deepEqual(parseLucene('owner:*'), { t: 'exists', field: 'owner' });
    assert.deepEqual(parseLucene('*:*'), { t: 'all' });
    assert.deepEqual(parseLucene('*'), { t: 'all' });
    assert.deepEqual(parseLucene('   '), { t: 'all' });
  });

  it('reads inclusive, exclusive, open and mixed ranges', () => {
    assert.deepEqual(parseLucene('max_score:[500 TO *]'), { t: 'range', field: 'max_score', lo: '500', hi: null, loInc: true, hiInc: true });
    assert.deepEqual(parseLucene('max_score:{1 TO 5}'), { t: 'range', field: 'max_score', lo: '1', hi: '5', loInc: false, hiInc: false });
    assert.deepEqual(parseLucene('x:[1 TO 5}'), { t: 'range', field: 'x', lo: '1', hi: '5', loInc: true, hiInc: false });
    assert.deepEqual(parseLucene('ts:[now-1d TO now]'), { t: 'range', field: 'ts', lo: 'now-1d', hi: 'now', loInc: true, hiInc: true });
    assert.deepEqual(parseLucene('ts:[2024-01-01T00:00:00Z TO *]'), { t: 'range', field: 'ts', lo: '2024-01-01T00:00:00Z', hi: null, loInc: true, hiInc: true });
  });

  it('reads comparisons', () => {
    assert.deepEqual(parseLucene('max_score:>=500'), { t: 'range', field: 'max_score', lo: '500', hi: null, loInc: true, hiInc: false });
    assert.deepEqual(parseLucene('max_score:<10'), { t: 'range', field: 'max_score', lo: null, hi: '10', loInc: false, hiInc: false });
    assert.deepEqual(parseLucene('ts:>now-1d/d'), { t: 'range', field: 'ts', lo: 'now-1d/d', hi: null, loInc: false, hiInc: false });
  });

  it('reads regular expressions with escaped slashes', () => {
    assert.deepEqual(parseLucene('name:/ev[a-z]+\\/x/'), { t: 'regex', field: 'name', pattern: 'ev[a-z]+/x' });
  });

  it('binds AND tighter than OR, NOT and ! as negation, and groups with parentheses', () => {
    const t = parseLucene('a:1 OR b:2 AND NOT c:3');
    assert.deepEqual(t, {
      t: 'or',
      items: [
        { t: 'term', field: 'a', value: '1', phrase: false },
        { t: 'and', items: [{ t: 'term', field: 'b', value: '2', phrase: false }, { t: 'not', item: { t: 'term', field: 'c', value: '3', phrase: false } }] },
      ],
    });
    const g = parseLucene('(a:1 OR b:2) && !c:3');
    assert.equal(g.t, 'and');
    assert.deepEqual(parseLucene('a:1 || b:2').t, 'or');
  });

  it('uses OR between side-by-side clauses, + for required and - for excluded', () => {
    assert.deepEqual(parseLucene('a:1 b:2'), { t: 'or', items: [{ t: 'term', field: 'a', value: '1', phrase: false }, { t: 'term', field: 'b', value: '2', phrase: false }] });
    assert.deepEqual(parseLucene('+a:1 -b:2 c:3'), {
      t: 'and',
      items: [{ t: 'term', field: 'a', value: '1', phrase: false }, { t: 'not', item: { t: 'term', field: 'b', value: '2', phrase: false } }],
    });
    assert.deepEqual(parseLucene('-state:completed'), { t: 'not', item: { t: 'term', field: 'state', value: 'completed', phrase: false } });
  });

  it('applies a field to a parenthesised group', () => {
    assert.deepEqual(parseLucene('state:(completed OR failed)'), {
      t: 'or',
      items: [{ t: 'term', field: 'state', value: 'completed', phrase: false }, { t: 'term', field: 'state', value: 'failed', phrase: false }],
    });
  });

  it('reads bare terms and escaped special characters', () => {
    assert.deepEqual(parseLucene('evil.exe'), { t: 'term', field: null, value: 'evil.exe', phrase: false });
    assert.deepEqual(parseLucene('uri:http\\:\\/\\/x.com'), { t: 'term', field: 'uri', value: 'http://x.com', phrase: false });
    assert.deepEqual(parseLucene('x:a\\-b'), { t: 'term', field: 'x', value: 'a-b', phrase: false });
  });

  it('ignores boosts and fuzziness', () => {
    assert.deepEqual(parseLucene('a:b^2'), { t: 'term', field: 'a', value: 'b', phrase: false });
  });

  it('refuses malformed queries with a position', () => {
    for (const q of ['a:(b', 'a:[1 TO', 'a:"open', '(a:b', 'a:b)', 'a:/x', ':x', 'a:[1 2]', 'a:\\']) {
      assert.throws(() => parseLucene(q), LuceneSyntaxError, q);
    }
    assert.throws(() => parseLucene('('.repeat(100) + 'a:b' + ')'.repeat(100)), /nested too deeply/);
  });
});

describe('date math', () => {
  const now = Date.parse('2024-05-15T13:45:30.250Z');
  it('adds, subtracts and rounds', () => {
    assert.equal(resolveDateMath('now', false, now), '2024-05-15T13:45:30.250000Z');
    assert.equal(resolveDateMath('now-1d', false, now), '2024-05-14T13:45:30.250000Z');
    assert.equal(resolveDateMath('now/d', false, now), '2024-05-15T00:00:00.000000Z');
    assert.equal(resolveDateMath('now/d', true, now), '2024-05-15T23:59:59.999000Z');
    assert.equal(resolveDateMath('now-1M/M', false, now), '2024-04-01T00:00:00.000000Z');
    assert.equal(resolveDateMath('now+2h', false, now), '2024-05-15T15:45:30.250000Z');
    assert.equal(resolveDateMath('2024-01-31||+1d', false, now), '2024-02-01T00:00:00.000000Z');
    assert.equal(resolveDateMath('2024-01-31', true, now), '2024-01-31T23:59:59.999000Z');
    assert.equal(resolveDateMath('nonsense', false, now), null);
    assert.equal(resolveDateMath('now-1x', false, now), null);
    assert.equal(durationMs('1d'), 86_400_000);
    assert.equal(durationMs('bad'), null);
  });
});

describe('translation to filters', () => {
  it('types values by field: integers, dates, booleans, text', () => {
    assert.deepEqual(queryFilter(sub, 'max_score:[500 TO *] AND params.submitter:alice'), {
      op: 'and',
      items: [{ op: 'range', field: 'max_score', gte: 500 }, { op: 'eq', field: 'params.submitter', value: 'alice' }],
    });
    assert.deepEqual(queryFilter(sub, 'file_count:2'), { op: 'eq', field: 'file_count', value: 2 });
    assert.deepEqual(queryFilter(sub, 'archived:true'), { op: 'eq', field: 'archived', value: true });
    assert.deepEqual(queryFilter(sub, 'params.description:Hello'), { op: 'like', field: 'params.description', pattern: '*[^a-z0-9]hello[^a-z0-9]*', words: true });
    const d = queryFilter(sub, 'times.submitted:[2024-01-01 TO 2024-01-31]') as any;
    assert.deepEqual(d, { op: 'range', field: 'times.submitted', gte: '2024-01-01T00:00:00.000000Z', lte: '2024-01-31T23:59:59.999000Z' });
    const e = queryFilter(sub, 'times.submitted:{2024-01-01 TO *}') as any;
    assert.equal(e.gt, '2024-01-01T23:59:59.999000Z', 'an exclusive lower date bound rounds up');
  });

  it('expands bare terms over the default text fields', () => {
    const f = queryFilter(sub, 'alice') as any;
    assert.equal(f.op, 'or');
    assert.deepEqual(f.items.map((i: any) => i.field), sub.textFields);
  });

  it('maps nested result paths onto the tag and heuristic fields', () => {
    assert.deepEqual(queryFilter(res, 'result.sections.tags.network.static.domain:evil.com'), { op: 'eq', field: 'result.sections.tags.network.static.domain', value: 'evil.com' });
    assert.deepEqual(queryFilter(res, 'result.sections.heuristic.heur_id:EXTRACT.1'), { op: 'eq', field: 'result.sections.heuristic.heur_id', value: 'EXTRACT.1' });
  });

  it('raises SearchException for bad values, fields and syntax', () => {
    const bad = (q: string, re: RegExp) =>
      assert.throws(() => queryFilter(sub, q), (e: unknown) => e instanceof AssayError && e.status === 400 && re.test(e.message), q);
    bad('max_score:abc', /^SearchException: failed to create query/);
    bad('times.submitted:[yesterday TO now]', /^SearchException: failed to parse date/);
    bad('a:(b', /^SearchException: Failed to parse query/);
    bad('name:/(a+)+b/', /^SearchException: regular expression refused/);
    bad('name:/[/', /^SearchException: invalid regular expression/);
    assert.throws(() => queryFilter(searchIndex('user')!, 'password:*'), /not a valid field/);
  });
});
