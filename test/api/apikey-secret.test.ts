// Generated API key secrets survive a shell: only letters, digits, '-' and '_', with at least the entropy of
// Assemblyline's own keys, so `export AL_APIKEY=name:secret` keeps the whole key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { KEY_ALPHABET, KEY_SECRET_LENGTH, randomSecret } from '../../src/core/auth/secrets.js';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

describe('API key secrets', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  it('are drawn from a shell-safe alphabet, at least as strong as 48 symbols out of 72', () => {
    assert.equal(KEY_ALPHABET.length, 64);
    assert.match(KEY_ALPHABET, /^[A-Za-z0-9_-]+$/);
    assert.ok(KEY_SECRET_LENGTH * Math.log2(KEY_ALPHABET.length) >= 48 * Math.log2(72));
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const secret = randomSecret();
      assert.match(secret, /^[A-Za-z0-9_-]{50}$/);
      for (const c of secret) seen.add(c);
    }
    assert.equal(seen.size, 64, 'every symbol of the alphabet is used');
  });

  it('come out of a shell export unchanged, and sign in', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: adminHeaders, json: { key_name: `shell${i}`, priv: ['R'] } });
      assert.equal(r.status, 200, r.text);
      const key: string = r.body.api_response.keypassword;
      assert.match(key, new RegExp(`^shell${i}:[A-Za-z0-9_-]{50}$`));
      // Unquoted, as people paste it.
      const echoed = execFileSync('sh', ['-c', `export AL_APIKEY=${key}; printf '%s' "$AL_APIKEY"`], { encoding: 'utf8' });
      assert.equal(echoed, key);
      const who = await call(s.url, '/api/v4/user/whoami/', { headers: { 'x-user': 'admin', 'x-apikey': echoed } });
      assert.equal(who.status, 200);
    }
  });
});
