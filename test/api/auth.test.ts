// Authentication as the Assemblyline Python client and REST users perform it, over real HTTP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ADMIN_APIKEY, ADMIN_PASSWORD, adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

// Headers python-requests sends on every call of the client (it labels even bodiless GETs as JSON).
const PY = { 'user-agent': 'python-requests/2.32.3', accept: '*/*', 'accept-encoding': 'gzip, deflate', 'content-type': 'application/json' };

function cookiesOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of h.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i)] = pair!.slice(i + 1);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('authentication', () => {
  let s: TestServer;
  const logs = new PassThrough();
  let logText = '';
  logs.on('data', (d) => (logText += d.toString()));

  before(async () => {
    s = await startTestServer({
      logLevel: 'debug',
      logStream: logs,
      routes: (app) => {
        // A route of the shape every submission route has: it needs submission_create.
        app.post('/api/v4/test/submit/', { config: { auth: { roles: ['submission_create'] } } }, async (_req, res) =>
          res.send({ api_response: { ok: true }, api_error_message: '', api_server_version: 'x', api_status_code: 200 }),
        );
      },
    });
    for (const [uname, type] of [['vera', 'viewer'], ['sam', 'submitter'], ['uma', 'user']]) {
      const r = await call(s.url, `/api/v4/user/${uname}/`, { method: 'PUT', headers: adminHeaders, json: { name: uname, type: [type], new_pass: `${uname}-pass-123` } });
      assert.equal(r.status, 200, r.text);
    }
  });
  after(() => s.stop());

  async function passwordLogin(user: string, password: string) {
    const r = await call(s.url, '/api/v4/auth/login/', { method: 'POST', headers: PY, body: JSON.stringify({ user, password }) });
    return { r, cookies: cookiesOf(r.headers) };
  }

  it('replays the Python client handshake with an API key', async () => {
    const init = await call(s.url, '/api/v3/auth/init/', { headers: PY });
    assert.equal(init.status, 404);
    const login = await call(s.url, '/api/v4/auth/login/', { method: 'POST', headers: PY, body: JSON.stringify({ user: 'admin', apikey: ADMIN_APIKEY }) });
    assert.equal(login.status, 200, login.text);
    assert.deepEqual(Object.keys(login.body.api_response).sort(), ['roles_limit', 'session_duration', 'username']);
    assert.equal(login.body.api_response.username, 'admin');
    assert.ok(Array.isArray(login.body.api_response.roles_limit));
    assert.ok(login.body.api_response.roles_limit.includes('administration'));
    assert.equal(login.body.api_response.session_duration, 3600);
    const c = cookiesOf(login.headers);
    assert.ok(c.session && c['XSRF-TOKEN'], 'session and XSRF-TOKEN cookies');
    const api = await call(s.url, '/api/', { headers: { ...PY, cookie: `session=${c.session}; XSRF-TOKEN=${c['XSRF-TOKEN']}`, 'x-xsrf-token': c['XSRF-TOKEN']! } });
    assert.equal(api.status, 200);
    assert.deepEqual(api.body.api_response, ['v4']);
    // An API-key session skips the XSRF check, as in Assemblyline.
    const add = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: { ...PY, cookie: `session=${c.session}` }, body: JSON.stringify({ key_name: 'viasession', priv: ['R'] }) });
    assert.equal(add.status, 200, add.text);
  });

  it('logs in with a password: full roles, roles_limit null, XSRF enforced on state changes', async () => {
    const { r, cookies } = await passwordLogin('admin', ADMIN_PASSWORD);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.api_response.roles_limit, null);
    const cookie = `session=${cookies.session}`;
    assert.equal((await call(s.url, '/api/v4/user/whoami/', { headers: { ...PY, cookie } })).status, 200);
    const body = JSON.stringify({ key_name: 'xsrf-test', priv: ['R'] });
    const denied = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: { ...PY, cookie }, body });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.api_error_message, 'Access Denied (/api/v4/apikey/add/) [Invalid XSRF token]');
    assert.deepEqual(Object.keys(denied.body.api_response).sort(), ['auth', 'ui']);
    const wrong = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: { ...PY, cookie, 'x-xsrf-token': 'nope' }, body });
    assert.equal(wrong.status, 403);
    const ok = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: { ...PY, cookie, 'x-xsrf-token': cookies['XSRF-TOKEN']! }, body });
    assert.equal(ok.status, 200, ok.text);
  });

  it('accepts X-USER and X-APIKEY on any request; a wrong key is 401 "Invalid user or APIKey"', async () => {
    const who = await call(s.url, '/api/v4/user/whoami/', { headers: { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY, accept: 'application/json' } });
    assert.equal(who.status, 200);
    assert.equal(who.body.api_response.username, 'admin');
    for (const key of [`${ADMIN_APIKEY}x`, 'testkey:', 'nokey:whatever', 'garbage']) {
      const bad = await call(s.url, '/api/v4/user/whoami/', { headers: { 'x-user': 'admin', 'x-apikey': key } });
      assert.equal(bad.status, 401);
      assert.equal(bad.body.api_error_message, 'Invalid user or APIKey');
      assert.deepEqual(bad.body.api_response, { allow_userpass_login: true, allow_signup: false, allow_saml_login: false });
      assert.ok(bad.headers.getSetCookie().some((c) => c.startsWith('XSRF-TOKEN=;') && c.includes('Max-Age=0')));
    }
    const anon = await call(s.url, '/api/v4/user/whoami/');
    assert.equal(anon.status, 401);
    assert.equal(anon.body.api_error_message, 'Session not found');
  });

  it('refuses a viewer on a submitter route, in Assemblyline words, and lets a submitter in', async () => {
    const viewer = await passwordLogin('vera', 'vera-pass-123');
    const vh = { cookie: `session=${viewer.cookies.session}`, 'x-xsrf-token': viewer.cookies['XSRF-TOKEN']! };
    const refused = await call(s.url, '/api/v4/test/submit/', { method: 'POST', headers: vh, json: {} });
    assert.equal(refused.status, 403);
    assert.equal(
      refused.body.api_error_message,
      'Access Denied (/api/v4/test/submit/) [API /api/v4/test/submit/ requires one of the following roles: submission_create]',
    );
    const list = await call(s.url, '/api/v4/user/list/', { headers: vh });
    assert.equal(list.status, 403);
    const sub = await passwordLogin('sam', 'sam-pass-123');
    const allowed = await call(s.url, '/api/v4/test/submit/', {
      method: 'POST',
      headers: { cookie: `session=${sub.cookies.session}`, 'x-xsrf-token': sub.cookies['XSRF-TOKEN']! },
      json: {},
    });
    assert.equal(allowed.status, 200);
  });

  it('maps API-key ACLs to roles, never beyond the user', async () => {
    const mk = async (priv: string[], headers = adminHeaders) => {
      const r = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers, json: { key_name: `k${priv.join('')}${Date.now()}`, priv } });
      assert.equal(r.status, 200, r.text);
      return r.body.api_response.keypassword as string;
    };
    const readKey = await mk(['R']);
    const who = await call(s.url, '/api/v4/user/whoami/', { headers: { 'x-user': 'admin', 'x-apikey': readKey } });
    assert.ok(who.body.api_response.roles.includes('submission_view'));
    assert.ok(!who.body.api_response.roles.includes('submission_create'));
    const denied = await call(s.url, '/api/v4/test/submit/', { method: 'POST', headers: { 'x-user': 'admin', 'x-apikey': readKey }, json: {} });
    assert.equal(denied.status, 403);
    const rw = await mk(['R', 'W']);
    assert.equal((await call(s.url, '/api/v4/test/submit/', { method: 'POST', headers: { 'x-user': 'admin', 'x-apikey': rw }, json: {} })).status, 200);
    // A submitter's extended key still only carries the submitter's roles.
    const samKey = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: adminHeaders, json: { key_name: 'samkey', priv: ['R', 'W', 'E'], uname: 'sam' } });
    assert.equal(samKey.status, 200, samKey.text);
    assert.deepEqual([...samKey.body.api_response.roles].sort(), ['apikey_access', 'obo_access', 'replay_trigger', 'retrohunt_run', 'self_manage', 'submission_create']);
    const samWho = await call(s.url, '/api/v4/user/whoami/', { headers: { 'x-user': 'sam', 'x-apikey': samKey.body.api_response.keypassword } });
    assert.ok(!samWho.body.api_response.roles.includes('administration'));
  });

  it('ends sessions at logout and when a user is disabled; disabled users lose their keys at once', async () => {
    const { cookies } = await passwordLogin('uma', 'uma-pass-123');
    const cookie = `session=${cookies.session}`;
    assert.equal((await call(s.url, '/api/', { headers: { cookie } })).status, 200);
    assert.equal((await call(s.url, '/api/v4/auth/logout/', { headers: { cookie } })).status, 200);
    const gone = await call(s.url, '/api/', { headers: { cookie } });
    assert.equal(gone.status, 401);
    assert.equal(gone.body.api_error_message, 'Session not found');

    const key = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: adminHeaders, json: { key_name: 'umakey', priv: ['R'], uname: 'uma' } });
    const umaHeaders = { 'x-user': 'uma', 'x-apikey': key.body.api_response.keypassword };
    assert.equal((await call(s.url, '/api/', { headers: umaHeaders })).status, 200);
    const disable = await call(s.url, '/api/v4/user/uma/', { method: 'POST', headers: adminHeaders, json: { name: 'uma', is_active: false } });
    assert.equal(disable.status, 200, disable.text);
    const refused = await call(s.url, '/api/', { headers: umaHeaders });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.api_error_message, 'This owner of this API Key is not active.');
  });

  it('throttles failed logins per user', async () => {
    await call(s.url, '/api/v4/user/tina/', { method: 'PUT', headers: adminHeaders, json: { name: 'tina', type: ['user'], new_pass: 'tina-pass-123' } });
    for (let i = 0; i < 5; i++) {
      const r = (await passwordLogin('tina', 'wrong')).r;
      assert.equal(r.status, 401);
      assert.equal(r.body.api_error_message, 'Wrong username or password');
    }
    const locked = (await passwordLogin('tina', 'tina-pass-123')).r;
    assert.equal(locked.status, 401);
    assert.equal(locked.body.api_error_message, 'Maximum password retry of 5 was reached. This account is locked for the next 60 seconds...');
    // Other users are not affected.
    assert.equal((await passwordLogin('sam', 'sam-pass-123')).r.status, 200);
  });

  it('stores only slow hashes and logs no secrets', async () => {
    const db = new Database(join(s.dataDir, 'assay.db'), { readonly: true });
    const users = db.prepare('SELECT doc FROM c_user').pluck().all() as string[];
    const keys = db.prepare('SELECT doc FROM c_apikey').pluck().all() as string[];
    db.close();
    const raw = readFileSync(join(s.dataDir, 'assay.db')).toString('latin1');
    for (const secret of [ADMIN_PASSWORD, ADMIN_APIKEY.split(':')[1]!, 'sam-pass-123']) {
      assert.ok(!users.concat(keys).some((d) => d.includes(secret)));
      assert.ok(!raw.includes(secret));
      assert.ok(!logText.includes(secret), 'secret in logs');
    }
    for (const d of users.concat(keys)) {
      const pw = JSON.parse(d).password;
      if (pw) assert.match(pw, /^\$argon2id\$/);
    }
    assert.ok(logText.length > 0, 'debug logging produced lines');
  });
});

describe('session expiry', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { auth: { sessionDurationSeconds: 2 } } });
  });
  after(() => s.stop());

  it('slides while used and expires when idle', async () => {
    const login = await call(s.url, '/api/v4/auth/login/', { method: 'POST', json: { user: 'admin', password: ADMIN_PASSWORD } });
    assert.equal(login.body.api_response.session_duration, 2);
    const cookie = `session=${cookiesOf(login.headers).session}`;
    for (let i = 0; i < 4; i++) {
      await sleep(800);
      assert.equal((await call(s.url, '/api/', { headers: { cookie } })).status, 200, `use ${i} at ${(i + 1) * 0.8}s`);
    }
    await sleep(2200);
    const expired = await call(s.url, '/api/', { headers: { cookie } });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.api_error_message, 'Session expired');
  });
});
