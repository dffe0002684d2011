// Seed scenario: a sensor ingests a directory of files with a notification queue (the Python client's exact
// requests, over HTTPS), a receiver drains the queue and reads each submission's score.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ZipWriter, Uint8ArrayReader, Uint8ArrayWriter } from '@zip.js/zip.js';
import { ROOT } from '../helpers/cli.js';
import { pythonClientSession } from '../helpers/raw.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../helpers/server.js';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'strelka-fixtures');
const FIXTURE_SERVICES = join(ROOT, 'test', 'fixtures', 'pipeline');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function zipOf(name: string, content: string): Promise<Buffer> {
  const w = new ZipWriter(new Uint8ArrayWriter());
  await w.add(name, new Uint8ArrayReader(Buffer.from(content)));
  return Buffer.from(await w.close());
}

describe('seed: ingest with a notification queue, then read the results', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'assay-seed-'));
  const expected = new Map<string, number>();

  before(async () => {
    s = await startTestServer({ https: true, config: { services: { paths: [FIXTURE_SERVICES], workers: 2 } } });
    for (const f of ['test.txt', 'test.exe', 'test.pdf', 'test.json', 'test.html', 'test.elf']) {
      copyFileSync(join(CORPUS, f), join(dir, f));
      expected.set(join(dir, f), readFileSync(join(CORPUS, f)).includes('EVIL') ? 1000 : 0);
    }
    writeFileSync(join(dir, 'evil.txt'), 'contact c2.example: this is EVIL\n');
    expected.set(join(dir, 'evil.txt'), 1000);
    writeFileSync(join(dir, 'odd.txt'), 'SUSPICIOUS content\n');
    expected.set(join(dir, 'odd.txt'), 300);
    writeFileSync(join(dir, 'nested.zip'), await zipOf('inner/payload.txt', 'an EVIL payload inside a zip'));
    expected.set(join(dir, 'nested.zip'), 1000);
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('notifies every ingested file once, with its score', async () => {
    const client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
    const nq = 'sensor-results';
    const ids = new Set<string>();
    for (const path of readdirSync(dir).map((f) => join(dir, f))) {
      const request = { name: basename(path), metadata: { file_path: path }, type: 'AL_CLIENT', notification_queue: nq };
      const r = await client.postMultipart('/api/v4/ingest/', [
        { name: 'json', value: JSON.stringify(request) },
        { name: 'bin', value: readFileSync(path), filename: basename(path) },
      ]);
      assert.equal(r.status, 200, r.raw.toString());
      assert.match(r.body.api_response.ingest_id, /^[0-9A-Za-z]{16,24}$/);
      ids.add(r.body.api_response.ingest_id);
    }
    assert.equal(ids.size, expected.size);

    const remaining = new Set(expected.keys());
    const seen = new Set<string>();
    const deadline = Date.now() + 60_000;
    while (remaining.size && Date.now() < deadline) {
      const list = await client.get(`/api/v4/ingest/get_message_list/${nq}/`);
      assert.equal(list.status, 200);
      for (const msg of list.body.api_response) {
        const path = msg.submission.metadata.file_path as string;
        assert.ok(remaining.has(path), `one message per file (${path})`);
        remaining.delete(path);
        assert.ok(!seen.has(msg.ingest_id));
        seen.add(msg.ingest_id);
        assert.equal(msg.failure, '');
        assert.equal(msg.extended_scan, 'skipped');
        assert.equal(msg.submission.notification.queue, nq);
        assert.equal(msg.submission.metadata.ingest_id, msg.ingest_id);
        assert.equal(msg.submission.metadata.type, 'AL_CLIENT');
        assert.equal(msg.submission.params.type, 'AL_CLIENT');
        assert.match(msg.submission.params.description, /^\[AL_CLIENT\] Inspection of file: /);
        assert.equal(msg.submission.files[0].name, basename(path));
        for (const k of ['ingest_time', 'notify_time']) assert.match(msg[k], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        const sub = await client.get(`/api/v4/submission/${msg.submission.sid}/`);
        assert.equal(sub.status, 200);
        assert.equal(sub.body.api_response.state, 'completed');
        assert.equal(sub.body.api_response.max_score, expected.get(path), `score of ${basename(path)}`);
        assert.equal(msg.score, expected.get(path));
      }
      if (remaining.size) await sleep(200);
    }
    assert.deepEqual([...remaining], [], 'every file was notified');
    assert.deepEqual([...seen].sort(), [...ids].sort());
    const empty = await client.get(`/api/v4/ingest/get_message/${nq}/`);
    assert.equal(empty.body.api_response, null);
  });

  it('raises an alert for an ingest that asks for one and scores 500 or more', async () => {
    const client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
    const ids: Record<string, string> = {};
    for (const [name, text] of [['bad.txt', 'EVIL payload calling home.example'], ['meh.txt', 'SUSPICIOUS but not enough']]) {
      const r = await client.postMultipart('/api/v4/ingest/', [
        { name: 'json', value: JSON.stringify({ name, metadata: {}, type: 'AL_CLIENT', generate_alert: true, notification_queue: 'alerts-q' }) },
        { name: 'bin', value: Buffer.from(text), filename: name },
      ]);
      ids[name] = r.body.api_response.ingest_id;
    }
    let got: any[] = [];
    for (let i = 0; i < 200 && got.length < 2; i++) {
      got = got.concat((await client.get('/api/v4/ingest/get_message_list/alerts-q/')).body.api_response);
      await sleep(100);
    }
    assert.equal(got.length, 2);
    const alert = await client.get(`/api/v4/alert/${ids['bad.txt']}/`);
    assert.equal(alert.status, 200, alert.raw.toString());
    const a = alert.body.api_response;
    assert.equal(a.alert_id, ids['bad.txt']);
    assert.equal(a.al.score, 1000);
    assert.deepEqual(a.al.domain_static, ['home.example']);
    assert.deepEqual(a.al.domain, ['home.example']);
    assert.deepEqual(a.heuristic.name, ['Evil marker']);
    assert.equal(a.file.name, 'bad.txt');
    assert.equal(a.type, 'AL_CLIENT');
    assert.equal((await client.get(`/api/v4/alert/${ids['meh.txt']}/`)).status, 404, 'below the alert threshold');
  });
});

describe('ingest sampling under a flood', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { ingester: { maxInflight: 1, samplingAt: { low: 2, medium: 2, high: 2, critical: 2 } }, services: { paths: [FIXTURE_SERVICES], workers: 1 } } });
  });
  after(() => s.stop());

  it('drops ingests of an overfull priority band as Skipped, and still notifies each once', async () => {
    const client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
    const ids = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const r = await client.postMultipart('/api/v4/ingest/', [
          { name: 'json', value: JSON.stringify({ name: `f${i}.txt`, metadata: {}, type: 'AL_CLIENT', notification_queue: 'flood' }) },
          { name: 'bin', value: Buffer.from(`flood file ${i}`), filename: `f${i}.txt` },
        ]);
        return r.body.api_response.ingest_id as string;
      }),
    );
    const got: any[] = [];
    for (let i = 0; i < 300 && got.length < ids.length; i++) {
      got.push(...(await client.get('/api/v4/ingest/get_message_list/flood/')).body.api_response);
      await sleep(100);
    }
    assert.deepEqual(got.map((m) => m.ingest_id).sort(), [...ids].sort());
    const skipped = got.filter((m) => m.failure === 'Skipped');
    assert.ok(skipped.length >= 1, 'some ingests were sampled out');
    assert.ok(skipped.every((m) => m.score === null));
  });
});
