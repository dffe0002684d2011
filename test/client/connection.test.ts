// The SDK's transport against a real HTTPS server: API key and password sessions (with the XSRF header on
// state-changing calls), the certificate policy, error envelopes and retries.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Client, ClientError, connect } from '../../src/client/index.js';
import { ADMIN_APIKEY, ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';

describe('client connection', () => {
  let s: TestServer;
  const flaky = new Map<string, number>();
  before(async () => {
    s = await startTestServer({
      https: true,
      // A route that fails the first `n` times for a given token: with a 503 envelope, or by dropping the socket.
      routes: (app) => {
        app.get('/api/v4/flaky/:how/:token/:n/', { config: { auth: { roles: [] } } }, async (req, res) => {
          const { how, token, n } = req.params as { how: string; token: string; n: string };
          const seen = (flaky.get(token) ?? 0) + 1;
          flaky.set(token, seen);
          if (seen <= Number(n)) {
            if (how === 'drop') {
              req.raw.socket.destroy();
              return res;
            }
            return res.code(503).send({ api_response: '', api_error_message: 'Service unavailable, try again', api_server_version: 't', api_status_code: 503 });
          }
          return res.send({ api_response: { attempts: seen }, api_error_message: '', api_server_version: 't', api_status_code: 200 });
        });
      },
    });
  });
  after(async () => {
    await s.stop();
  });

  const apikey = { user: 'admin', key: ADMIN_APIKEY };

  it('logs in by API key and by password; a password session sends the XSRF token on changes', async () => {
    const byKey = await connect({ url: s.url, apikey, insecure: true });
    assert.equal((await byKey.user.whoami()).username, 'admin');
    byKey.close();

    const byPassword = new Client({ url: s.url, password: { user: 'admin', password: ADMIN_PASSWORD }, insecure: true });
    assert.equal((await byPassword.user.whoami()).username, 'admin');
    // The server refuses state-changing calls on a password session without the X-XSRF-TOKEN header.
    const settings = await byPassword.user.settings('admin');
    const r = await byPassword.user.updateSettings('admin', { ...settings, download_encoding: 'raw' });
    assert.equal(r.success, true);
    assert.equal((await byPassword.user.settings('admin')).download_encoding, 'raw');
    await byPassword.user.updateSettings('admin', settings);
    // A session that ends on the server side (here: logged out) is replaced by logging in again, once.
    await byPassword.connection.json({ method: 'GET', path: 'auth/logout/' });
    assert.equal((await byPassword.user.whoami()).username, 'admin');
    byPassword.close();

    await assert.rejects(
      connect({ url: s.url, password: { user: 'admin', password: 'wrong-password' }, insecure: true }),
      (err: ClientError) => err instanceof ClientError && err.status === 401 && err.path === '/api/v4/auth/login/',
    );
  });

  it('raises ClientError with the envelope message, status and path', async () => {
    const c = new Client({ url: s.url, apikey: { user: 'admin', key: `${ADMIN_APIKEY}x` }, insecure: true });
    await assert.rejects(c.user.whoami(), (err: ClientError) => {
      assert.ok(err instanceof ClientError);
      assert.equal(err.status, 401);
      assert.equal(err.message, 'Invalid user or APIKey');
      assert.equal(err.path, '/api/v4/user/whoami/');
      return true;
    });
    c.close();
    const ok = new Client({ url: s.url, apikey, insecure: true });
    const missing = '0'.repeat(64);
    await assert.rejects(ok.file.info(missing), (err: ClientError) => err.status === 404 && err.path === `/api/v4/file/info/${missing}/` && /does not exist/.test(err.message));
    ok.close();
  });

  it('refuses a self-signed certificate unless insecure, or trusted through ca', async () => {
    const strict = new Client({ url: s.url, apikey, retries: 0 });
    await assert.rejects(strict.user.whoami(), (err: ClientError) => err instanceof ClientError && err.status === 0 && /certificate/i.test(err.message));
    strict.close();
    assert.ok(s.certPath, 'the test server has a certificate file');
    const pinned = new Client({ url: s.url, apikey, ca: readFileSync(s.certPath!) });
    assert.equal((await pinned.user.whoami()).username, 'admin', 'verifies against the pinned certificate');
    pinned.close();
  });

  it('retries 503 answers and dropped connections with backoff, up to the configured count', async () => {
    const c = new Client({ url: s.url, apikey, insecure: true, retries: 3, retryBaseMs: 20 });
    const conn = c.connection;
    const t0 = Date.now();
    assert.deepEqual(await conn.json({ method: 'GET', path: 'flaky/status/a/2/' }), { attempts: 3 });
    // Backoff 20 ms then 40 ms.
    assert.ok(Date.now() - t0 >= 60);
    assert.deepEqual(await conn.json({ method: 'GET', path: 'flaky/drop/b/2/' }), { attempts: 3 });
    await assert.rejects(conn.json({ method: 'GET', path: 'flaky/status/c/9/' }), (err: ClientError) => err.status === 503 && /try again/.test(err.message));
    assert.equal(flaky.get('c'), 4, 'first attempt and three retries');
    await assert.rejects(conn.json({ method: 'GET', path: 'flaky/drop/d/9/' }), (err: ClientError) => err.status === 0);
    assert.equal(flaky.get('d'), 4);
    c.close();
    const none = new Client({ url: s.url, apikey, insecure: true, retries: 0 });
    await assert.rejects(none.connection.json({ method: 'GET', path: 'flaky/status/e/1/' }), (err: ClientError) => err.status === 503);
    none.close();
  });

  it('retries a refused connection and then reports it', async () => {
    const c = new Client({ url: 'https://127.0.0.1:1', apikey, insecure: true, retries: 2, retryBaseMs: 10 });
    await assert.rejects(c.user.whoami(), (err: ClientError) => err.status === 0 && /ECONNREFUSED|cannot reach/.test(err.message));
    c.close();
  });
});
