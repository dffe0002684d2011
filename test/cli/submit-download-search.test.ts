// `assay submit`, `assay download` and `assay search` against a server whose test analyser scores by content:
// verdicts and exit codes, the three download encodings, and search output.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { remoteEnv, runCliAsync } from './remote-support.js';

describe('assay submit / download / search', () => {
  let s: TestServer;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'assay-submit-cli-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  before(async () => {
    s = await startTestServer({ https: true, config: { services: { paths: [join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 } } });
    env = remoteEnv(s);
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints verdict and score per file; the exit status is the worst verdict', { timeout: 120_000 }, async () => {
    const plain = file('plain.txt', 'harmless words');
    const sus = file('sus.txt', 'SUSPICIOUS words');
    const evil = file('evil.txt', 'EVIL words');
    const clean = await runCliAsync(['submit', plain], env);
    assert.equal(clean.status, 0, clean.stderr);
    assert.match(clean.stdout, /^info\s+0\s+\S*plain\.txt\s+\w+\n$/);
    const two = await runCliAsync(['submit', plain, sus, '--json'], env);
    assert.equal(two.status, 2, two.stderr);
    const lines = two.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.verdict, l.score]), [['info', 0], ['suspicious', 300]]);
    assert.equal(lines[1].sha256, createHash('sha256').update('SUSPICIOUS words').digest('hex'));
    const bad = await runCliAsync(['submit', plain, evil, sus, '--param', 'priority=500', '--metadata', 'case=42'], env);
    assert.equal(bad.status, 3, bad.stderr);
    assert.match(bad.stdout, /malicious\s+1000\s+\S*evil\.txt/);
    const missing = await runCliAsync(['submit', join(dir, 'nope.bin')], env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /does not exist/);
    // The seed's variable names work too, and without --insecure the self-signed certificate is refused.
    const seedEnv = { AL_HOST: s.url, AL_USER: env.ASSAY_USER!, AL_APIKEY: env.ASSAY_APIKEY!, ASSAY_INSECURE: '1' };
    assert.equal((await runCliAsync(['submit', plain], seedEnv)).status, 0);
    const strict = await runCliAsync(['submit', plain, '--retries', '0'], { ...env, ASSAY_INSECURE: '' });
    assert.equal(strict.status, 1);
    assert.match(strict.stderr, /certificate/i);
  });

  it('downloads as CaRT by default, raw or zip on request, to a file or stdout', { timeout: 60_000 }, async () => {
    const text = 'EVIL bytes to download';
    const sha = createHash('sha256').update(text).digest('hex');
    assert.equal((await runCliAsync(['submit', file('dl.txt', text)], env)).status, 3);
    const cartOut = join(dir, 'out.cart');
    const cart = await runCliAsync(['download', sha, '-o', cartOut], env);
    assert.equal(cart.status, 0, cart.stderr);
    assert.equal(readFileSync(cartOut).subarray(0, 4).toString(), 'CART');
    const raw = await runCliAsync(['download', sha, '--encoding', 'raw', '-o', '-'], env);
    assert.equal(raw.stdout, text);
    const zipOut = join(dir, 'out.zip');
    assert.equal((await runCliAsync(['download', sha, '--encoding', 'zip', '-o', zipOut], env)).status, 0);
    assert.equal(readFileSync(zipOut).subarray(0, 2).toString(), 'PK');
    const unknown = await runCliAsync(['download', '0'.repeat(64), '-o', join(dir, 'x')], env);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /not found/i);
  });

  it('searches an index and prints the chosen fields, a page as JSON, or every match', { timeout: 60_000 }, async () => {
    assert.equal((await runCliAsync(['submit', file('s1.txt', 'SUSPICIOUS one'), file('s2.txt', 'SUSPICIOUS two')], env)).status, 2);
    const table = await runCliAsync(['search', 'submission', 'max_score:300', '--fl', 'sid,max_score', '--rows', '100'], env);
    assert.equal(table.status, 0, table.stderr);
    const rows = table.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.ok(rows.length >= 2);
    assert.ok(rows.every((r) => r.length === 2 && r[1] === '300'));
    const json = await runCliAsync(['search', 'submission', 'max_score:300', '--json', '--rows', '1'], env);
    const page = JSON.parse(json.stdout);
    assert.equal(page.items.length, 1);
    assert.ok(page.total >= 2);
    const every = await runCliAsync(['search', 'submission', 'id:*', '--all', '--fl', 'sid'], env);
    const sids = every.stdout.trim().split('\n');
    assert.equal(new Set(sids).size, sids.length);
    assert.ok(sids.length >= rows.length);
    const badIndex = await runCliAsync(['search', 'nope', 'id:*'], env);
    assert.equal(badIndex.status, 1);
    assert.match(badIndex.stderr, /unknown index/);
  });
});
