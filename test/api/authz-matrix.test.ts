// The authorization matrix, generated from the server's own route table: every API route × {anonymous, a user
// without the route's role, an administrator}, and every route reading one submission, file, result or alert ×
// a user of another group (by id and through search). A route added later is checked without being listed
// here; one added without a role check fails until it is put on the short list of routes open to any user.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { routeTable, type RouteEntry } from '../../src/api/route-table.js';
import { ROLES } from '../../src/core/auth/roles.js';
import { allIndices } from '../../src/core/search/indices.js';
import { apiRoutes, assertEnvelope, concrete, evilZip, keyFor, principal, type Headers } from '../helpers/authz.js';
import { fixtureService } from '../fixtures/services/index.js';
import { ROOT } from '../helpers/cli.js';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../helpers/server.js';

const key = (r: RouteEntry) => `${r.method} ${r.url}`;
/** Reachable without signing in. */
const ANONYMOUS = ['POST /api/v4/auth/login/', 'GET /api/v4/auth/login/', 'GET /api/v4/help/tos/'];
/** Open to any signed-in user: about the caller (checked in the handler), the configuration, or search (per index). */
const ANY_USER = [
  'GET /api/', 'GET /api/v4/auth/logout/', 'GET /api/v4/user/whoami/', 'GET /api/v4/user/:username/', 'GET /api/v4/user/settings/:username/',
  'GET /api/v4/user/submission_params/:username/:profile/', 'GET /api/v4/service/all/', 'GET /api/v4/help/configuration/',
  'GET /api/v4/help/classification_definition/', 'GET /api/v4/help/constants/', 'GET /api/v4/search/:index/', 'POST /api/v4/search/:index/',
  'GET /api/v4/search/facet/:index/:field/', 'GET /api/v4/search/histogram/:index/:field/', 'GET /api/v4/search/stats/:index/:field/',
  'GET /api/v4/search/grouped/:index/:field/', 'GET /api/v4/search/fields/:index/',
];
const WITH_BODY = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
const send = (s: TestServer, r: { method: string }, path: string, headers: Headers) =>
  call(s.url, path, { method: r.method, headers, ...(WITH_BODY.has(r.method) ? { json: {} } : {}) });

describe('authorization matrix, from the route table', () => {
  let s: TestServer;
  let routes: RouteEntry[];
  let checked = 0;

  before(async () => {
    s = await startTestServer();
    routes = apiRoutes(routeTable(s.app));
  });
  after(async () => {
    await s.stop();
    console.log(`# authorization matrix: ${routes.length} routes, ${checked} route × principal checks`);
  });

  it('has every API route declare who may call it; only the listed ones are open', () => {
    assert.ok(routes.length > 100, `only ${routes.length} routes recorded`);
    for (const r of routes) assert.ok(r.auth, `${key(r)} declares no auth config`);
    assert.deepEqual(routes.filter((r) => r.auth!.anonymous).map(key).sort(), [...ANONYMOUS].sort());
    const open = routes.filter((r) => !r.auth!.anonymous && r.auth!.roles.length === 0).map(key);
    for (const k of open) assert.ok(ANY_USER.includes(k), `${k} needs no role: give it one, or add it to ANY_USER with the reason`);
    for (const k of ANY_USER) assert.ok(open.includes(k), `${k} is listed as open to any user but is not (update the list)`);
  });

  it('answers 401 in the envelope to anonymous callers on every other route', async () => {
    for (const r of routes.filter((r) => !r.auth!.anonymous)) {
      const path = concrete(r.url);
      const res = await send(s, r, path, {});
      assertEnvelope(res, 401, `anonymous ${r.method} ${path}`);
      assert.equal(res.body.api_response.allow_userpass_login, true);
      checked++;
    }
  });

  it("answers 403 in the envelope to a caller without the route's role", async () => {
    const keys = new Map<string, Headers>();
    await principal(s, 'lacking', ['LACKING']);
    for (const r of routes.filter((r) => r.auth!.roles.length)) {
      const roles = r.auth!.roles;
      const id = [...roles].sort().join(',');
      if (!keys.has(id)) keys.set(id, await keyFor(s, 'lacking', ROLES.filter((x) => x !== 'administration' && !roles.includes(x))));
      const path = concrete(r.url);
      const res = await send(s, r, path, keys.get(id)!);
      assertEnvelope(res, 403, `${r.method} ${path} without ${id}`);
      assert.equal(res.body.api_error_message, `Access Denied (${path}) [API ${path} requires one of the following roles: ${roles.join(', ')}]`);
      checked++;
    }
  });

  it("checks the role of each search index, on every search route", async () => {
    const searches = routes.filter((r) => r.url.startsWith('/api/v4/search/'));
    assert.equal(searches.length, 7);
    for (const index of allIndices()) {
      const headers = await keyFor(s, 'lacking', ROLES.filter((x) => x !== 'administration' && x !== index.role));
      for (const r of searches) {
        const path = `${concrete(r.url, { index: index.name })}?query=*`;
        const res = await send(s, r, path, headers);
        assertEnvelope(res, 403, `${r.method} ${path} without ${index.role}`);
        checked++;
      }
    }
  });

  it("refuses another user's account data to anyone but an administrator", async () => {
    const headers = await principal(s, 'nosy', ['NOSY']);
    for (const r of routes.filter((r) => /:(username|uname)\b/.test(r.url) && !r.auth!.roles.includes('administration'))) {
      const path = concrete(r.url, { username: 'admin', uname: 'admin' });
      // Assemblyline refuses some of these as a bad request rather than a denial; either way nothing is served.
      const res = await send(s, r, path, headers);
      assert.ok([400, 403].includes(res.status), `${r.method} ${path}: ${res.status}`);
      assert.equal(res.body.api_status_code, res.status);
      checked++;
    }
  });

  it('never refuses an administrator (missing records are 404, bad input 400)', async () => {
    for (const r of routes.filter((r) => !r.auth!.anonymous)) {
      const path = concrete(r.url);
      const res = await send(s, r, path, adminHeaders);
      assert.ok(![401, 403].includes(res.status), `admin ${r.method} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
      checked++;
    }
  });
});

describe('a user of another group, by id and through search', () => {
  let s: TestServer;
  let alice: Headers, rita: Headers, bob: Headers;
  let sid = '', bobSid = '', root = '', child = '', alertId = '';
  let resultKeys: string[] = [];
  let slow = '';

  before(async () => {
    slow = mkdtempSync(join(tmpdir(), 'assay-authz-services-'));
    writeFileSync(join(slow, 'slow.ts'), `export * from ${JSON.stringify(pathToFileURL(fixtureService('slow-service')).href)};\n`);
    s = await startTestServer({ config: { services: { builtin: false, paths: [join(ROOT, 'test', 'fixtures', 'pipeline'), slow], workers: 2 } } });
    alice = await principal(s, 'alice', ['RED']);
    rita = await principal(s, 'rita', ['RED']);
    bob = await principal(s, 'bob', ['BLUE']);
    const zip = await evilZip('red');
    const ing = await call(s.url, '/api/v4/ingest/', {
      method: 'POST', headers: alice, json: { name: 'bundle.zip', base64: zip.toString('base64'), generate_alert: true, metadata: { team: 'red' } },
    });
    assert.equal(ing.status, 200, ing.text);
    sid = alertId = ing.body.api_response.ingest_id;
    const sub = await call(s.url, '/api/v4/submit/', { method: 'POST', headers: bob, json: { name: 'blue.txt', plaintext: 'blue team notes' } });
    assert.equal(sub.status, 200, sub.text);
    bobSid = sub.body.api_response.sid;
    for (const id of [sid, bobSid]) assert.equal((await waitForSubmission(s.url, id, 60_000))?.state, 'completed', id);
    for (let i = 0; i < 100 && (await call(s.url, `/api/v4/alert/${alertId}/`, { headers: adminHeaders })).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    const full = (await call(s.url, `/api/v4/submission/full/${sid}/`, { headers: adminHeaders })).body.api_response;
    root = Object.keys(full.file_tree)[0]!;
    child = Object.keys(full.file_tree[root].children)[0]!;
    resultKeys = Object.keys(full.results);
    assert.ok(root && child && resultKeys.some((k) => k.startsWith(child)), 'the zip was analysed and its member extracted');
  });
  after(async () => {
    await s.stop();
    rmSync(slow, { recursive: true, force: true });
  });

  /** Every route that reads (or acts on) one of alice's records by id, with Assemblyline's answer to an outsider. */
  const byId = (): Array<[string, string, number, unknown?]> => [
    ...['', 'full/', 'summary/', 'tree/', 'is_completed/', 'report/'].map((p): [string, string, number] => ['GET', p === '' ? `/api/v4/submission/${sid}/` : `/api/v4/submission/${p}${sid}/`, 403]),
    ['GET', `/api/v4/submission/${sid}/file/${child}/`, 403],
    ['POST', `/api/v4/submission/${sid}/file/${child}/`, 403, {}],
    ...[root, child].flatMap((sha): Array<[string, string, number]> => [
      ...['info', 'download', 'ascii', 'hex', 'strings', 'children', 'result', 'score'].map((v): [string, string, number] => ['GET', `/api/v4/file/${v}/${sha}/`, 403]),
      ['GET', `/api/v4/file/result/${sha}/Scorer/`, 403],
      ['GET', `/api/v4/ontology/file/${sha}/`, 403],
    ]),
    ...resultKeys.map((k): [string, string, number] => ['GET', `/api/v4/result/${k}/`, 403]),
    ['GET', `/api/v4/alert/${alertId}/`, 403],
    ['GET', `/api/v4/ontology/alert/${alertId}/`, 403],
    ['GET', `/api/v4/ontology/submission/${sid}/`, 403],
    ['GET', `/api/v4/live/setup_watch_queue/${sid}/`, 403],
    ['GET', `/api/v4/live/outstanding_services/${sid}/`, 403],
    ['POST', `/api/v4/alert/label/${alertId}/`, 403, ['BLUE']],
    ['POST', `/api/v4/alert/priority/${alertId}/`, 403, 'HIGH'],
    ['POST', `/api/v4/alert/status/${alertId}/`, 403, 'MALICIOUS'],
    ['GET', `/api/v4/alert/ownership/${alertId}/`, 403],
    ['PUT', `/api/v4/alert/verdict/${alertId}/malicious/`, 403],
    ['PUT', `/api/v4/submission/verdict/${sid}/malicious/`, 403],
    ['GET', `/api/v4/submit/resubmit/${sid}/`, 403],
    // A file one may not see is not one's to learn about: it is answered as unknown.
    ['GET', `/api/v4/submit/dynamic/${child}/`, 404],
    ['POST', '/api/v4/submit/', 404, { sha256: child }],
    ['POST', '/api/v4/ingest/', 404, { sha256: root }],
    ['DELETE', `/api/v4/submission/${sid}/`, 403],
  ];
  const run = (headers: Headers, [method, path, , json]: [string, string, number, unknown?]) => call(s.url, path, { method, headers, ...(json !== undefined ? { json } : {}) });

  it('lets a member of the same group read every one of them', async () => {
    for (const route of byId().filter(([m, p]) => m === 'GET' && !/live|submit|ownership/.test(p))) {
      const r = await run(rita, route);
      assert.equal(r.status, 200, `rita ${route[1]}: ${r.text.slice(0, 200)}`);
    }
  });

  it('refuses each of them to a user of another group, as Assemblyline does', async () => {
    for (const route of byId()) {
      const r = await run(bob, route);
      assertEnvelope(r, route[2], `bob ${route[0]} ${route[1]}`);
    }
    const many = await call(s.url, '/api/v4/result/multiple_keys/', { method: 'POST', headers: bob, json: { result: resultKeys, error: [] } });
    assert.deepEqual(many.body.api_response, { error: {}, result: {} });
    assert.equal((await call(s.url, `/api/v4/submission/${sid}/`, { headers: adminHeaders })).body.api_response.verdict.malicious.length, 0);
  });

  it('lets a group member follow a running analysis and read its results as they arrive, and no one else', async () => {
    // The zip's extraction stage reports first; its analysis stage then sleeps, while the result is readable.
    const zip = (await evilZip('slow')).toString('base64');
    const sub = await call(s.url, '/api/v4/submit/', {
      method: 'POST', headers: alice, json: { name: 'slow.zip', base64: zip, params: { service_spec: { SlowService: { sleepMs: 3000 } } } },
    });
    const running = sub.body.api_response.sid;
    assertEnvelope(await call(s.url, `/api/v4/live/setup_watch_queue/${running}/`, { headers: bob }), 403, 'bob watches');
    const wq = (await call(s.url, `/api/v4/live/setup_watch_queue/${running}/`, { headers: rita })).body.api_response.wq_id;
    let key: string | undefined;
    for (let i = 0; i < 100 && !key; i++) {
      const msgs = (await call(s.url, `/api/v4/live/get_message_list/${wq}/`, { headers: rita })).body.api_response as Array<{ type: string; msg: string }>;
      key = msgs.find((m) => m.type === 'cachekey')?.msg;
      if (!key) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(key, 'a result key arrived');
    assert.equal((await call(s.url, `/api/v4/submission/${running}/`, { headers: adminHeaders })).body.api_response.state, 'submitted', 'still running');
    assert.equal((await call(s.url, `/api/v4/result/${key}/`, { headers: rita })).status, 200);
    assertEnvelope(await call(s.url, `/api/v4/result/${key}/`, { headers: bob }), 403, 'bob reads a running result');
    assert.equal((await waitForSubmission(s.url, running, 30_000))?.state, 'completed');
  });

  /** Ids of the records a search returns, and the ids of alice's records in that index. */
  const ids = async (headers: Headers, index: string) => {
    const r = await call(s.url, `/api/v4/search/${index}/?query=*&rows=1000&fl=id`, { headers });
    assert.equal(r.status, 200, r.text);
    return { total: r.body.api_response.total as number, ids: (r.body.api_response.items as Array<{ id: string }>).map((i) => i.id) };
  };
  const alices = () => ({ submission: [sid], file: [root, child], result: resultKeys, alert: [alertId] }) as Record<string, string[]>;
  const AGG: Record<string, { facet: string; histogram: string; stats: string; grouped: string }> = {
    submission: { facet: 'params.submitter', histogram: 'times.submitted', stats: 'max_score', grouped: 'params.submitter' },
    file: { facet: 'sha256', histogram: 'seen.last', stats: 'size', grouped: 'sha256' },
    result: { facet: 'sha256', histogram: 'created', stats: 'result.score', grouped: 'sha256' },
    alert: { facet: 'file.sha256', histogram: 'reporting_ts', stats: 'al.score', grouped: 'file.sha256' },
  };

  it('finds none of them for a user of another group through search and its aggregations', async () => {
    for (const [index, agg] of Object.entries(AGG)) {
      const theirs = alices()[index]!;
      const member = await ids(rita, index);
      for (const id of theirs) assert.ok(member.ids.includes(id), `rita finds ${index} ${id}`);
      const outsider = await ids(bob, index);
      assert.deepEqual(outsider.ids.filter((id) => theirs.includes(id)), [], `bob finds alice's ${index} records`);
      if (index !== 'alert') assert.ok(outsider.total > 0, `bob finds his own ${index} records`);
      const q = (kind: string, field: string, extra = '') => call(s.url, `/api/v4/search/${kind}/${index}/${field}/?query=*${extra}`, { headers: bob });
      const facet = await q('facet', agg.facet);
      assert.equal(facet.status, 200, facet.text);
      assert.ok(!Object.keys(facet.body.api_response).some((v) => theirs.includes(v) || v === 'alice' || root === v || child === v), `facet ${index}: ${facet.text}`);
      const hist = await q('histogram', agg.histogram, agg.histogram.endsWith('ts') || /seen|created|times/.test(agg.histogram) ? '&start=now-1d&end=now%2B1d&gap=%2B1h' : '');
      assert.equal(hist.status, 200, hist.text);
      assert.equal(Object.values(hist.body.api_response as Record<string, number>).reduce((a, b) => a + b, 0), outsider.total, `histogram ${index}`);
      const stats = await q('stats', agg.stats);
      assert.equal(stats.status, 200, stats.text);
      assert.equal(stats.body.api_response.count, outsider.total, `stats ${index}`);
      const grouped = await q('grouped', agg.grouped, '&fl=id');
      assert.equal(grouped.status, 200, grouped.text);
      const seen = (grouped.body.api_response.items as Array<{ value: string; items: Array<{ id: string }> }>).flatMap((g) => [g.value, ...g.items.map((i) => i.id)]);
      assert.deepEqual(seen.filter((v) => theirs.includes(v) || v === 'alice' || v === root || v === child), [], `grouped ${index}`);
    }
    const listed = await call(s.url, '/api/v4/alert/list/?rows=100', { headers: bob });
    assert.deepEqual(listed.body.api_response.items, []);
    const grouped = await call(s.url, '/api/v4/alert/grouped/file.sha256/', { headers: bob });
    assert.deepEqual(grouped.body.api_response.items, []);
    const labels = await call(s.url, '/api/v4/alert/statistics/', { headers: bob });
    assert.deepEqual(labels.body.api_response['file.md5'], {});
  });
});
