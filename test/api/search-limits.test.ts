// Paging arguments of search and list routes are checked, not bent into range, and a query over one of the
// search limits is refused with a message naming the limit and its setting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

describe('search and list limits', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { search: { maxRows: 50, maxOffset: 1000 } } });
  });
  after(() => s.stop());
  const get = (path: string) => call(s.url, path, { headers: adminHeaders });
  const search = (body: unknown, index = 'submission') => call(s.url, `/api/v4/search/${index}/`, { method: 'POST', headers: adminHeaders, json: body });

  it('refuses negative, fractional, absurd and non-numeric rows and offsets on every listing', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/v4/search/submission/?query=*&rows=-5', /^rows must be between 0 and 50 \(search\.maxRows\), not -5$/],
      ['/api/v4/search/submission/?query=*&rows=51', /^rows must be between 0 and 50 \(search\.maxRows\), not 51$/],
      ['/api/v4/search/submission/?query=*&offset=-1', /^offset must be between 0 and 1000 \(search\.maxOffset\)/],
      ['/api/v4/search/submission/?query=*&offset=1e30', /^offset must be an integer/],
      ['/api/v4/search/submission/?query=*&rows=abc', /^rows must be an integer/],
      ['/api/v4/search/submission/?query=*&rows=2.5', /^rows must be an integer/],
      ['/api/v4/search/submission/?query=*&track_total_hits=-3', /^track_total_hits must be between 0/],
      ['/api/v4/search/grouped/submission/params.submitter/?rows=-1', /^rows must be between 0 and 50/],
      ['/api/v4/search/grouped/submission/params.submitter/?limit=0', /^limit must be between 1 and 100/],
      ['/api/v4/search/facet/submission/params.submitter/?size=-1', /^size must be between 1/],
      ['/api/v4/search/histogram/submission/max_score/?mincount=-1', /^mincount must be between 0/],
      ['/api/v4/alert/list/?rows=-5', /^rows must be between 0 and 50 \(search\.maxRows\)/],
      ['/api/v4/alert/list/?offset=99999', /^offset must be between 0 and 1000 \(search\.maxOffset\)/],
      ['/api/v4/alert/grouped/file.sha256/?rows=-5', /^rows must be between 0 and 50/],
      ['/api/v4/submission/list/user/admin/?rows=-5', /^rows must be between 0 and 50 \(search\.maxRows\)/],
      ['/api/v4/submission/list/group/ALL/?offset=-5', /^offset must be between 0 and 1000/],
      ['/api/v4/user/list/?rows=-5', /^rows must be between 0 and 50/],
      ['/api/v4/apikey/list/?offset=-1', /^offset must be between 0 and 1000/],
      ['/api/v4/error/list/?rows=100000', /^rows must be between 0 and 50/],
    ];
    for (const [path, message] of cases) {
      const r = await get(path);
      assert.equal(r.status, 400, `${path}: ${r.text}`);
      assert.match(r.body.api_error_message, message, path);
    }
    for (const body of [{ query: '*', rows: -5 }, { query: '*', offset: 1e30 }, { query: '*', rows: '-1' }, { query: '*', rows: [] }]) {
      const r = await search(body);
      assert.equal(r.status, 400, JSON.stringify(body));
    }
  });

  it('still takes the Python client paging: rows as text, deep paging, rows 0', async () => {
    assert.equal((await search({ query: '*', rows: '50', deep_paging_id: '*' })).status, 200);
    assert.equal((await search({ query: '*', rows: 0, offset: 1000, track_total_hits: true })).status, 200);
    assert.equal((await get('/api/v4/search/submission/?query=*&rows=10&offset=5&use_archive')).status, 200);
  });

  it('refuses filters and arguments of the wrong type', async () => {
    for (const [body, message] of [
      [{ query: '*', filters: [{ a: 1 }] }, /^filters must be a list of query strings$/],
      [{ query: '*', filters: 5 }, /^filters must be a list of query strings$/],
      [{ query: { a: 1 } }, /^query must be a string$/],
      [{ query: '*', sort: { a: 1 } }, /^sort must be a string$/],
    ] as const) {
      const r = await search(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.api_error_message, message);
    }
  });

  it('names the clause limit for a 20,000-term query, without quoting all of it', async () => {
    const q = Array.from({ length: 20_000 }, (_, i) => `t${i}`).join(' OR ');
    const r = await search({ query: q });
    assert.equal(r.status, 400);
    assert.equal(r.body.api_error_message, 'SearchException: query has more than 512 clauses (terms, phrases, ranges), the limit set by search.maxQueryClauses');
    const fq = await search({ query: '*', filters: Array.from({ length: 600 }, (_, i) => `id:x${i}`) });
    assert.match(fq.body.api_error_message, /more than 512 clauses.*search\.maxQueryClauses/, 'filter queries count towards the same limit');
    assert.equal((await search({ query: Array.from({ length: 500 }, (_, i) => `t${i}`).join(' OR ') })).status, 200);
  });

  it('names the expansion limit when bare terms over many default fields would cost too much to plan', async () => {
    const r = await search({ query: Array.from({ length: 500 }, (_, i) => `t${i}`).join(' OR ') }, 'alert');
    assert.equal(r.status, 400);
    assert.equal(
      r.body.api_error_message,
      'SearchException: query expands to more than 4096 field comparisons (a bare term is searched in each of the 14 default fields of alert), the limit set by search.maxQueryExpansion',
    );
  });

  it('names the nesting and term length limits, and quotes a long malformed query only in part', async () => {
    const deep = await search({ query: '!'.repeat(5000) + 'a' });
    assert.equal(deep.body.api_error_message, 'SearchException: query nested too deeply: more than 64 levels of groups and negations (search.maxQueryDepth)');
    const term = await search({ query: `id:${'a'.repeat(20_000)}` });
    assert.equal(term.body.api_error_message, 'SearchException: a term of the query is 20000 characters long, more than the 10000 allowed (search.maxTermLength)');
    const broken = await search({ query: `(${'a '.repeat(300)}` });
    assert.equal(broken.status, 400);
    assert.match(broken.body.api_error_message, /^SearchException: Failed to parse query \[\(a a .*… \(601 characters\)\]: expected \)/);
  });
});

describe('search limits are configurable', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { search: { maxQueryClauses: 3000, maxQueryLength: 100, maxQueryDepth: 3, maxTermLength: 5 } } });
  });
  after(() => s.stop());
  const search = (query: string, index = 'submission') => call(s.url, `/api/v4/search/${index}/`, { method: 'POST', headers: adminHeaders, json: { query } });

  it('uses the configured limits', async () => {
    assert.match((await search('x'.repeat(101))).body.api_error_message, /query is 101 characters long, more than the 100 allowed \(search\.maxQueryLength\)/);
    assert.match((await search('((((a))))')).body.api_error_message, /more than 3 levels.*search\.maxQueryDepth/);
    assert.match((await search('abcdef')).body.api_error_message, /more than the 5 allowed \(search\.maxTermLength\)/);
  });

  it('holds saved workflow queries to the configured limits', async () => {
    const save = (query: string) => call(s.url, '/api/v4/workflow/', { method: 'PUT', headers: adminHeaders, json: { name: 'w', query, labels: ['x'] } });
    const long = await save(Array.from({ length: 30 }, () => 'a').join(' OR '));
    assert.equal(long.status, 400, long.text);
    assert.match(long.body.api_error_message, /more than the 100 allowed \(search\.maxQueryLength\)/);
    assert.match((await save('((((a))))')).body.api_error_message, /search\.maxQueryDepth/);
    assert.equal((await save('label:a')).status, 200);
  });
});

describe('a raised clause limit still compiles to SQL SQLite accepts', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { search: { maxQueryClauses: 3000 } } });
  });
  after(() => s.stop());

  it('searches 2,500 clauses joined by OR and by AND (SQLite refuses expressions 1000 deep)', async () => {
    for (const op of [' OR ', ' AND ']) {
      const query = Array.from({ length: 2500 }, (_, i) => `id:t${i}`).join(op);
      const r = await call(s.url, '/api/v4/search/alert/', { method: 'POST', headers: adminHeaders, json: { query, rows: 1 } });
      assert.equal(r.status, 200, r.text.slice(0, 300));
    }
  });

  it('saves and runs a workflow whose query needs the raised limit', async () => {
    const query = Array.from({ length: 600 }, (_, i) => `id:t${i}`).join(' OR ');
    const add = await call(s.url, '/api/v4/workflow/', { method: 'PUT', headers: adminHeaders, json: { name: 'many', query, labels: ['x'] } });
    assert.equal(add.status, 200, add.text.slice(0, 300));
    const run = await call(s.url, `/api/v4/workflow/${add.body.api_response.workflow_id}/run/`, { headers: adminHeaders });
    assert.deepEqual(run.body.api_response, { success: true, alerts_changed: 0 });
  });
});
