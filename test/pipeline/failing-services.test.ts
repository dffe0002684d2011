// Analysers that crash, hang, run out of memory or throw become error records; the submission completes and
// the server keeps serving.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorRecord } from '../../src/core/results/model.js';
import { ROOT } from '../helpers/cli.js';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('failing analysers', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      config: { services: { paths: [join(ROOT, 'test', 'fixtures', 'services'), join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 } },
    });
  });
  after(() => s.stop());

  it('records crash, hang, out-of-memory and exceptions as errors and completes the submission', { timeout: 120_000 }, async () => {
    const selected = ['CrashService', 'HangService', 'OomService', 'ThrowService', 'Scorer'];
    const r = await call(s.url, '/api/v4/submit/', {
      method: 'POST',
      headers: adminHeaders,
      json: { name: 'sample.txt', plaintext: 'SUSPICIOUS sample for failing analysers', params: { services: { selected } } },
    });
    assert.equal(r.status, 200, r.text);
    const sid = r.body.api_response.sid;
    assert.equal(r.body.api_response.state, 'submitted');
    const sub = await waitForSubmission(s.url, sid, 60_000, 250);
    assert.equal(sub.state, 'completed');
    assert.equal(sub.max_score, 300, 'the working analyser still scored the file');
    assert.equal(sub.error_count, 4);
    const errors = s.storage.datastore.collection<ErrorRecord>('error');
    const byService = new Map<string, ErrorRecord & { key: string }>();
    for (const key of sub.errors as string[]) {
      const e = (await errors.get(key))!;
      byService.set(e.response.service_name, { ...e, key });
    }
    const crash = byService.get('CrashService')!;
    assert.equal(crash.type, 'TASK PRE-EMPTED');
    assert.equal(crash.response.service_version, '0');
    assert.match(crash.key, /\.e30$/);
    assert.equal(byService.get('HangService')!.type, 'TASK PRE-EMPTED');
    const oom = byService.get('OomService')!;
    assert.equal(oom.type, 'EXCEPTION');
    assert.equal(oom.response.status, 'FAIL_NONRECOVERABLE');
    assert.match(oom.key, /\.e1$/);
    assert.equal(byService.get('ThrowService')!.type, 'EXCEPTION');
    assert.equal(sub.results.length, 1);
    // Still serving.
    assert.equal((await call(s.url, '/api/', { headers: adminHeaders })).status, 200);
  });
});

describe('live watch queues', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { services: { paths: [join(ROOT, 'test', 'fixtures', 'services'), join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 } } });
  });
  after(() => s.stop());

  it('streams result keys of a running submission, then stop', async () => {
    const r = await call(s.url, '/api/v4/submit/', {
      method: 'POST',
      headers: adminHeaders,
      json: { name: 'w.txt', plaintext: 'watch me', params: { services: { selected: ['SlowService', 'Scorer'] }, service_spec: { SlowService: { sleepMs: 1500 } } } },
    });
    const sid = r.body.api_response.sid;
    const setup = await call(s.url, `/api/v4/live/setup_watch_queue/${sid}/`, { headers: adminHeaders });
    assert.equal(setup.status, 200, setup.text);
    const wq = setup.body.api_response.wq_id;
    assert.match(wq, /^D-[0-9A-Za-z]+-WQ$/);
    const outstanding = await call(s.url, `/api/v4/live/outstanding_services/${sid}/`, { headers: adminHeaders });
    assert.ok(Object.keys(outstanding.body.api_response).length >= 1);
    const msgs: any[] = [];
    for (let i = 0; i < 100 && !msgs.some((m) => m.type === 'stop'); i++) {
      msgs.push(...(await call(s.url, `/api/v4/live/get_message_list/${wq}/`, { headers: adminHeaders })).body.api_response);
      await sleep(100);
    }
    assert.equal(msgs[0].type, 'start');
    assert.equal(msgs[0].msg, 'Start listening...');
    assert.equal(msgs.at(-1).type, 'stop');
    assert.equal(msgs.filter((m) => m.type === 'cachekey').length, 2);
    const empty = await call(s.url, `/api/v4/live/get_message/${wq}/`, { headers: adminHeaders });
    assert.deepEqual(empty.body.api_response, { type: 'timeout', err_msg: 'Timeout waiting for a message.', status_code: 408, msg: null });
    const done = await call(s.url, `/api/v4/live/setup_watch_queue/${sid}/`, { headers: adminHeaders });
    assert.equal(done.status, 404);
    assert.equal(done.body.api_error_message, 'No dispatchers are processing this submission.');
    assert.equal((await call(s.url, '/api/v4/live/get_message/nope/', { headers: adminHeaders })).status, 400);
  });
});

describe('extracted files over the size limit', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { submission: { maxFileSize: 4096 }, services: { paths: [join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 1 } } });
  });
  after(() => s.stop());

  it('are left out and named in the result, and the submission completes', async () => {
    const { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } = await import('@zip.js/zip.js');
    const w = new ZipWriter(new Uint8ArrayWriter());
    await w.add('big.txt', new Uint8ArrayReader(Buffer.alloc(20_000, 0x41)));
    await w.add('small.txt', new Uint8ArrayReader(Buffer.from('EVIL but small')));
    const zip = Buffer.from(await w.close());
    assert.ok(zip.length < 4096);
    const r = await call(s.url, '/api/v4/submit/', { method: 'POST', headers: adminHeaders, json: { name: 'z.zip', base64: zip.toString('base64') } });
    assert.equal(r.status, 200, r.text);
    const sid = r.body.api_response.sid;
    let full;
    for (let i = 0; i < 100; i++) {
      full = (await call(s.url, `/api/v4/submission/full/${sid}/`, { headers: adminHeaders })).body.api_response;
      if (full.state === 'completed') break;
      await sleep(100);
    }
    assert.equal(full.state, 'completed');
    assert.equal(full.max_score, 1000, 'the small member was analysed');
    const unzip = Object.values(full.results).find((x: any) => x.response.service_name === 'Unzipper') as any;
    assert.deepEqual(unzip.response.extracted.map((x: any) => x.name), ['small.txt']);
    const note = unzip.result.sections.find((x: any) => x.title_text === 'Extracted files that were not kept');
    assert.match(note.body, /big\.txt: File too big to be scanned \(20000 > 4096\)/);
  });
});

describe('extraction limits', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { submission: { maxExtractionDepth: 3 }, services: { paths: [join(ROOT, 'test', 'fixtures', 'services')], workers: 2 } } });
  });
  after(() => s.stop());

  async function run(params: Record<string, unknown>) {
    const r = await call(s.url, '/api/v4/submit/', { method: 'POST', headers: adminHeaders, json: { name: 'root.txt', plaintext: `root ${Math.random()}`, params } });
    assert.equal(r.status, 200, r.text);
    for (let i = 0; i < 200; i++) {
      const full = (await call(s.url, `/api/v4/submission/full/${r.body.api_response.sid}/`, { headers: adminHeaders })).body.api_response;
      if (full.state === 'completed') return full;
      await sleep(100);
    }
    throw new Error('submission did not complete');
  }

  it('stops extraction at the depth limit with MAX DEPTH REACHED', async () => {
    const full = await run({ services: { selected: ['OkService'] } });
    assert.equal(full.file_count, 3, 'root and two generations of children');
    const errs = Object.values(full.errors) as Array<{ type: string; response: { message: string } }>;
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.type, 'MAX DEPTH REACHED');
    assert.match(errs[0]!.response.message, /beyond the depth limits/);
  });

  it('stops at max_extracted with MAX FILES REACHED', async () => {
    // The submit endpoint sets max_extracted from the configuration, as Assemblyline does.
    s.config.submission.defaultMaxExtracted = 1;
    try {
      const full = await run({ services: { selected: ['OkService'] } });
      assert.equal(full.file_count, 2, 'the root and one child');
      const errs = Object.values(full.errors) as Array<{ type: string; response: { message: string } }>;
      assert.deepEqual(errs.map((e) => e.type), ['MAX FILES REACHED']);
      assert.match(errs[0]!.response.message, /^Too many files extracted for submission \S+ [0-9a-f]{64} extracted by OkService will be dropped$/);
    } finally {
      s.config.submission.defaultMaxExtracted = 500;
    }
  });
});
