// Every JSON route of the submission area answers a real analysis (sections with heuristics, tags and structured
// bodies, an extracted file, errors) through its response schema. Test servers check each answer against its
// schema, so a schema that drops, adds or coerces a field makes that call a 500 naming the route.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/cli.js';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../helpers/server.js';

describe('submission area responses fit their schemas', () => {
  let s: TestServer;
  let sub: { sid: string; state: string; files: Array<{ sha256: string }>; results: string[]; errors: string[] };
  before(async () => {
    s = await startTestServer({ config: { services: { paths: [join(ROOT, 'test', 'fixtures', 'services')], workers: 2 } } });
    const r = await call(s.url, '/api/v4/submit/', {
      method: 'POST',
      headers: adminHeaders,
      json: { name: 'sample.txt', plaintext: `schema sample ${Math.random()}`, metadata: { source: 'test' }, params: { services: { selected: ['OkService', 'ThrowService'] } } },
    });
    assert.equal(r.status, 200, r.text);
    sub = await waitForSubmission(s.url, r.body.api_response.sid, 60_000, 100);
    assert.equal(sub.state, 'completed');
    assert.ok(sub.results.length > 0 && sub.errors.length > 0, 'results and errors to show');
  });
  after(() => s.stop());

  const ok = async (path: string, init: Parameters<typeof call>[2] = {}) => {
    const r = await call(s.url, path, { headers: adminHeaders, ...init });
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    return r.body.api_response;
  };

  it('submission documents', async () => {
    const { sid } = sub;
    const root = sub.files[0]!.sha256;
    assert.equal((await ok(`/api/v4/submission/${sid}/`)).sid, sid);
    assert.ok(Object.keys((await ok(`/api/v4/submission/full/${sid}/`)).errors).length > 0);
    await ok(`/api/v4/submission/summary/${sid}/`);
    await ok(`/api/v4/submission/tree/${sid}/?get_full_tree`);
    await ok(`/api/v4/submission/report/${sid}/`);
    const file = await ok(`/api/v4/submission/${sid}/file/${root}/`);
    assert.ok(file.results.length > 0 && file.errors.length > 0);
    await ok(`/api/v4/submission/${sid}/file/${root}/`, { method: 'POST', json: { extra_result_keys: sub.results, extra_error_keys: sub.errors } });
    assert.ok((await ok('/api/v4/submission/list/user/admin/')).items.length > 0);
  });

  it('results, errors and files', async () => {
    const root = sub.files[0]!.sha256;
    const [resultKey] = sub.results.filter((k) => k.includes('.OkService.'));
    assert.ok(resultKey);
    assert.ok((await ok(`/api/v4/result/${resultKey}/`)).section_hierarchy);
    for (const key of sub.errors) {
      assert.equal((await ok(`/api/v4/result/error/${key}/`)).sha256, key.slice(0, 64));
      assert.equal((await ok(`/api/v4/error/${key}/`)).sha256, key.slice(0, 64));
    }
    const many = await ok('/api/v4/result/multiple_keys/', { method: 'POST', json: { result: sub.results, error: sub.errors } });
    assert.equal(Object.keys(many.error).length, sub.errors.length);
    assert.ok((await ok('/api/v4/error/list/')).items.length > 0);
    assert.ok((await ok(`/api/v4/file/result/${root}/`)).errors.length > 0);
    assert.equal((await ok(`/api/v4/file/result/${root}/OkService/?all`)).results.length, 1);
    assert.ok((await ok(`/api/v4/file/score/${root}/`)).score > 0);
    assert.equal((await ok(`/api/v4/file/children/${root}/`)).length, 1);
    assert.equal((await ok(`/api/v4/file/info/${root}/`)).sha256, root);
  });

  it('ingest messages and resubmissions', async () => {
    const r = await ok('/api/v4/ingest/', {
      method: 'POST',
      json: { name: 'sample.txt', plaintext: `ingest sample ${Math.random()}`, notification_queue: 'schemas', params: { services: { selected: ['OkService'] } } },
    });
    assert.ok(r.ingest_id);
    let msg = null;
    for (let i = 0; i < 300 && !msg; i++) {
      msg = await ok('/api/v4/ingest/get_message/schemas/');
      if (!msg) await new Promise((done) => setTimeout(done, 100));
    }
    assert.ok(msg, 'a completion message');
    assert.equal(msg.ingest_id, r.ingest_id);
    assert.deepEqual(await ok('/api/v4/ingest/get_message_list/schemas/'), []);
    const again = await ok(`/api/v4/submit/resubmit/${sub.sid}/`);
    assert.equal(again.state, 'submitted');
    const dynamic = await ok(`/api/v4/submit/dynamic/${sub.files[0]!.sha256}/?copy_sid=${sub.sid}`);
    assert.equal(dynamic.params.psid, sub.sid);
  });
});
