// The SDK's search (every call shape, deep-paged streams), ontology (NDJSON as async iterators) and alert
// modules, against a server whose test analyser scores by content, so every expected value is known.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, ClientError, type Submission } from '../../src/client/index.js';
import { ROOT } from '../helpers/cli.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('client search, ontology and alert', () => {
  let s: TestServer;
  let client: Client;
  const subs: Record<string, Submission> = {};
  let alertId: string;
  let alertSid: string;

  before(async () => {
    s = await startTestServer({ https: true, config: { services: { paths: [join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 } } });
    client = new Client({ url: s.url, apikey: { user: 'admin', key: ADMIN_APIKEY }, insecure: true });
    const files = {
      evil: 'EVIL payload calling evil.example',
      suspicious: 'SUSPICIOUS text about odd.test',
      plain: 'nothing to see',
      plain2: 'nothing to see either',
      plain3: 'still nothing',
    };
    for (const [name, text] of Object.entries(files)) subs[name] = await client.submit({ content: text, fname: `${name}.txt`, wait: { intervalMs: 100 } });
    const { ingest_id } = await client.ingest({ content: 'EVIL again for an alert', fname: 'alerted.txt', nq: 'alerts', alert: true });
    for (let i = 0; i < 300 && !alertSid; i++) {
      const [m] = await client.ingest.getMessageList('alerts');
      if (m) alertSid = m.submission.sid;
      else await sleep(100);
    }
    assert.ok(alertSid, `ingest ${ingest_id} was notified`);
    for (let i = 0; i < 300 && !alertId; i++) {
      const page = await client.alert.list({ noDelay: true, q: `sid:${alertSid}` });
      if (page.items.length) alertId = String(page.items[0]!.alert_id);
      else await sleep(100);
    }
    assert.ok(alertId, 'the alert was created');
  });
  after(async () => {
    client?.close();
    await s?.stop();
  });

  it('search: per index, by name, with filters and field lists', async () => {
    const all = await client.search.submission('id:*', { rows: 100, trackTotalHits: 1000 });
    assert.ok(all.total !== null && all.total >= 6);
    const evil = await client.search.submission('max_score:>=1000', { fl: 'sid,max_score', rows: 100 });
    const evilSids = evil.items.map((i) => i.sid);
    assert.ok(evilSids.includes(subs.evil!.sid));
    assert.ok(!evilSids.includes(subs.plain!.sid));
    assert.ok(evil.items.every((i) => Number(i.max_score) >= 1000));
    const filtered = await client.search.query('submission', 'id:*', { filters: [`sid:${subs.suspicious!.sid}`] });
    assert.deepEqual(filtered.items.map((i) => i.sid), [subs.suspicious!.sid]);
    const files = await client.search.file(`sha256:${subs.plain!.files[0]!.sha256}`);
    assert.equal(files.items.length, 1);
    const results = await client.search.result('result.score:1000', { rows: 50 });
    assert.ok(results.items.length >= 2);
    await assert.rejects(client.search.submission('id:(', {}), (err: ClientError) => err instanceof ClientError && err.status === 400);
  });

  it('search.stream: deep paging yields every match exactly once', async () => {
    const seen: string[] = [];
    for await (const item of client.search.stream.submission<{ sid: string }>('id:*', { fl: 'sid', pageSize: 2 })) seen.push(item.sid);
    const expected = (await client.search.submission('id:*', { rows: 1000, fl: 'sid' })).items.map((i) => String(i.sid));
    assert.equal(seen.length, expected.length);
    assert.deepEqual([...seen].sort(), [...expected].sort());
    assert.ok(seen.length > 2, 'more than one page');
    const none: unknown[] = [];
    for await (const item of client.search.stream.index('submission', 'sid:nope')) none.push(item);
    assert.deepEqual(none, []);
  });

  it('search aggregations: facet, histogram, stats, grouped and fields', async () => {
    const facet = await client.search.facet.submission('params.submitter');
    assert.ok(facet.admin! >= 6);
    const hist = await client.search.histogram.submission('max_score', { start: 0, end: 2000, gap: 500 });
    const counts = Object.values(hist).reduce((a, b) => a + b, 0);
    assert.ok(counts >= 6);
    const stats = await client.search.stats.submission('max_score');
    assert.equal(stats.max, 1000);
    assert.ok(stats.count >= 6);
    const grouped = await client.search.grouped.submission('max_score', { rows: 10 });
    assert.ok(grouped.items.some((g) => Number(g.value) === 1000));
    const fields = await client.search.fields.submission();
    assert.ok(fields.max_score && fields.sid);
  });

  it('ontology: submission, file and alert records as async iterators', async () => {
    const evil = subs.evil!;
    const records = [];
    for await (const r of client.ontology.submission(evil.sid)) records.push(r);
    assert.ok(records.length >= 1);
    const scorer = records.find((r) => r.service.name === 'Scorer')!;
    assert.equal(scorer.file.sha256, evil.files[0]!.sha256);
    assert.equal(scorer.submission?.sid, evil.sid);
    const byFile = [];
    for await (const r of client.ontology.file(evil.files[0]!.sha256, { service: ['Scorer'] })) byFile.push(r);
    assert.deepEqual(byFile.map((r) => r.service.name), ['Scorer']);
    const byAlert = [];
    for await (const r of client.ontology.alert(alertId)) byAlert.push(r);
    assert.ok(byAlert.length >= 1);
    assert.ok(byAlert.every((r) => r.odm_type === 'Assemblyline Result Ontology'));
  });

  it('alert: read, label, prioritise, set status and take ownership', async () => {
    const alert = await client.alert(alertId);
    assert.equal(alert.sid, alertSid);
    assert.equal((await client.alert.addLabels(alertId, ['SDK'])).success, true);
    assert.equal((await client.alert.setPriority(alertId, 'HIGH')).success, true);
    assert.equal((await client.alert.setStatus(alertId, 'ASSESS')).success, true);
    assert.equal((await client.alert.takeOwnership(alertId)).success, true);
    const after = await client.alert(alertId);
    assert.deepEqual(after.label, ['SDK']);
    assert.equal(after.priority, 'HIGH');
    assert.equal(after.status, 'ASSESS');
    assert.equal(after.owner, 'admin');
    assert.equal((await client.alert.removeLabels(alertId, ['SDK'])).success, true);
    assert.deepEqual((await client.alert(alertId)).label, []);
  });

  it('alert listings and statistics', async () => {
    const q = { noDelay: true };
    const list = await client.alert.list(q);
    assert.ok(list.items.some((a) => a.alert_id === alertId));
    const grouped = await client.alert.grouped('file.sha256', q);
    assert.ok(grouped.items.length >= 1);
    for (const counts of [await client.alert.statuses(q), await client.alert.priorities(q), await client.alert.labels(q)]) {
      assert.equal(typeof counts, 'object');
    }
    assert.equal(typeof (await client.alert.statistics(q)), 'object');
    assert.ok(Array.isArray(await client.alert.related({ ...q, q: `alert_id:${alertId}` })));
    assert.equal((await client.alert.setVerdict(alertId, 'malicious')).success, true);
    assert.deepEqual((await client.alert(alertId)).verdict, { malicious: ['admin'], non_malicious: [] });
  });
});
