// `assay user` and `assay apikey` on a data dir, then used against a server on that data dir.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { call, startTestServer } from '../helpers/server.js';

describe('assay user / assay apikey', () => {
  const data = mkdtempSync(join(tmpdir(), 'assay-cli-'));
  after(() => rmSync(data, { recursive: true, force: true }));
  const cli = (...args: string[]) => {
    const r = runCli([...args, '--data', data]);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('adds, lists, re-passwords, disables and enables users', () => {
    assert.match(cli('user', 'add', 'alice', '--type', 'user', '--password', 'alice-pass-1'), /created user alice/);
    const generated = cli('user', 'add', 'victor', '--type', 'viewer');
    assert.match(generated, /password: \S{12,}/);
    const list = cli('user', 'list');
    assert.match(list, /alice\s+user\s+active/);
    assert.match(list, /victor\s+viewer\s+active/);
    const json = JSON.parse(cli('user', 'list', '--json'));
    assert.ok(json.every((u: Record<string, unknown>) => !('password' in u)));
    assert.match(cli('user', 'passwd', 'alice', '--password', 'alice-pass-2'), /changed/);
    assert.match(cli('user', 'disable', 'victor'), /disabled/);
    assert.match(cli('user', 'list'), /victor\s+viewer\s+disabled/);
    assert.match(cli('user', 'enable', 'victor'), /enabled/);
    const dup = runCli(['user', 'add', 'alice', '--data', data]);
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /already exists/);
  });

  it('creates, lists and deletes keys, which the server then honours', async () => {
    const key = cli('apikey', 'add', 'alice', 'sensor', '--acl', 'RW').trim();
    assert.match(key, /^sensor:[A-Za-z0-9_-]{50}$/, 'a secret a shell export keeps whole');
    assert.match(cli('apikey', 'list', 'alice'), /sensor\+alice\s+RW/);
    const s = await startTestServer({ dataDir: data });
    try {
      const r = await call(s.url, '/api/v4/user/whoami/', { headers: { 'x-user': 'alice', 'x-apikey': key } });
      assert.equal(r.status, 200);
      assert.equal(r.body.api_response.username, 'alice');
      const login = await call(s.url, '/api/v4/auth/login/', { method: 'POST', json: { user: 'alice', password: 'alice-pass-2' } });
      assert.equal(login.status, 200);
    } finally {
      await s.stop();
    }
    assert.match(cli('apikey', 'delete', 'alice', 'sensor'), /deleted/);
    assert.equal(cli('apikey', 'list', 'alice').trim(), '');
    const missing = runCli(['apikey', 'delete', 'alice', 'sensor', '--data', data]);
    assert.equal(missing.status, 1);
  });
});
