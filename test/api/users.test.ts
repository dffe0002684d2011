// User and API-key management through the API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

describe('users and API keys', () => {
  let s: TestServer;
  let bob: Record<string, string>;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  it('adds a user (admin only) and refuses duplicates', async () => {
    const r = await call(s.url, '/api/v4/user/bob/', {
      method: 'PUT',
      headers: adminHeaders,
      json: { name: 'Bob Builder', type: ['user'], groups: ['analysts'], email: 'bob@example.org', new_pass: 'bob-pass-123' },
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.api_response, { success: true });
    const dup = await call(s.url, '/api/v4/user/bob/', { method: 'PUT', headers: adminHeaders, json: { name: 'Bob' } });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.api_error_message, 'The username you are trying to add already exists.');
    const badType = await call(s.url, '/api/v4/user/carl/', { method: 'PUT', headers: adminHeaders, json: { name: 'c', type: ['wizard'] } });
    assert.equal(badType.status, 400);
    const curly = await call(s.url, '/api/v4/user/{x}/', { method: 'PUT', headers: adminHeaders, json: { name: 'x' } });
    assert.equal(curly.status, 412);
  });

  it('returns a user without secrets, with effective roles', async () => {
    const r = await call(s.url, '/api/v4/user/bob/', { headers: adminHeaders });
    assert.equal(r.status, 200);
    const u = r.body.api_response;
    assert.equal(u.uname, 'bob');
    assert.equal(u.name, 'Bob Builder');
    assert.deepEqual(u.groups, ['ANALYSTS']);
    assert.equal(u.has_password, true);
    assert.equal(u.password, undefined);
    assert.ok(u.roles.includes('submission_create'));
    assert.ok(!u.roles.includes('administration'));
    const missing = await call(s.url, '/api/v4/user/nobody/', { headers: adminHeaders });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.api_error_message, 'User nobody does not exists');
  });

  it('creates a key whose secret is shown once, lists and reads it without the secret', async () => {
    const r = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: adminHeaders, json: { key_name: 'sensor', priv: ['R', 'W', 'E'], uname: 'bob', expiry_ts: null } });
    assert.equal(r.status, 200, r.text);
    const k = r.body.api_response;
    assert.deepEqual(Object.keys(k).sort(), ['acl', 'creation_date', 'expiry_ts', 'id', 'key_name', 'keypassword', 'last_used', 'roles', 'uname']);
    assert.equal(k.id, 'sensor+bob');
    assert.deepEqual(k.acl, ['E', 'R', 'W']);
    assert.ok(!k.roles.includes('administration'), 'a key never exceeds its user');
    assert.match(k.keypassword, /^sensor:[A-Za-z0-9_-]{50}$/);
    assert.match(k.creation_date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    bob = { 'x-user': 'bob', 'x-apikey': k.keypassword };
    assert.equal((await call(s.url, '/api/v4/user/whoami/', { headers: bob })).body.api_response.username, 'bob');

    const again = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: bob, json: { key_name: 'sensor', priv: ['R'] } });
    assert.equal(again.status, 400);
    assert.equal(again.body.api_error_message, "API Key 'sensor' already exist.");
    const badName = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: bob, json: { key_name: 'a:b', priv: ['R'] } });
    assert.equal(badName.body.api_error_message, "APIKey 'a:b' contains forbidden characters.");
    const forOther = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: bob, json: { key_name: 'x', priv: ['R'], uname: 'admin' } });
    assert.equal(forOther.status, 400);

    const one = await call(s.url, '/api/v4/apikey/sensor+bob/', { headers: bob });
    assert.equal(one.status, 200);
    assert.equal(one.body.api_response.password, undefined);
    assert.equal(one.body.api_response.keypassword, undefined);
    assert.ok(one.body.api_response.last_used, 'last_used recorded on first use');
    const mine = await call(s.url, '/api/v4/apikey/username/bob/', { headers: bob });
    assert.deepEqual(mine.body.api_response.map((x: { id: string }) => x.id), ['sensor+bob']);
    const others = await call(s.url, '/api/v4/apikey/username/admin/', { headers: bob });
    assert.equal(others.status, 400);
    const all = await call(s.url, '/api/v4/apikey/list/', { headers: adminHeaders });
    assert.equal(all.status, 200);
    assert.equal(all.body.api_response.total, 2);
    assert.ok(all.body.api_response.items.every((x: Record<string, unknown>) => !('password' in x)));
    const filtered = await call(s.url, '/api/v4/apikey/list/?query=uname:bob', { headers: adminHeaders });
    assert.equal(filtered.body.api_response.total, 1);
    const badQuery = await call(s.url, '/api/v4/apikey/list/?query=uname:(a OR b)', { headers: adminHeaders });
    assert.equal(badQuery.status, 400);
    assert.match(badQuery.body.api_error_message, /^SearchException: /);
  });

  it('lets users edit their own name and password but not their roles', async () => {
    const own = await call(s.url, '/api/v4/user/bob/', { headers: bob });
    const record = own.body.api_response;
    const ok = await call(s.url, '/api/v4/user/bob/', { method: 'POST', headers: bob, json: { ...record, name: 'Robert' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await call(s.url, '/api/v4/user/bob/', { headers: bob })).body.api_response.name, 'Robert');
    const escalate = await call(s.url, '/api/v4/user/bob/', { method: 'POST', headers: bob, json: { ...record, type: ['admin'] } });
    assert.equal(escalate.status, 403);
    assert.match(escalate.body.api_error_message, /type/);
    const other = await call(s.url, '/api/v4/user/admin/', { method: 'POST', headers: bob, json: { name: 'pwned' } });
    assert.equal(other.status, 403);
    assert.equal(other.body.api_error_message, 'Your username does not match requested username');
    const peek = await call(s.url, '/api/v4/user/admin/', { headers: bob });
    assert.equal(peek.status, 403);
    assert.equal(peek.body.api_error_message, 'Access Denied (/api/v4/user/admin/) [You are not allowed to view another user then yourself.]');
  });

  it('lists users with paging for administrators', async () => {
    for (const u of ['c1', 'c2', 'c3']) {
      await call(s.url, `/api/v4/user/${u}/`, { method: 'PUT', headers: adminHeaders, json: { name: u } });
    }
    const page = await call(s.url, '/api/v4/user/list/?offset=1&rows=2&sort=uname asc', { headers: adminHeaders });
    assert.equal(page.status, 200);
    assert.equal(page.body.api_response.total, 5);
    assert.deepEqual(page.body.api_response.items.map((u: { uname: string }) => u.uname), ['bob', 'c1']);
    assert.ok(page.body.api_response.items.every((u: Record<string, unknown>) => !('password' in u)));
    assert.equal((await call(s.url, '/api/v4/user/list/', { headers: bob })).status, 403);
  });

  it('deletes keys and users; a deleted key stops working at once', async () => {
    const del = await call(s.url, '/api/v4/apikey/sensor+bob/', { method: 'DELETE', headers: bob });
    assert.deepEqual(del.body.api_response, { success: true });
    const after = await call(s.url, '/api/v4/user/whoami/', { headers: bob });
    assert.equal(after.status, 401);
    const k2 = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: adminHeaders, json: { key_name: 'k2', priv: ['R'], uname: 'bob' } });
    const bob2 = { 'x-user': 'bob', 'x-apikey': k2.body.api_response.keypassword };
    assert.equal((await call(s.url, '/api/', { headers: bob2 })).status, 200);
    const rm = await call(s.url, '/api/v4/user/bob/', { method: 'DELETE', headers: adminHeaders });
    assert.deepEqual(rm.body.api_response, { success: true });
    assert.equal((await call(s.url, '/api/', { headers: bob2 })).status, 401);
    const keys = await call(s.url, '/api/v4/apikey/list/?query=uname:bob', { headers: adminHeaders });
    assert.equal(keys.body.api_response.total, 0);
    const again = await call(s.url, '/api/v4/user/bob/', { method: 'DELETE', headers: adminHeaders });
    assert.equal(again.status, 404);
  });

  it('whoami carries the real settings of this server', async () => {
    const r = await call(s.url, '/api/v4/user/whoami/', { headers: adminHeaders });
    const w = r.body.api_response;
    for (const k of ['agrees_with_tos', 'classification', 'email', 'groups', 'is_active', 'name', 'roles', 'type', 'api_daily_quota', 'submission_daily_quota', 'avatar', 'username', 'is_admin', 'c12nDef', 'classification_aliases', 'configuration', 'indexes', 'settings']) {
      assert.ok(k in w, `whoami has ${k}`);
    }
    assert.equal(w.is_admin, true);
    assert.equal(w.configuration.submission.max_file_size, s.config.submission.maxFileSize);
    assert.deepEqual(w.configuration.submission.verdicts, { info: 0, suspicious: 300, highly_suspicious: 700, malicious: 1000 });
    assert.equal(w.configuration.user.roles.length, 37);
    assert.deepEqual(w.configuration.user.api_priv_map.READ_WRITE, ['R', 'W']);
    assert.equal(w.settings.download_encoding, 'cart');
  });

  it('keeps user settings and applies the saved default profile to submissions', async () => {
    const get = await call(s.url, '/api/v4/user/settings/admin/', { headers: adminHeaders });
    assert.equal(get.status, 200);
    assert.equal(get.body.api_response.download_encoding, 'cart');
    const bad = await call(s.url, '/api/v4/user/settings/admin/', { method: 'POST', headers: adminHeaders, json: { default_zip_password: '' } });
    assert.equal(bad.status, 403);
    assert.equal(bad.body.api_error_message, "Encryption password can't be empty.");
    const save = await call(s.url, '/api/v4/user/settings/admin/', {
      method: 'POST',
      headers: adminHeaders,
      json: { default_zip_password: 'zipzip', download_encoding: 'raw', default_metadata: { team: 'blue' }, submission_profiles: { default: { deep_scan: true, priority: 777 } } },
    });
    assert.equal(save.status, 200, save.text);
    const params = await call(s.url, '/api/v4/user/submission_params/__CURRENT__/default/', { headers: adminHeaders });
    assert.equal(params.body.api_response.deep_scan, true);
    assert.equal(params.body.api_response.priority, 777);
    assert.equal(params.body.api_response.submitter, 'admin');
    const unknown = await call(s.url, '/api/v4/user/submission_params/admin/nope/', { headers: adminHeaders });
    assert.equal(unknown.status, 400);
    const sub = await call(s.url, '/api/v4/submit/', { method: 'POST', headers: adminHeaders, json: { name: 'p.txt', plaintext: 'profile test', params: { priority: 900 } } });
    assert.equal(sub.status, 200, sub.text);
    assert.equal(sub.body.api_response.params.deep_scan, true, 'from the saved profile');
    assert.equal(sub.body.api_response.params.priority, 900, 'the request wins over the profile');
    assert.equal(sub.body.api_response.metadata.team, 'blue');
    const sha = sub.body.api_response.files[0].sha256;
    const dl = await fetch(`${s.url}/api/v4/file/download/${sha}/`, { headers: adminHeaders });
    assert.equal(Buffer.from(await dl.arrayBuffer()).toString(), 'profile test', 'the user chose raw downloads');
    const who = await call(s.url, '/api/v4/user/whoami/', { headers: adminHeaders });
    assert.equal(who.body.api_response.settings.download_encoding, 'raw');
  });
});
