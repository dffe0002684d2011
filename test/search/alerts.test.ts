// Alerts through a real server: listing with time windows and filters, grouping, facets, triage one by one and
// in batch; workflows saved through the API that label, prioritise and triage new alerts as the alerter
// creates them, and existing ones on demand.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Alerter } from '../../src/core/alerts/alerter.js';
import { isoDate } from '../../src/core/util/time.js';
import { pythonClientSession } from '../helpers/raw.js';
import { ADMIN_APIKEY, call, startTestServer, type TestServer } from '../helpers/server.js';

const HOUR = 3_600_000;

function alert(i: number) {
  return {
    alert_id: `a${i}`,
    sid: `s${i}`,
    reporting_ts: isoDate(Date.now() - i * HOUR),
    ts: isoDate(Date.now() - i * HOUR),
    al: { score: 500 + i * 100, av: [], attrib: [], behavior: [], domain: i % 2 ? ['evil.example'] : [], ip: [], uri: [], yara: [] },
    file: { sha256: (i % 3).toString(16).padStart(64, '0'), name: `f${i}`, md5: null, sha1: null, size: 1, type: 'unknown' },
    classification: 'TLP:C',
    owner: null,
    priority: null,
    status: null,
    label: [],
    events: [],
    verdict: { malicious: [], non_malicious: [] },
    type: i % 2 ? 'SENSOR' : 'USER',
    heuristic: { name: [] },
    workflows_completed: true,
  };
}

describe('alerts and workflows', () => {
  let s: TestServer;
  let client: Awaited<ReturnType<typeof pythonClientSession>>;
  before(async () => {
    s = await startTestServer();
    await s.storage.datastore.collection('alert').putMany(Array.from({ length: 12 }, (_, i) => [`a${i}`, alert(i)]));
    client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
  });
  after(() => s.stop());

  it('lists alerts newest first, within a time window and filters', async () => {
    const all = await client.get('/api/v4/alert/list/?offset=0&rows=5');
    assert.equal(all.status, 200, all.raw.toString());
    assert.equal(all.body.api_response.total, 12);
    assert.deepEqual(all.body.api_response.items.map((a: any) => a.alert_id), ['a0', 'a1', 'a2', 'a3', 'a4']);
    const day = await client.get('/api/v4/alert/list/?tc=5h&rows=50');
    assert.deepEqual(day.body.api_response.items.map((a: any) => a.alert_id), ['a0', 'a1', 'a2', 'a3', 'a4']);
    const shifted = await client.get(`/api/v4/alert/list/?tc=2h&tc_start=${encodeURIComponent(isoDate(Date.now() - 5 * HOUR + 1000))}&rows=50`);
    assert.deepEqual(shifted.body.api_response.items.map((a: any) => a.alert_id), ['a5', 'a6']);
    const q = await client.get('/api/v4/alert/list/?q=al.domain%3Aevil.example&fq=al.score%3A%3E%3D1000&rows=50');
    assert.deepEqual(q.body.api_response.items.map((a: any) => a.alert_id), ['a5', 'a7', 'a9', 'a11']);
    const bad = await client.get('/api/v4/alert/list/?tc=forever');
    assert.equal(bad.status, 400);
  });

  it('groups alerts by a field with group_count', async () => {
    const r = await client.get('/api/v4/alert/grouped/file.sha256/?rows=10');
    assert.equal(r.status, 200, r.raw.toString());
    const items = r.body.api_response.items;
    assert.deepEqual(items.map((a: any) => [a.alert_id, a.group_count, a.hint_owner]), [['a0', 4, false], ['a1', 4, false], ['a2', 4, false]]);
    assert.equal(r.body.api_response.total, 12);
  });

  it('labels, prioritises, sets status, owns and gives verdicts, recording events', async () => {
    assert.deepEqual((await client.postJson('/api/v4/alert/label/a0/', ['phish', 'urgent'])).body.api_response, { success: true });
    assert.deepEqual((await client.postJson('/api/v4/alert/priority/a0/', 'HIGH')).body.api_response, { success: true });
    assert.deepEqual((await client.postJson('/api/v4/alert/status/a0/', 'ASSESS')).body.api_response, { success: true });
    assert.equal((await client.postJson('/api/v4/alert/priority/a0/', 'WHENEVER')).status, 400);
    assert.equal((await client.postJson('/api/v4/alert/status/a0/', 'DONE')).status, 400);
    assert.equal((await client.postJson('/api/v4/alert/label/missing/', ['x'])).status, 404);
    const del = await call(s.url, '/api/v4/alert/label/a0/', { method: 'DELETE', headers: { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY }, json: ['urgent'] });
    assert.deepEqual(del.body.api_response, { success: true });
    assert.deepEqual((await client.get('/api/v4/alert/ownership/a0/')).body.api_response, { success: true });
    const verdict = await call(s.url, '/api/v4/alert/verdict/a0/malicious/', { method: 'PUT', headers: { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY } });
    assert.deepEqual(verdict.body.api_response, { success: true });
    const a = (await client.get('/api/v4/alert/a0/')).body.api_response;
    assert.deepEqual(a.label, ['PHISH']);
    assert.equal(a.priority, 'HIGH');
    assert.equal(a.status, 'ASSESS');
    assert.equal(a.owner, 'admin');
    assert.deepEqual(a.verdict, { malicious: ['admin'], non_malicious: [] });
    assert.deepEqual(a.events.map((e: any) => [e.entity_type, e.entity_id, e.labels, e.labels_removed, e.priority, e.status]), [
      ['user', 'admin', ['PHISH', 'URGENT'], [], undefined, undefined],
      ['user', 'admin', [], [], 'HIGH', undefined],
      ['user', 'admin', [], [], undefined, 'ASSESS'],
      ['user', 'admin', [], ['URGENT'], undefined, undefined],
    ]);
    assert.deepEqual((await client.get('/api/v4/alert/labels/')).body.api_response, { PHISH: 1 });
    assert.deepEqual((await client.get('/api/v4/alert/priorities/')).body.api_response, { HIGH: 1 });
    assert.deepEqual((await client.get('/api/v4/alert/statuses/')).body.api_response, { ASSESS: 1 });
  });

  it('applies batch changes to the alerts a query selects', async () => {
    assert.deepEqual((await client.postJson('/api/v4/alert/label/batch/?q=type%3ASENSOR&tc=24h', ['sensor'])).body.api_response, { success: true });
    assert.deepEqual((await client.postJson('/api/v4/alert/priority/batch/?q=type%3ASENSOR', 'LOW')).body.api_response, { success: true });
    assert.deepEqual((await client.postJson('/api/v4/alert/status/batch/?q=type%3ASENSOR&fq=al.score%3A%3E%3D1000', 'TRIAGE')).body.api_response, { success: true });
    assert.deepEqual((await client.get('/api/v4/alert/ownership/batch/?q=type%3AUSER')).body.api_response, { success: true });
    const labels = (await client.get('/api/v4/alert/labels/')).body.api_response;
    assert.deepEqual(labels, { SENSOR: 6, PHISH: 1 });
    assert.deepEqual((await client.get('/api/v4/alert/statuses/?q=type%3ASENSOR')).body.api_response, { TRIAGE: 4 });
    const owners = await client.get('/api/v4/alert/list/?q=owner%3Aadmin&rows=50');
    assert.equal(owners.body.api_response.total, 6);
    const removed = await call(s.url, '/api/v4/alert/label/batch/?q=alert_id%3Aa1', { method: 'DELETE', headers: { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY }, json: ['sensor'] });
    assert.deepEqual(removed.body.api_response, { success: true });
    assert.deepEqual((await client.get('/api/v4/alert/labels/')).body.api_response, { SENSOR: 5, PHISH: 1 });
  });

  it('lets viewers read alerts and workflows but not change them', async () => {
    await s.ctx.accounts.createUser({ uname: 'vera', name: 'Vera', type: ['viewer'], groups: ['USERS'] });
    const key = await s.ctx.accounts.createApikey({ uname: 'vera', keyName: 'k', acl: ['R'] });
    const vera = { 'x-user': 'vera', 'x-apikey': key.keypassword };
    assert.equal((await call(s.url, '/api/v4/alert/list/', { headers: vera })).status, 200);
    const label = await call(s.url, '/api/v4/alert/label/a3/', { method: 'POST', headers: vera, json: ['x'] });
    assert.equal(label.status, 403);
    assert.match(label.body.api_error_message, /requires one of the following roles: alert_manage/);
    assert.equal((await call(s.url, '/api/v4/workflow/labels/', { headers: vera })).status, 200);
    const add = await call(s.url, '/api/v4/workflow/', { method: 'PUT', headers: vera, json: { name: 'x', query: '*', labels: ['x'] } });
    assert.equal(add.status, 403);
  });

  it('saves workflows and applies them to new alerts and, on demand, to existing ones', async () => {
    const add = await call(s.url, '/api/v4/workflow/', {
      method: 'PUT',
      headers: { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY },
      json: { name: 'Big hitters', query: 'al.score:>=2000', labels: ['big'], priority: 'CRITICAL', status: 'MALICIOUS' },
    });
    assert.equal(add.status, 200, add.text);
    const wid = add.body.api_response.workflow_id;
    assert.equal(add.body.api_response.success, true);
    const bad = await call(s.url, '/api/v4/workflow/', { method: 'PUT', headers: { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY }, json: { name: 'x', query: 'al.score:[1 TO', labels: ['x'] } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.api_error_message, /^SearchException/);
    const wf = (await client.get(`/api/v4/workflow/${wid}/`)).body.api_response;
    assert.equal(wf.name, 'Big hitters');
    assert.deepEqual(wf.labels, ['BIG']);
    assert.deepEqual((await client.get('/api/v4/workflow/labels/')).body.api_response, ['BIG']);
    const found = await client.get('/api/v4/search/workflow/?query=*%3A*&rows=10&offset=0');
    assert.equal(found.body.api_response.total, 1);

    // A new alert from the alerter goes through the workflows.
    const alerter = new Alerter(s.storage.datastore, s.config.submission.verdicts);
    const sub = {
      sid: 'newsid', classification: 'TLP:C', expiry_ts: null, max_score: 2500, metadata: {}, results: [], errors: [],
      files: [{ name: 'n.exe', sha256: 'f'.repeat(64), size: 3 }],
      params: { generate_alert: true, type: 'USER', psid: null, submitter: 'admin' },
      times: { submitted: isoDate(), completed: isoDate() },
    };
    const msg = { submission: { params: sub.params }, failure: '', score: 2500, extended_scan: 'skipped' };
    const created = (await alerter.onIngestFinalized(msg as never, sub as never))!;
    assert.deepEqual(created.label, ['BIG']);
    assert.equal(created.priority, 'CRITICAL');
    assert.equal(created.status, 'MALICIOUS');
    assert.equal(created.workflows_completed, true);
    assert.deepEqual((created.events as any[]).map((e) => [e.entity_type, e.entity_id, e.entity_name]), [['workflow', wid, 'Big hitters']]);
    const low = { ...sub, sid: 'lowsid', max_score: 600 };
    const plain = (await alerter.onIngestFinalized({ ...msg, score: 600 } as never, low as never))!;
    assert.deepEqual(plain.label, []);

    // Existing alerts: a0 (score 500) .. a11 (score 1600) do not match; a changed workflow does.
    const edit = await call(s.url, `/api/v4/workflow/${wid}/`, { method: 'POST', headers: { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY }, json: { query: 'al.score:[1500 TO *]' } });
    assert.equal(edit.status, 200, edit.text);
    const run = await client.get(`/api/v4/workflow/${wid}/run/`);
    assert.equal(run.body.api_response.success, true);
    assert.equal(run.body.api_response.alerts_changed, 2, 'a10 and a11; the new alert scoring 2500 already carries the changes');
    const after = (await client.get(`/api/v4/workflow/${wid}/`)).body.api_response;
    assert.equal(after.hit_count, 1 + 2);
    assert.ok(after.last_seen);
    const del = await call(s.url, `/api/v4/workflow/${wid}/`, { method: 'DELETE', headers: { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY } });
    assert.deepEqual(del.body.api_response, { success: true });
    assert.equal((await client.get(`/api/v4/workflow/${wid}/`)).status, 404);
  });
});
