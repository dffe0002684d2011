// An analysis that failed is never reported as clean: the API marks the submission incomplete, `assay submit`
// exits non-zero, and a notification threshold does not hold the message back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/cli.js';
import { remoteEnv, runCliAsync } from '../cli/remote-support.js';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('incomplete analyses', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'assay-incomplete-'));
  before(async () => {
    s = await startTestServer({
      config: { services: { paths: [join(ROOT, 'test', 'fixtures', 'services'), join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 } },
    });
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = async (text: string, selected: string[]) => {
    const r = await call(s.url, '/api/v4/submit/', {
      method: 'POST', headers: adminHeaders, json: { name: 'sample.txt', plaintext: text, params: { services: { selected } } },
    });
    assert.equal(r.status, 200, r.text);
    return waitForSubmission(s.url, r.body.api_response.sid, 60_000, 100);
  };

  it('marks a submission whose analysers all failed as incomplete, with the reasons', async () => {
    const sub = await submit('every analyser fails on this', ['ThrowService']);
    assert.equal(sub.state, 'completed');
    assert.equal(sub.max_score, 0);
    assert.equal(sub.incomplete, true);
    assert.ok(sub.incomplete_reasons.some((r: string) => /ThrowService failed on the submitted file/.test(r)), sub.incomplete_reasons.join());
    assert.ok(sub.incomplete_reasons.some((r: string) => /all 1 analyser tasks failed/.test(r)));
    // Searchable, so a team can find the analyses to redo.
    const found = await call(s.url, `/api/v4/search/submission/?query=${encodeURIComponent(`incomplete:true AND sid:${sub.sid}`)}`, { headers: adminHeaders });
    assert.equal(found.body.api_response.total, 1, found.text);
  });

  it('marks one failure on the submitted file as incomplete, but not a clean, complete analysis', async () => {
    const partial = await submit('one analyser fails on this', ['ThrowService', 'Scorer']);
    assert.equal(partial.incomplete, true);
    assert.deepEqual(partial.incomplete_reasons, ['ThrowService failed on the submitted file sample.txt']);
    const clean = await submit('nothing fails on this', ['Scorer']);
    assert.equal(clean.incomplete, false);
    assert.deepEqual(clean.incomplete_reasons, []);
  });

  it('`assay submit` prints incomplete and exits 4', { timeout: 120_000 }, async () => {
    const path = join(dir, 'fails.txt');
    writeFileSync(path, 'the analyser throws on this one');
    const cli = await runCliAsync(['submit', path, '--json', '--param', 'services.selected=["ThrowService"]'], remoteEnv(s));
    assert.equal(cli.status, 4, cli.stderr + cli.stdout);
    const line = JSON.parse(cli.stdout);
    assert.equal(line.verdict, 'incomplete');
    assert.match(line.incomplete.join(), /ThrowService/);
    const ok = await runCliAsync(['submit', path, '--param', 'services.selected=["Scorer"]'], remoteEnv(s));
    assert.equal(ok.status, 0, ok.stderr + ok.stdout);
    assert.match(ok.stdout, /^info|^safe/);
  });

  it('notifies an incomplete ingest whatever the notification threshold', { timeout: 60_000 }, async () => {
    const ingest = (text: string, selected: string[]) =>
      call(s.url, '/api/v4/ingest/', {
        method: 'POST',
        headers: adminHeaders,
        json: { name: 'x.txt', plaintext: text, notification_queue: 'thresholds', notification_threshold: 500, params: { services: { selected } } },
      });
    assert.equal((await ingest('scores nothing, analysed fully', ['Scorer'])).status, 200);
    assert.equal((await ingest('scores nothing, analyser failed', ['ThrowService'])).status, 200);
    const messages: any[] = [];
    for (let i = 0; i < 100 && messages.length < 1; i++) {
      messages.push(...(await call(s.url, '/api/v4/ingest/get_message_list/thresholds/', { headers: adminHeaders })).body.api_response);
      await sleep(200);
    }
    await sleep(1000);
    messages.push(...(await call(s.url, '/api/v4/ingest/get_message_list/thresholds/', { headers: adminHeaders })).body.api_response);
    assert.equal(messages.length, 1, 'the complete, low-scoring ingest is held back by the threshold');
    assert.equal(messages[0].incomplete, true);
    assert.equal(messages[0].score, 0);
    assert.equal(messages[0].failure, '');
  });
});
