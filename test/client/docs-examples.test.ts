// The scripts in docs/client.md's Examples section run as written against a live server (with the package
// import pointed at the source tree).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { remoteEnv } from '../cli/remote-support.js';
import { spawn } from 'node:child_process';

function examples(): { title: string; code: string }[] {
  const md = readFileSync(join(ROOT, 'docs', 'client.md'), 'utf8');
  const section = md.slice(md.indexOf('## Examples'), md.indexOf('## The commands'));
  return [...section.matchAll(/### (.+)\n\n```ts\n([\s\S]*?)```/g)].map((m) => ({ title: m[1]!, code: m[2]! }));
}

function runScript(file: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d.toString()));
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('docs/client.md examples', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'assay-docs-'));
  const samples = join(dir, 'samples');
  before(async () => {
    s = await startTestServer({ https: true, config: { services: { paths: [join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 } } });
    mkdirSync(samples);
    copyFileSync(join(ROOT, '..', 'shared', 'corpus', 'strelka-fixtures', 'test.txt'), join(samples, 'test.txt'));
    writeFileSync(join(samples, 'evil.txt'), 'EVIL inside');
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const expected: Record<string, RegExp[]> = {
    'A sensor: queue a directory, then collect the scores': [/evil\.txt = 1000/, /test\.txt = 0/],
    'Submit, wait, and list what was found': [/score 0/, /Scorer: Marker check of note\.txt \[SCORER\.3 0\]/],
    'Search every match, page after page': [/malicious: \w+/, /\d+ submissions/, /by submitter: \{ admin: \d+ \}/],
    'Ontology records and a safe download': [/Scorer [0-9a-f]{64} 0/, /CaRT bytes: \d+/],
  };

  it('has the examples this test knows', () => {
    assert.deepEqual(examples().map((e) => e.title), Object.keys(expected));
  });

  for (const [n, ex] of examples().entries()) {
    it(`runs: ${ex.title}`, { timeout: 150_000 }, async () => {
      const file = join(dir, `example-${n}.mts`);
      const src = pathToFileURL(join(ROOT, 'src', 'client', 'index.ts')).href;
      writeFileSync(file, ex.code.replace("from 'assay/client'", `from ${JSON.stringify(src)}`));
      const r = await runScript(file, [samples], remoteEnv(s));
      assert.equal(r.status, 0, r.stderr);
      for (const re of expected[ex.title] ?? []) assert.match(r.stdout, re);
    });
  }
});
