// Durability: SIGKILL the server in the middle of a 1,000-file ingest, start it again on the same data, and
// every ingest that was answered with an ingest_id is notified exactly once (and one the server recorded just
// before dying, its answer lost, at most once).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exitOf, ROOT, spawnCli, waitForOutput } from '../helpers/cli.js';
import { multipart, rawRequest } from '../helpers/raw.js';

const KEY = 'crash:crash-test-secret-0123456789';
const HEADERS = { 'x-user': 'admin', 'x-apikey': KEY };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash recovery', () => {
  const data = mkdtempSync(join(tmpdir(), 'assay-crash-'));
  const configFile = join(data, 'test-config.json');
  writeFileSync(configFile, JSON.stringify({ services: { builtin: false, paths: [join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 } }));
  after(() => rmSync(data, { recursive: true, force: true }));

  async function start() {
    const child = spawnCli(['serve', '--data', data, '--config', configFile, '--http', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'], {
      ASSAY_ADMIN_APIKEY: KEY,
      ASSAY_ADMIN_PASSWORD: 'crash-test-password',
    });
    const out = await waitForOutput(child, /listening on (http:\/\/\S+)/);
    return { child, url: /listening on (http:\/\/\S+)/.exec(out)![1]! };
  }

  async function ingest(url: string, i: number): Promise<string | null> {
    const content = Buffer.concat([Buffer.from(i % 10 === 0 ? `EVIL #${i}\n` : `file #${i}\n`), randomBytes(4096)]);
    const m = multipart([
      { name: 'json', value: JSON.stringify({ name: `f${i}.bin`, metadata: { n: String(i) }, type: 'AL_CLIENT', notification_queue: 'crashq' }) },
      { name: 'bin', value: content, filename: `f${i}.bin` },
    ]);
    try {
      const r = await rawRequest(`${url}/api/v4/ingest/`, { method: 'POST', headers: { ...HEADERS, 'content-type': m.contentType }, body: m.body });
      return r.status === 200 ? (r.body.api_response.ingest_id as string) : null;
    } catch {
      return null; // the server died under this request: it was never acknowledged
    }
  }

  it('notifies every acknowledged ingest exactly once across a SIGKILL', { timeout: 240_000 }, async (t) => {
    const acked = new Map<string, number>();
    const pending = Array.from({ length: 1000 }, (_, i) => i);
    const unanswered: number[] = [];
    let server = await start();
    const phase1 = async () => {
      while (pending.length) {
        const i = pending.shift()!;
        if (i === 400) server.child.kill('SIGKILL');
        const id = await ingest(server.url, i);
        if (id) acked.set(id, i);
        else {
          unanswered.push(i);
          return; // the server is gone
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, phase1));
    await exitOf(server.child);
    assert.ok(acked.size >= 300 && acked.size < 1000, `killed mid-way (${acked.size} acknowledged)`);

    server = await start();
    // A failed assertion below must not leave the server running (it would keep the test process alive).
    const restarted = server.child;
    t.after(() => {
      if (restarted.exitCode === null) restarted.kill('SIGKILL');
    });
    const rest = [...unanswered, ...pending];
    for (let k = 0; k < rest.length; k += 8) {
      const batch = rest.slice(k, k + 8);
      for (const [i, id] of await Promise.all(batch.map(async (i) => [i, await ingest(server.url, i)] as const))) {
        assert.ok(id, `ingest ${i} accepted after restart`);
        acked.set(id!, i);
      }
    }
    assert.equal(new Set(acked.values()).size, 1000, 'all 1,000 files acknowledged in the end');

    // A request in flight at the kill may have been recorded with its answer lost on the way (the client saw the
    // connection die): that ingest is notified too, once, and only for a file whose request went unanswered.
    const got = new Map<string, number>();
    const lostAnswers = new Set<string>();
    const take = (msgs: any[]) => {
      for (const msg of msgs) {
        got.set(msg.ingest_id, (got.get(msg.ingest_id) ?? 0) + 1);
        if (acked.has(msg.ingest_id)) {
          assert.equal(msg.score, acked.get(msg.ingest_id)! % 10 === 0 ? 1000 : 0);
        } else {
          assert.ok(unanswered.includes(Number(msg.submission.metadata.n)), 'only acknowledged ingests, or ones whose answer the crash lost, are notified');
          lostAnswers.add(msg.ingest_id);
        }
      }
    };
    const notified = () => [...acked.keys()].filter((id) => got.has(id)).length;
    const deadline = Date.now() + 150_000;
    while (notified() < acked.size && Date.now() < deadline) {
      take((await rawRequest(`${server.url}/api/v4/ingest/get_message_list/crashq/`, { headers: HEADERS })).body.api_response);
      await sleep(250);
    }
    await sleep(1000);
    take((await rawRequest(`${server.url}/api/v4/ingest/get_message_list/crashq/`, { headers: HEADERS })).body.api_response);
    assert.equal(notified(), acked.size, 'every acknowledged ingest was notified');
    assert.ok(lostAnswers.size <= unanswered.length, 'at most the requests in flight at the kill');
    assert.deepEqual([...got.values()].filter((n) => n !== 1), [], 'each exactly once');
    server.child.kill('SIGTERM');
    assert.equal(await exitOf(server.child, 30_000), 0);
  });
});
