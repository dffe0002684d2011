// `assay ingest` resumes from its state file: unchanged files are not sent again, changed and new ones are, and
// a file touched without a change in content is recognised by its hash.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { remoteEnv, runCliAsync } from './remote-support.js';

describe('assay ingest resumes', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'assay-ingest-resume-'));
  const tree = join(dir, 'tree');
  const state = join(dir, 'state.json');
  before(async () => {
    s = await startTestServer({ https: true });
    mkdirSync(join(tree, 'a', 'b'), { recursive: true });
    writeFileSync(join(tree, 'one.txt'), 'one');
    writeFileSync(join(tree, 'a', 'two.txt'), 'two');
    writeFileSync(join(tree, 'a', 'b', 'three.txt'), 'three');
    writeFileSync(join(tree, 'a', 'empty.txt'), '');
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const ingest = async (...extra: string[]) => {
    const r = await runCliAsync(['ingest', tree, '--nq', 'resume', '--state', state, ...extra], remoteEnv(s));
    assert.equal(r.status, 0, r.stderr);
    return { sent: r.stdout.trim() ? r.stdout.trim().split('\n').map((l) => l.split('\t')[2]) : [], stderr: r.stderr };
  };

  it('sends each file once, then only what changed or is new', { timeout: 120_000 }, async () => {
    const first = await ingest('--concurrency', '2');
    assert.deepEqual(first.sent.sort(), [join(tree, 'a', 'b', 'three.txt'), join(tree, 'a', 'two.txt'), join(tree, 'one.txt')]);
    assert.match(first.stderr, /skipped .*empty\.txt: empty file/);
    const recorded = JSON.parse(readFileSync(state, 'utf8'));
    assert.equal(Object.keys(recorded.files).length, 3);
    assert.match(recorded.files[join(tree, 'one.txt')].sha256, /^[0-9a-f]{64}$/);

    writeFileSync(join(tree, 'a', 'two.txt'), 'two, changed');
    writeFileSync(join(tree, 'four.txt'), 'four');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(tree, 'one.txt'), later, later);
    const second = await ingest();
    assert.deepEqual(second.sent.sort(), [join(tree, 'a', 'two.txt'), join(tree, 'four.txt')]);
    assert.match(second.stderr, /2 sent, 2 already sent, 1 empty, 0 failed/);

    const third = await ingest();
    assert.deepEqual(third.sent, []);

    writeFileSync(state, '{ not json');
    const broken = await runCliAsync(['ingest', tree, '--nq', 'resume', '--state', state], remoteEnv(s));
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /state file .* is not valid JSON/);
  });
});
