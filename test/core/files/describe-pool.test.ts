// The describers: files are hashed and identified in child processes, many at a time, and describers that stay
// idle stop (their memory goes back) and start again when work comes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashFile } from '../../../src/sdk/hashes/file-hasher.js';
import { DescribePool } from '../../../src/core/files/describe-pool.js';

/** Describer processes that are children of this one (Linux). */
function describers(): number[] {
  const out: number[] = [];
  for (const t of readdirSync(`/proc/${process.pid}/task`)) {
    for (const c of readFileSync(`/proc/${process.pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) {
      try {
        if (readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('describe-worker')) out.push(Number(c));
      } catch {
        // gone meanwhile
      }
    }
  }
  return out;
}

describe('DescribePool', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  let dir: string;
  const paths: string[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assay-describe-'));
    for (let i = 0; i < 12; i++) {
      const p = join(dir, `f${i}`);
      // Random bytes starting with a magic number ("MZ" one time in 65,536) would be identified: the first is fixed.
      const noise = randomBytes(200_000 + i);
      noise[0] = 0;
      await writeFile(p, i % 2 ? `plain text file number ${i}\n`.repeat(50) : noise);
      paths.push(p);
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('describes many files at once, as the hasher and the identifier do, and stops idle describers', async () => {
    const pool = new DescribePool(2, 10, 500);
    try {
      const facts = await Promise.all(paths.map((p, i) => pool.describe(p, `name-${i}`)));
      const running = describers().length;
      assert.ok(running >= 1 && running <= 2, `${running} describers`);
      for (const [i, f] of facts.entries()) {
        assert.equal(f.sha256, (await hashFile(paths[i]!)).sha256);
        assert.equal(f.type, i % 2 ? 'text/plain' : 'unknown');
        assert.ok(Buffer.isBuffer(f.header) && f.header.length === 64);
      }
      while (describers().length > 0) await sleep(100);
      // Work after the stop starts a describer again.
      assert.equal((await pool.describe(paths[1]!)).type, 'text/plain');
      assert.equal(describers().length, 1);
    } finally {
      await pool.close();
    }
    assert.deepEqual(describers(), []);
  });

  it('fails the jobs of a describer that dies, and carries on with a new one', async () => {
    const pool = new DescribePool(1, 10, 0);
    try {
      await pool.describe(paths[0]!);
      const [pid] = describers();
      const doomed = Promise.all(paths.map((p) => pool.describe(p)));
      process.kill(pid!, 'SIGKILL');
      await assert.rejects(doomed, /exited/);
      assert.equal((await pool.describe(paths[3]!)).type, 'text/plain');
    } finally {
      await pool.close();
    }
  });

  it('rejects what is pending when closed', async () => {
    const pool = new DescribePool(1, 10, 0);
    const pending = assert.rejects(pool.describe(paths[0]!), /closed/);
    await pool.close();
    await pending;
    await assert.rejects(pool.describe(paths[0]!), /closed/);
  });
});
