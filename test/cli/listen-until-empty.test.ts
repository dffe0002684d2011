// `assay ingest DIR --nq Q` then at once `assay listen --nq Q --until-empty`: the listener must wait for the
// ingests the server is still analysing, not stop at the first empty poll, so every file's message ends in the
// database. The server counts them at GET /api/v4/ingest/outstanding/<nq>/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/cli/listen/database.js';
import { fixtureService } from '../fixtures/services/index.js';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';
import { remoteEnv, runCliAsync } from './remote-support.js';

const FILES = 24;

describe('assay listen --until-empty right after assay ingest', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'assay-listen-until-empty-'));
  const samples = join(dir, 'samples');
  const services = join(dir, 'services');

  before(async () => {
    // An analyser that takes half a second per file keeps the server busy for seconds after the ingest command ends.
    mkdirSync(services);
    writeFileSync(join(services, 'slow.ts'), `export * from ${JSON.stringify(pathToFileURL(fixtureService('slow-service')).href)};\n`);
    s = await startTestServer({ config: { services: { builtin: false, paths: [services], workers: 2 } } });
    mkdirSync(samples);
    for (let i = 0; i < FILES; i++) writeFileSync(join(samples, `sample-${String(i).padStart(2, '0')}.txt`), `sample number ${i}\n`);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for the ingests still being analysed and stores every one', { timeout: 180_000 }, async () => {
    const env = remoteEnv(s);
    const ing = await runCliAsync(['ingest', samples, '--nq', 'q', '--state', join(dir, 'state.json')], env);
    assert.equal(ing.status, 0, ing.stderr);
    assert.match(ing.stderr, new RegExp(`${FILES} sent, 0 already sent, 0 empty, 0 failed`));
    const busy = await call(s.url, '/api/v4/ingest/outstanding/q/', { headers: adminHeaders });
    assert.equal(busy.status, 200, busy.text);
    assert.ok(busy.body.api_response.outstanding > 0, `the server is still analysing (${busy.text})`);

    const dbPath = join(dir, 'r.db');
    const lis = await runCliAsync(['listen', '--nq', 'q', '--db', `sqlite:${dbPath}`, '--until-empty', '--poll-interval', '200'], env);
    assert.equal(lis.status, 0, lis.stderr);
    assert.match(lis.stderr, new RegExp(`${FILES} received, ${FILES} stored, 0 not analysed, 0 errors`));
    const db = await openDatabase(`sqlite:${dbPath}`);
    try {
      const rows = await db.all<{ status: string; file_path: string }>('SELECT status, file_path FROM ingests');
      assert.equal(rows.length, FILES);
      assert.ok(rows.every((r) => r.status === 'stored'), JSON.stringify(rows));
      assert.deepEqual(rows.map((r) => r.file_path).sort(), Array.from({ length: FILES }, (_, i) => join(samples, `sample-${String(i).padStart(2, '0')}.txt`)));
    } finally {
      await db.close();
    }
    assert.deepEqual((await call(s.url, '/api/v4/ingest/outstanding/q/', { headers: adminHeaders })).body.api_response, { outstanding: 0 });
  });

  it('counts per user and queue, and needs the ingest role', async () => {
    await s.ctx.accounts.createUser({ uname: 'viewer', name: 'viewer', type: ['viewer'], password: null } as never);
    const key = await s.ctx.accounts.createApikey({ uname: 'viewer', keyName: 'k', acl: ['R'] });
    const viewer = { 'x-user': 'viewer', 'x-apikey': key.keypassword };
    const refused = await call(s.url, '/api/v4/ingest/outstanding/q/', { headers: viewer });
    assert.equal(refused.status, 403);
    const ing = await call(s.url, '/api/v4/ingest/', {
      method: 'POST', headers: adminHeaders, json: { name: 'one.txt', plaintext: 'one more', notification_queue: 'other', params: { service_spec: { SlowService: { sleepMs: 3000 } } } },
    });
    assert.equal(ing.status, 200, ing.text);
    assert.deepEqual((await call(s.url, '/api/v4/ingest/outstanding/other/', { headers: adminHeaders })).body.api_response, { outstanding: 1 });
    assert.deepEqual((await call(s.url, '/api/v4/ingest/outstanding/q/', { headers: adminHeaders })).body.api_response, { outstanding: 0 });
  });
});
