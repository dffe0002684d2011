// Queries at the parser's limits, found by fuzzing: long chains of negations once overflowed the stack, and
// queries of a thousand clauses parsed but made SQL that SQLite refused, so the search failed as an internal
// error instead of a SearchException.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AssayError } from '../../src/core/errors.js';
import { SearchEngine } from '../../src/core/search/engine.js';
import { searchIndex } from '../../src/core/search/indices.js';
import { LuceneSyntaxError, parseLucene } from '../../src/core/search/lucene.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteDatastore } from '../../src/store/sqlite/sqlite-datastore.js';

const admin = { uname: 'admin', groups: ['ADMIN'], classification: 'TLP:C', isAdmin: true };

describe('Lucene parser limits', () => {
  const db = openSqlite(':memory:');
  const engine = new SearchEngine(new SqliteDatastore(db));
  after(() => db.close());

  it('refuses long chains of negations as too deep instead of overflowing the stack', () => {
    for (const q of ['!'.repeat(19_990) + 'a', 'NOT '.repeat(4990) + 'a', '!'.repeat(65) + 'a']) {
      assert.throws(() => parseLucene(q), (e: unknown) => e instanceof LuceneSyntaxError && /nested too deeply/.test(e.message));
    }
    assert.deepEqual(parseLucene('!!a'), { t: 'not', item: { t: 'not', item: { t: 'term', field: null, value: 'a', phrase: false } } });
  });

  it('refuses more than 512 clauses, and searches with 512 of them', async () => {
    assert.throws(() => parseLucene('a '.repeat(513)), (e: unknown) => e instanceof LuceneSyntaxError && /more than 512 clauses/.test(e.message));
    assert.throws(() => parseLucene('x:(' + 'a '.repeat(600) + ')'), LuceneSyntaxError);
    const index = searchIndex('submission')!;
    for (const q of ['a '.repeat(512), `${'a:1 OR '.repeat(511)}a:1`, `${'NOT ('.repeat(31)}${'a '.repeat(480)}${')'.repeat(31)}`, '!'.repeat(64) + 'a']) {
      const r = await engine.search(index, admin, { query: q, rows: 1 });
      assert.equal(r.total, 0);
    }
  });

  it('answers a query of a thousand clauses with a SearchException', async () => {
    for (const q of ['a '.repeat(1100), '//'.repeat(1458)]) {
      await assert.rejects(engine.search(searchIndex('result')!, admin, { query: q, rows: 1 }), (e: unknown) => e instanceof AssayError && e.status === 400);
    }
  });
});
