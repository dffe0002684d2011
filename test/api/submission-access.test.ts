// Who may read a submission: its submitter, users sharing one of its groups, and administrators. Others get the
// spec's 403 on every submission route and do not see it in the submission lists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

describe('submission access by group', () => {
  let s: TestServer;
  const users: Record<string, Record<string, string>> = {};
  let sid = '';

  before(async () => {
    s = await startTestServer();
    for (const [uname, group] of [['alice', 'red'], ['rita', 'red'], ['bob', 'blue']] as const) {
      const u = await call(s.url, `/api/v4/user/${uname}/`, {
        method: 'PUT', headers: adminHeaders, json: { name: uname, type: ['user'], groups: [group], new_pass: `${uname}-pass-123` },
      });
      assert.equal(u.status, 200, u.text);
      const k = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: adminHeaders, json: { key_name: 'k', priv: ['R', 'W'], uname, expiry_ts: null } });
      assert.equal(k.status, 200, k.text);
      users[uname] = { 'x-user': uname, 'x-apikey': k.body.api_response.keypassword };
    }
    const r = await call(s.url, '/api/v4/submit/', { method: 'POST', headers: users.alice, json: { name: 'note.txt', plaintext: 'red team notes' } });
    assert.equal(r.status, 200, r.text);
    sid = r.body.api_response.sid;
  });
  after(() => s.stop());

  const routes = () => [`/api/v4/submission/${sid}/`, `/api/v4/submission/full/${sid}/`, `/api/v4/submission/summary/${sid}/`, `/api/v4/submission/tree/${sid}/`, `/api/v4/submission/is_completed/${sid}/`];

  it('lets the submitter, a group member and an administrator read it', async () => {
    for (const headers of [users.alice!, users.rita!, adminHeaders]) {
      for (const path of routes()) assert.equal((await call(s.url, path, { headers })).status, 200, `${headers['x-user']} ${path}`);
    }
  });

  it('refuses a user of another group with 403', async () => {
    for (const path of routes()) {
      const r = await call(s.url, path, { headers: users.bob });
      assert.deepEqual([r.status, r.body.api_error_message], [403, 'You are not allowed to view the data of this submission'], path);
    }
  });

  it('leaves it out of the lists of users who may not read it', async () => {
    const seen = async (headers: Record<string, string>, path: string) =>
      ((await call(s.url, path, { headers })).body.api_response.items as Array<{ sid: string }>).map((x) => x.sid);
    assert.deepEqual(await seen(users.rita!, '/api/v4/submission/list/group/RED/'), [sid]);
    assert.deepEqual(await seen(users.bob!, '/api/v4/submission/list/group/RED/'), []);
    assert.deepEqual(await seen(users.bob!, '/api/v4/submission/list/user/alice/'), []);
    assert.deepEqual(await seen(adminHeaders, '/api/v4/submission/list/user/alice/'), [sid]);
  });
});
