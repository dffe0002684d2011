// The Assemblyline envelope and error handling, over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

describe('envelope and errors', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      routes: (app) => {
        app.get('/api/v4/test/boom/', { config: { auth: { roles: [] } } }, async () => {
          throw new Error('secret internal detail /etc/passwd');
        });
      },
    });
  });
  after(() => s.stop());

  it('wraps success in the envelope with the status inside', async () => {
    const r = await call(s.url, '/api/', { headers: adminHeaders });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(r.body).sort(), ['api_error_message', 'api_response', 'api_server_version', 'api_status_code']);
    assert.deepEqual(r.body.api_response, ['v4']);
    assert.equal(r.body.api_status_code, 200);
    assert.equal(r.body.api_error_message, '');
    assert.ok(r.body.api_server_version.length > 0);
  });

  it('answers 404 "Api does not exist (<path>)" for unknown APIs, including the v3 probe', async () => {
    for (const path of ['/api/v3/auth/init/', '/api/v4/nothing/here/']) {
      const r = await call(s.url, path, { headers: adminHeaders });
      assert.equal(r.status, 404);
      assert.equal(r.body.api_status_code, 404);
      assert.equal(r.body.api_error_message, `Api does not exist (${path})`);
      assert.equal(r.body.api_response, '');
    }
  });

  it('answers 405 with an Allow header for a known path and the wrong method', async () => {
    const r = await call(s.url, '/api/', { method: 'DELETE', headers: adminHeaders });
    assert.equal(r.status, 405);
    assert.equal(r.body.api_status_code, 405);
    assert.match(r.headers.get('allow') ?? '', /GET/);
    const put = await call(s.url, '/api/v4/apikey/list/', { method: 'PUT', headers: adminHeaders });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET, DELETE');
  });

  it('answers with and without the trailing slash', async () => {
    const a = await call(s.url, '/api/v4/user/whoami/', { headers: adminHeaders });
    const b = await call(s.url, '/api/v4/user/whoami', { headers: adminHeaders });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(a.body.api_response.username, 'admin');
    assert.equal(b.body.api_response.username, 'admin');
  });

  it('accepts Content-Type: application/json with an empty body on every method', async () => {
    const h = { ...adminHeaders, 'content-type': 'application/json' };
    assert.equal((await call(s.url, '/api/v4/user/whoami/', { headers: h })).status, 200);
    const del = await call(s.url, '/api/v4/apikey/nokey+admin/', { method: 'DELETE', headers: h });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body.api_response, { success: false });
    const post = await call(s.url, '/api/v4/auth/login/', { method: 'POST', headers: { 'content-type': 'application/json' } });
    assert.equal(post.status, 401);
    assert.equal(post.body.api_error_message, 'Not enough information to proceed with authentication');
  });

  it('answers 400 in Assemblyline words for malformed JSON', async () => {
    const r = await call(s.url, '/api/v4/apikey/add/', {
      method: 'PUT',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      body: '{"key_name": "x", ',
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.api_error_message, "No data block provided or data block not in JSON format.'");
    assert.equal(r.body.api_response, '');
  });

  it('answers 400 for a body that fails the route schema', async () => {
    const r = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: adminHeaders, json: { priv: ['R'] } });
    assert.equal(r.status, 400);
    assert.equal(r.body.api_status_code, 400);
    assert.match(r.body.api_error_message, /key_name/);
  });

  it('answers 500 "Internal Server Error" without internals', async () => {
    const r = await call(s.url, '/api/v4/test/boom/', { headers: adminHeaders });
    assert.equal(r.status, 500);
    assert.equal(r.body.api_error_message, 'Internal Server Error');
    assert.ok(!r.text.includes('passwd'));
    assert.ok(!r.text.includes('at '));
  });

  it('answers 413 when the body is larger than the limit', async () => {
    const small = await startTestServer({ config: { server: { bodyLimit: 1024 } } });
    try {
      const r = await call(small.url, '/api/v4/auth/login/', {
        method: 'POST',
        json: { user: 'admin', password: 'x'.repeat(4096) },
      });
      assert.equal(r.status, 413);
      assert.equal(r.body.api_status_code, 413);
    } finally {
      await small.stop();
    }
  });

  it('serves health probes and the API documentation', async () => {
    assert.equal((await call(s.url, '/healthz/live')).text, 'OK');
    assert.equal((await call(s.url, '/healthz/ready')).text, 'OK');
    const spec = await call(s.url, '/help/api/json');
    assert.equal(spec.status, 200);
    assert.equal(spec.body.openapi, '3.0.3');
    for (const p of ['/api/v4/user/whoami/', '/api/v4/auth/login/', '/api/v4/apikey/add/', '/api/v4/user/{username}/']) {
      assert.ok(spec.body.paths[p], `documented: ${p}`);
    }
    assert.match(spec.body.paths['/api/v4/user/list/'].get.description, /administration/);
    const ui = await call(s.url, '/help/api/');
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
  });
});
