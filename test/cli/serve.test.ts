// `assay serve` as an operator runs it: first start, the printed curl line, HTTPS, restart, shutdown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exitOf, runCli, spawnCli, waitForOutput } from '../helpers/cli.js';

function curl(args: string[]): { status: number; body: any } {
  const r = spawnSync('curl', ['-s', '-w', '\n%{http_code}', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `curl failed: ${r.stderr}`);
  const lines = r.stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: JSON.parse(lines.join('\n')) };
}

/** Split a printed shell line into arguments (single-quoted words as the banner prints them). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('assay serve', () => {
  const data = mkdtempSync(join(tmpdir(), 'assay-serve-'));
  after(() => rmSync(data, { recursive: true, force: true }));

  it('documents every option in --help', () => {
    const r = runCli(['serve', '--help']);
    assert.equal(r.status, 0);
    for (const opt of ['--host', '--port', '--data', '--http', '--cert', '--key', '--config', '--log-level', 'ASSAY_PORT', 'ASSAY_ADMIN_APIKEY']) {
      assert.ok(r.stdout.includes(opt), `help mentions ${opt}`);
    }
  });

  it('first start over HTTPS prints credentials and a curl line that works as written', async () => {
    const child = spawnCli(['serve', '--data', data, '--host', '127.0.0.1', '--port', '0']);
    try {
      const out = await waitForOutput(child, /curl .*whoami\/\n/);
      assert.match(out, /listening on https:\/\/127\.0\.0\.1:\d+/);
      assert.match(out, /password: \S{12,}/);
      const curlLine = out.split('\n').find((l) => l.trim().startsWith('curl '))!;
      const words = shellWords(curlLine.trim()).slice(1);
      const ok = curl(words);
      assert.equal(ok.status, 200);
      assert.equal(ok.body.api_response.username, 'admin');
      assert.equal(ok.body.api_status_code, 200);
      const key = /x-apikey: ([^']+)/.exec(curlLine)![1]!;
      const url = words.at(-1)!;
      const bad = curl(['-k', '-H', 'x-user: admin', '-H', `x-apikey: ${key}WRONG`, '-H', 'accept: application/json', url]);
      assert.equal(bad.status, 401);
      assert.equal(bad.body.api_error_message, 'Invalid user or APIKey');
      // Without -k the self-signed certificate is refused, as it should be.
      const strict = spawnSync('curl', ['-s', '-o', '/dev/null', url]);
      assert.notEqual(strict.status, 0);
      assert.match(readFileSync(join(data, 'tls', 'cert.pem'), 'utf8'), /BEGIN CERTIFICATE/);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exitOf(child), 0, 'clean exit on SIGTERM');
    }
  });

  it('later starts create nothing and keep the certificate; SIGINT stops cleanly', async () => {
    const certBefore = readFileSync(join(data, 'tls', 'cert.pem'), 'utf8');
    const child = spawnCli(['serve', '--data', data, '--host', '127.0.0.1', '--port', '0']);
    try {
      const out = await waitForOutput(child, /Sign in with an existing account/);
      assert.ok(!/password:/.test(out));
      assert.equal(readFileSync(join(data, 'tls', 'cert.pem'), 'utf8'), certBefore);
    } finally {
      child.kill('SIGINT');
      assert.equal(await exitOf(child), 0);
    }
  });

  it('takes credentials from the environment and serves plain HTTP with --http', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'assay-serve-env-'));
    const child = spawnCli(['serve', '--data', d2, '--http'], {
      ASSAY_HOST: '127.0.0.1',
      ASSAY_PORT: '0',
      ASSAY_ADMIN_PASSWORD: 'chosen-password-1',
      ASSAY_ADMIN_APIKEY: 'auto:chosen-secret-2',
    });
    try {
      const out = await waitForOutput(child, /whoami\/\n/);
      assert.ok(!out.includes('chosen-password-1') && !out.includes('chosen-secret-2'), 'secrets from env are not echoed');
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      const r = await fetch(`${url}/api/v4/user/whoami/`, { headers: { 'x-user': 'admin', 'x-apikey': 'auto:chosen-secret-2' } });
      assert.equal(r.status, 200);
      const login = await fetch(`${url}/api/v4/auth/login/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'admin', password: 'chosen-password-1' }),
      });
      assert.equal(login.status, 200);
    } finally {
      child.kill('SIGTERM');
      await exitOf(child);
      rmSync(d2, { recursive: true, force: true });
    }
  });

  it('explains a port it may not bind', () => {
    // Port 1 needs privileges unless this runs as root; as root, bind a port that is already taken instead.
    const r = runCli(['serve', '--data', data, '--host', '127.0.0.1', '--port', process.getuid?.() === 0 ? '5432' : '1']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /permission denied|already in use/);
  });
});
