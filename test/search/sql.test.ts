// Search on the real SQLite datastore: the SQL each query becomes uses the indexes, term tables follow the
// documents through inserts, updates and deletes, keyset pages cover every record exactly once, aggregations.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSqlite, type SqliteHandle } from '../../src/store/sqlite/database.js';
import { SqliteDatastore } from '../../src/store/sqlite/sqlite-datastore.js';
import { compileAfter, compileFilter, compileSort } from '../../src/store/sqlite/sql.js';
import { queryFilter } from '../../src/core/search/translate.js';
import { searchIndex } from '../../src/core/search/indices.js';
import { SearchEngine } from '../../src/core/search/engine.js';
import { facet, histogram, stats, grouped, fieldsOf } from '../../src/core/search/aggregations.js';
import type { Collection } from '../../src/store/datastore.js';
import { isoDate } from '../../src/core/util/time.js';

const admin = { uname: 'admin', groups: ['ADMIN'], classification: 'TLP:C', isAdmin: true };
const hex = (i: number) => i.toString(16).padStart(64, '0');

function submission(i: number) {
  return {
    sid: `s${String(i).padStart(3, '0')}`,
    state: i % 3 ? 'completed' : 'submitted',
    max_score: i * 10,
    classification: 'TLP:C',
    times: { submitted: isoDate(Date.UTC(2024, 0, 1) + i * 3_600_000) },
    params: { submitter: i % 2 ? 'alice' : 'bob', groups: [i % 2 ? 'RED' : 'BLUE'], description: `Batch number ${i}` },
    files: [{ name: `f${i}.exe`, sha256: hex(i), size: i }],
    file_count: i % 4,
    // Every tenth record lacks a score, to page over NULL sort values.
    ...(i % 10 === 0 ? { max_score: null } : {}),
  };
}

function result(i: number, domain: string) {
  return {
    sha256: hex(i),
    created: isoDate(Date.UTC(2024, 0, 1) + i * 60_000),
    response: { service_name: i % 2 ? 'Extract' : 'Characterize', service_version: '1' },
    result: {
      score: i,
      sections: [
        { title_text: 'Network', tags: { network: { static: { domain: [domain, 'common.org'] } } }, heuristic: { heur_id: `EXTRACT.${i % 3}`, name: 'x', attack: [{ attack_id: 'T1027' }], signature: [] } },
        { title_text: 'Ports', tags: { network: { port: [443] } }, heuristic: null },
      ],
    },
  };
}

const plan = (db: SqliteHandle, index: string, q: string) => {
  const idx = searchIndex(index)!;
  const c = compileFilter(queryFilter(idx, q), idx.spec);
  const sql = `SELECT id FROM c_${index} WHERE ${c.sql} ${compileSort(idx.defaultSort)} LIMIT 25`;
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...c.params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
};

describe('search on SQLite', () => {
  let db: SqliteHandle;
  let engine: SearchEngine;
  let results: Collection<Record<string, unknown>>;
  before(async () => {
    db = openSqlite(':memory:');
    const ds = new SqliteDatastore(db);
    engine = new SearchEngine(ds);
    await ds.collection('submission').putMany(Array.from({ length: 250 }, (_, i) => [submission(i).sid, submission(i)]));
    results = ds.collection('result');
    await results.putMany(Array.from({ length: 40 }, (_, i) => [`r${i}`, result(i, `d${i % 4}.example`)]));
  });
  after(() => db.close());

  it('answers indexed fields from their expression indexes and nested values from the term tables', () => {
    assert.match(plan(db, 'submission', 'max_score:[500 TO *] AND params.submitter:alice'), /USING (COVERING )?INDEX ix_submission_(submitter_time_score|params_submitter|max_score)/);
    assert.match(plan(db, 'submission', 'params.submitter:alice'), /USING INDEX ix_submission_(params_submitter|submitter_time_score)/);
    assert.match(plan(db, 'submission', 'id:*'), /USING INDEX ix_submission_times_submitted|SCAN c_submission USING INDEX/);
    assert.match(plan(db, 'submission', 'files.sha256:abc'), /SEARCH t USING PRIMARY KEY \(field=\? AND value=\?\)/);
    assert.match(plan(db, 'result', 'result.sections.tags.network.static.domain:evil.com'), /SEARCH t USING PRIMARY KEY \(field=\? AND value=\?\)/);
    assert.match(plan(db, 'result', 'result.sections.heuristic.heur_id:EXTRACT.1'), /SEARCH t USING PRIMARY KEY/);
    assert.match(plan(db, 'alert', 'owner:bob'), /USING INDEX ix_alert_owner/);
    assert.match(plan(db, 'alert', 'al.score:>=500'), /USING INDEX ix_alert_al_score/);
  });

  it('continues a deep-paged stream with an index range, not a scan', () => {
    const idx = searchIndex('submission')!;
    const c = compileFilter(queryFilter(idx, 'params.submitter:alice'), idx.spec);
    const a = compileAfter(idx.defaultSort, ['2024-01-05T00:00:00.000000Z', 10]);
    const sql = `SELECT id FROM c_submission WHERE ${c.sql} AND ${a.sql} ${compileSort(idx.defaultSort)} LIMIT 100`;
    const detail = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...c.params, ...a.params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    assert.match(detail, /ix_submission_submitter_time_score \(<expr>=\? AND <expr><\?\)/);
    assert.deepEqual(a.tail, { sql: `json_extract(doc, '$.times.submitted') IS NULL`, params: [] });
  });

  it('finds tags, heuristics and files through the term tables, and follows updates and deletes', async () => {
    const idx = searchIndex('result')!;
    const q = (query: string) => engine.search(idx, admin, { query, rows: 100, fl: 'sha256' });
    assert.equal((await q('result.sections.tags.network.static.domain:d1.example')).total, 10);
    assert.equal((await q('result.sections.tags.network.static.domain:common.org')).total, 40);
    assert.equal((await q('result.sections.tags.network.port:443')).total, 40);
    assert.equal((await q('result.sections.tags.network.static.domain:d1*')).total, 10);
    assert.equal((await q('result.sections.heuristic.heur_id:EXTRACT.2')).total, 13);
    assert.equal((await q('result.sections.heuristic.attack.attack_id:T1027 AND response.service_name:Extract')).total, 20);
    assert.equal((await q('result.sections.tags.network.static.domain:*')).total, 40);
    await results.put('r1', result(1, 'moved.example'));
    assert.equal((await q('result.sections.tags.network.static.domain:d1.example')).total, 9);
    assert.deepEqual((await q('result.sections.tags.network.static.domain:moved.example')).items.map((i) => i.id), ['r1']);
    await results.delete('r1');
    assert.equal((await q('result.sections.tags.network.static.domain:moved.example')).total, 0);
    const sub = await engine.search(searchIndex('submission')!, admin, { query: `files.sha256:${hex(7)}`, fl: 'sid' });
    assert.deepEqual(sub.items, [{ sid: 's007', id: 's007' }]);
  });

  it('evaluates each syntax element against records', async () => {
    const idx = searchIndex('submission')!;
    const n = async (query: string) => (await engine.search(idx, admin, { query, rows: 0, trackTotalHits: 100_000 })).total;
    assert.equal(await n('id:*'), 250);
    assert.equal(await n('id:s001 OR id:s002'), 2);
    assert.equal(await n('params.submitter:alice'), 125);
    assert.equal(await n('-params.submitter:alice'), 125);
    assert.equal(await n('max_score:*'), 225);
    assert.equal(await n('NOT max_score:*'), 25, 'records without the field match a negation');
    assert.equal(await n('max_score:[100 TO 200]'), 9, '110..190: the multiples of 100 have no score');
    assert.equal(await n('max_score:{100 TO 200}'), 9);
    assert.equal(await n('max_score:>=2400'), 9);
    assert.equal(await n('max_score:<20'), 1);
    assert.equal(await n('times.submitted:[2024-01-01 TO 2024-01-01]'), 24);
    assert.equal(await n('times.submitted:[2024-01-02T00:00:00Z TO 2024-01-02T05:00:00Z}'), 5);
    assert.equal(await n('times.submitted:<now-1d'), 250);
    assert.equal(await n('times.submitted:>now/d'), 0);
    assert.equal(await n('params.submitter:/al.c./'), 125);
    assert.equal(await n('params.submitter:al?ce'), 125);
    assert.equal(await n('params.description:"number 12"'), 1);
    assert.equal(await n('params.description:BATCH'), 250, 'text fields match regardless of case');
    assert.equal(await n('f12.exe'), 1, 'bare terms search the default fields');
    assert.equal(await n('+params.submitter:alice +state:submitted'), 42);
    assert.equal(await n('params.submitter:alice AND (file_count:1 OR file_count:3)'), 125);
    assert.equal(await n('state:(submitted OR completed) AND -params.groups:RED'), 125);
    assert.equal(await n('files.name:f1*.exe'), 111);
  });

  it('streams every record once with keyset pages, over NULL sort values too', async () => {
    const idx = searchIndex('submission')!;
    for (const sort of [undefined, 'max_score asc', 'max_score desc', 'state asc, max_score desc']) {
      const seen: string[] = [];
      let id = '*';
      for (let page = 0; page < 100; page++) {
        const r = await engine.search(idx, admin, { query: 'id:*', rows: 33, deepPagingId: id, sort, fl: 'sid' });
        assert.equal(r.total, null);
        seen.push(...r.items.map((i) => i.id as string));
        if (!r.next_deep_paging_id) {
          assert.ok(r.items.length < 33);
          break;
        }
        id = r.next_deep_paging_id;
      }
      assert.equal(seen.length, 250, String(sort));
      assert.equal(new Set(seen).size, 250, String(sort));
    }
    await assert.rejects(engine.search(idx, admin, { query: 'id:*', deepPagingId: 'garbage' }), /SearchException: invalid deep_paging_id/);
  });

  it('facets, histograms, stats and groups', async () => {
    const idx = searchIndex('submission')!;
    assert.deepEqual(await facet(engine, idx, admin, 'params.submitter', {}), { alice: 125, bob: 125 });
    assert.deepEqual(await facet(engine, idx, admin, 'params.groups', { query: 'max_score:<100' }), { RED: 5, BLUE: 4 });
    assert.deepEqual(await facet(engine, idx, admin, 'state', { filters: ['params.submitter:alice', 'file_count:1'] }), { completed: 42, submitted: 21 });
    assert.deepEqual(await facet(engine, searchIndex('result')!, admin, 'result.sections.tags.network.static.domain', { size: 2 }), { 'common.org': 39, 'd0.example': 10 });
    assert.deepEqual(await histogram(engine, idx, admin, 'max_score', { start: '0', end: '999', gap: '250' }), { 0: 22, 250: 23, 500: 22, 750: 23 });
    const h = await histogram(engine, idx, admin, 'times.submitted', { start: '2024-01-01T00:00:00Z', end: '2024-01-03T23:00:00Z', gap: '+1d' });
    assert.deepEqual(h, { '2024-01-01T00:00:00.000000Z': 24, '2024-01-02T00:00:00.000000Z': 24, '2024-01-03T00:00:00.000000Z': 24 });
    await assert.rejects(histogram(engine, idx, admin, 'max_score', { gap: '1' }), /more than 100 steps/);
    await assert.rejects(histogram(engine, idx, admin, 'state', {}), /not a date or integer field/);
    assert.deepEqual(await stats(engine, idx, admin, 'file_count', { query: 'params.submitter:bob' }), { count: 125, min: 0, max: 2, avg: 124 / 125, sum: 124 });
    await assert.rejects(facet(engine, idx, admin, 'nope', {}), /Field 'nope' is not a valid field in index: submission/);
    const g = await grouped(engine, idx, admin, 'params.submitter', { fl: 'sid', limit: 2, sort: 'times.submitted desc' });
    assert.equal(g.total, 250);
    assert.deepEqual(g.items.map((x) => [x.value, x.total, x.items.map((i) => i.sid)]), [
      ['alice', 125, ['s249', 's247']],
      ['bob', 125, ['s248', 's246']],
    ]);
    const fields = fieldsOf(idx);
    assert.deepEqual(fields['max_score'], { default: false, indexed: true, list: false, stored: true, type: 'integer' });
    assert.equal(fields['files.sha256']!.list, true);
    assert.equal(fieldsOf(searchIndex('user')!).password, undefined);
  });

  it('limits non-administrators to their own and their groups\' submissions', async () => {
    const idx = searchIndex('submission')!;
    const carol = { uname: 'carol', groups: ['RED'], classification: 'TLP:C', isAdmin: false };
    const r = await engine.search(idx, carol, { query: 'id:*', rows: 500, fl: 'params' });
    assert.equal(r.total, 125);
    assert.ok(r.items.every((i) => (i as any).params.groups.includes('RED')));
    const bob = { uname: 'bob', groups: [], classification: 'TLP:C', isAdmin: false };
    assert.equal((await engine.search(idx, bob, { query: 'id:*', rows: 0 })).total, 125);
    assert.deepEqual(await facet(engine, idx, carol, 'params.submitter', {}), { alice: 125 });
    const nobody = { uname: 'dave', groups: ['GREEN'], classification: 'TLP:C', isAdmin: false };
    assert.equal((await engine.search(idx, nobody, { query: 'id:*' })).total, 0);
  });
});
