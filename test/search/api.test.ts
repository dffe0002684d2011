// The search API through a real server, with the Python client's exact requests: POST search with
// `use_archive: ""`, the stream loop with `rows: "100"` and deep paging ids, facets with repeated filters;
// plus roles per index and what non-administrators may see.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pythonClientSession } from '../helpers/raw.js';
import { ADMIN_APIKEY, adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';
import { isoDate } from '../../src/core/util/time.js';

const hex = (i: number) => i.toString(16).padStart(64, '0');
const N = 250;

function submission(i: number) {
  return {
    sid: `sub${String(i).padStart(4, '0')}`,
    state: i % 5 ? 'completed' : 'submitted',
    max_score: i * 4,
    classification: 'TLP:C',
    times: { submitted: isoDate(Date.now() - i * 60_000), completed: isoDate(Date.now() - i * 60_000 + 5000) },
    params: { submitter: i % 2 ? 'alice' : 'bob', groups: [i % 2 ? 'RED' : 'BLUE'], description: `Sample ${i}`, classification: 'TLP:C' },
    files: [{ name: `sample${i}.bin`, sha256: hex(i), size: 100 + i }],
    results: [],
    errors: [],
    metadata: { source: i % 3 ? 'sensor' : 'mail' },
    file_count: 1 + (i % 3),
    error_count: 0,
  };
}

describe('search API', () => {
  let s: TestServer;
  let client: Awaited<ReturnType<typeof pythonClientSession>>;
  const headersOf: Record<string, Record<string, string>> = {};

  before(async () => {
    s = await startTestServer();
    const ds = s.storage.datastore;
    await ds.collection('submission').putMany(Array.from({ length: N }, (_, i) => [submission(i).sid, submission(i)]));
    await ds.collection('result').put(`${hex(1)}.Extract.v1.c0`, {
      sha256: hex(1),
      created: isoDate(),
      classification: 'TLP:C',
      response: { service_name: 'Extract', service_version: '1' },
      result: { score: 10, sections: [{ title_text: 'Net', tags: { network: { static: { domain: ['evil.example'] } } }, heuristic: { heur_id: 'EXTRACT.1', name: 'h', attack: [], signature: [] } }] },
    });
    for (const [uname, type, groups] of [['carol', 'user', ['RED']], ['sam', 'submitter', ['RED']]] as const) {
      await s.ctx.accounts.createUser({ uname, password: null as never, name: uname, type: [type], groups: [...groups] } as never);
      const key = await s.ctx.accounts.createApikey({ uname, keyName: 'k', acl: type === 'submitter' ? ['W'] : ['R', 'W'] });
      headersOf[uname] = { 'x-user': uname, 'x-apikey': key.keypassword };
    }
    client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
  });
  after(() => s.stop());

  it('answers the client\'s POST search (use_archive "", track_total_hits, fl, filters)', async () => {
    const r = await client.postJson('/api/v4/search/submission/', { fl: 'sid', offset: 0, rows: 25, filters: ['state:completed'], query: 'id:*', use_archive: '', track_total_hits: 100 });
    assert.equal(r.status, 200, r.raw.toString());
    const body = r.body.api_response;
    assert.deepEqual(Object.keys(body).sort(), ['items', 'offset', 'rows', 'total']);
    assert.equal(body.total, 100, 'the total stops at track_total_hits');
    assert.equal(body.items.length, 25);
    assert.deepEqual(Object.keys(body.items[0]).sort(), ['id', 'sid']);
    assert.equal(body.items[0].sid, 'sub0001', 'newest first by default');
    const all = await client.postJson('/api/v4/search/submission/', { query: 'file_count:[2 TO *]', rows: 1 });
    assert.equal(all.body.api_response.total, 166);
    const hit = all.body.api_response.items[0];
    assert.ok(hit.params.submitter && hit.times.submitted && hit.max_score !== undefined, 'stored fields by default');
    assert.equal(hit.metadata, undefined, 'metadata is not a stored field');
    const one = await client.postJson('/api/v4/search/submission/', { query: 'id:sub0007', fl: '*' });
    assert.equal(one.body.api_response.items[0].metadata.source, 'sensor');
  });

  it('streams with rows "100" and deep paging until a short page', async () => {
    const seen = new Set<string>();
    let id = '*';
    let pages = 0;
    for (;;) {
      const r = await client.postJson('/api/v4/search/submission/', { query: 'params.submitter:alice OR params.submitter:bob', rows: '100', deep_paging_id: id, fl: 'sid' });
      assert.equal(r.status, 200, r.raw.toString());
      const page = r.body.api_response;
      pages++;
      for (const item of page.items) seen.add(item.sid);
      if (page.items.length < 100) {
        assert.equal(page.next_deep_paging_id, undefined);
        break;
      }
      assert.ok(page.next_deep_paging_id, 'a full page carries the next id');
      id = page.next_deep_paging_id;
      assert.ok(pages < 10);
    }
    assert.equal(pages, 3);
    assert.equal(seen.size, N);
  });

  it('takes GET query arguments as well', async () => {
    const r = await client.get('/api/v4/search/submission/?query=params.submitter%3Aalice&rows=5&offset=5&sort=max_score%20asc&fl=sid,max_score');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.api_response.items.map((i: any) => i.max_score), [44, 52, 60, 68, 76]);
    assert.equal(r.body.api_response.total, 125);
    const tags = await client.get('/api/v4/search/result/?query=result.sections.tags.network.static.domain%3Aevil.example');
    assert.equal(tags.body.api_response.total, 1);
    const files = await client.get(`/api/v4/search/submission/?query=files.sha256%3A${hex(3)}&fl=sid`);
    assert.deepEqual(files.body.api_response.items, [{ sid: 'sub0003', id: 'sub0003' }]);
    const meta = await client.get('/api/v4/search/submission/?query=metadata.source%3Amail&rows=0');
    assert.equal(meta.body.api_response.total, 84);
  });

  it('facets with repeated filters, histograms, stats, grouped and fields', async () => {
    const f = await client.get('/api/v4/search/facet/submission/params.submitter/?query=id%3A%2A&mincount=1&size=10&filters=state%3Acompleted&filters=file_count%3A1');
    assert.equal(f.status, 200, f.raw.toString());
    assert.deepEqual(f.body.api_response, { alice: 34, bob: 33 });
    const h = await client.get('/api/v4/search/histogram/submission/max_score/?start=0&end=999&gap=250&mincount=0');
    assert.deepEqual(h.body.api_response, { 0: 63, 250: 62, 500: 63, 750: 62 });
    const dh = await client.get('/api/v4/search/histogram/submission/times.submitted/?start=now-1d&end=now&gap=%2B1h');
    assert.equal(Object.values(dh.body.api_response as Record<string, number>).reduce((a, b) => a + b, 0), N);
    const st = await client.get('/api/v4/search/stats/submission/max_score/?query=params.submitter%3Abob');
    assert.deepEqual(st.body.api_response, { count: 125, min: 0, max: 992, avg: 496, sum: 62000 });
    const g = await client.get('/api/v4/search/grouped/submission/params.submitter/?fl=sid&limit=2&rows=5');
    assert.deepEqual(g.body.api_response.items.map((x: any) => [x.value, x.total, x.items.length]), [['bob', 125, 2], ['alice', 125, 2]]);
    assert.equal(g.body.api_response.total, N);
    const fl = await client.get('/api/v4/search/fields/submission/');
    assert.deepEqual(fl.body.api_response['params.submitter'], { default: true, indexed: true, list: false, stored: true, type: 'keyword' });
    const every = await client.get('/api/v4/search/fields/ALL/');
    assert.ok(['alert', 'submission', 'result', 'workflow', 'user'].every((i) => i in every.body.api_response));
  });

  it('refuses bad queries, missing queries, unknown indices and fields with the Assemblyline messages', async () => {
    const bad = await client.postJson('/api/v4/search/submission/', { query: 'max_score:[1 TO' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.api_error_message, /^SearchException: /);
    const none = await client.postJson('/api/v4/search/submission/', { rows: 1 });
    assert.equal(none.status, 400);
    assert.equal(none.body.api_error_message, 'There was no search query.');
    const idx = await client.get('/api/v4/search/nope/?query=*');
    assert.equal(idx.status, 400);
    assert.equal(idx.body.api_error_message, 'Not a valid index to search in: nope');
    const field = await client.get('/api/v4/search/facet/submission/nope/');
    assert.equal(field.status, 400);
    assert.equal(field.body.api_error_message, "SearchException: Field 'nope' is not a valid field in index: submission");
    const sort = await client.get('/api/v4/search/submission/?query=*&sort=nope%20asc');
    assert.equal(sort.status, 400);
  });

  it('checks the role of each index and filters what non-administrators see', async () => {
    const carol = headersOf.carol!;
    const mine = await call(s.url, '/api/v4/search/submission/?query=id:*&rows=500&fl=params.groups', { headers: carol });
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.body.api_response.total, 125);
    assert.ok(mine.body.api_response.items.every((i: any) => i.params.groups.includes('RED')));
    const facet = await call(s.url, '/api/v4/search/facet/submission/params.submitter/', { headers: carol });
    assert.deepEqual(facet.body.api_response, { alice: 125 });
    const stream = await call(s.url, '/api/v4/search/submission/', { method: 'POST', headers: carol, json: { query: 'id:*', rows: '100', deep_paging_id: '*' } });
    assert.equal(stream.body.api_response.items.length, 100);
    const users = await call(s.url, '/api/v4/search/user/?query=*', { headers: carol });
    assert.equal(users.status, 403);
    assert.equal(users.body.api_error_message, "Access Denied (/api/v4/search/user/) [API /api/v4/search/user/ requires the role 'administration' for request on index 'user']");
    const sam = await call(s.url, '/api/v4/search/submission/?query=*', { headers: headersOf.sam! });
    assert.equal(sam.status, 403);
    assert.match(sam.body.api_error_message, /requires the role 'submission_view'/);
    const admin = await call(s.url, '/api/v4/search/user/?query=*&fl=*', { headers: adminHeaders });
    assert.equal(admin.status, 200);
    assert.ok(admin.body.api_response.items.length >= 3);
    assert.ok(admin.body.api_response.items.every((u: any) => u.password === undefined), 'secrets never leave');
    const keys = await call(s.url, '/api/v4/search/apikey/?query=*', { headers: adminHeaders });
    assert.ok(keys.body.api_response.items.every((k: any) => k.password === undefined));
  });
});
