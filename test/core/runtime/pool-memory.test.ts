// The pool's memory ceiling over this process and its workers together, the high-water mark that holds tasks
// back, the per-task cap that follows from the ceiling, and idle workers stopped so memory comes back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixtureService, fixtureTask, type FixtureService } from '../../fixtures/services/index.js';
import { ServicePool, type RunOutcome, type RunRequest } from '../../../src/core/runtime/index.js';

const MiB = 1024 * 1024;
let base: string;
let filePath: string;

async function request(name: FixtureService, serviceConfig: Record<string, unknown> = {}, extra: Partial<RunRequest> = {}): Promise<RunRequest> {
  const workDir = await mkdtemp(join(base, 'task-'));
  return { modulePath: fixtureService(name), task: fixtureTask({ serviceConfig }), filePath, workDir, timeoutSeconds: 15, memoryMb: 1024, ...extra };
}

function rssMb(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Resident memory of this process and of an idle worker, measured with a throw-away pool. */
async function baseline(): Promise<{ mainMb: number; workerMb: number }> {
  const pool = new ServicePool({ size: 1 });
  try {
    assert.ok((await pool.run(await request('ok-service'))).ok);
    return { mainMb: process.memoryUsage.rss() / MiB, workerMb: rssMb(pool.stats().pids[0]!) };
  } finally {
    await pool.close();
  }
}

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'assay-pool-memory-'));
  filePath = join(base, 'sample.txt');
  await writeFile(filePath, 'hello');
});
after(() => rm(base, { recursive: true, force: true }));

describe('ServicePool memory ceiling', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  it('never allows a task more than the ceiling leaves after the server itself', async () => {
    const { mainMb } = await baseline();
    const ceilingMb = Math.ceil(mainMb) + 256;
    const pool = new ServicePool({ size: 1, memoryCeilingMb: ceilingMb, memorySampleMs: 50 });
    try {
      const cap = pool.stats().memory!.taskCapMb;
      assert.ok(cap <= ceilingMb - mainMb + 16 && cap >= 128, `cap ${cap} for a ${ceilingMb} MiB ceiling and a ${mainMb.toFixed(0)} MiB server`);
      // It asks for 1024 MiB; its worker's heap ceiling is the cap.
      assert.ok((await pool.run(await request('ok-service'))).ok);
      const argv = readFileSync(`/proc/${pool.stats().pids[0]}/cmdline`, 'utf8').split('\0');
      assert.ok(argv.includes(`--max-old-space-size=${cap}`), argv.join(' '));
      // One that grows without end is stopped near the cap, far below what it asked for.
      const o = await pool.run(await request('native-oom-service', { chunkMb: 8, maxMb: 2048 }));
      assert.ok(!o.ok && o.kind === 'oom', JSON.stringify(o));
      assert.match(o.message, new RegExp(`${cap} MiB|${ceilingMb} MiB memory ceiling`));
    } finally {
      await pool.close();
    }
  });

  it('stops the largest worker when the total passes the ceiling; its task fails as a recoverable out-of-memory', async () => {
    const { mainMb, workerMb } = await baseline();
    // Each task alone fits, two together do not.
    const holdMb = 256;
    const ceilingMb = Math.ceil(mainMb + 2 * workerMb + 1.5 * holdMb);
    const pool = new ServicePool({ size: 2, memoryCeilingMb: ceilingMb, memoryHighWaterMb: ceilingMb, memorySampleMs: 50 });
    try {
      const both = await Promise.all([
        request('hold-memory-service', { mb: holdMb, holdMs: 4000 }),
        request('hold-memory-service', { mb: holdMb + 64, holdMs: 4000 }),
      ]);
      const outcomes: RunOutcome[] = await Promise.all(both.map((r) => pool.run(r)));
      const stopped = outcomes.filter((o) => !o.ok);
      assert.equal(stopped.length, 1, JSON.stringify(outcomes));
      const o = stopped[0] as Extract<RunOutcome, { ok: false }>;
      assert.equal(o.kind, 'oom');
      assert.equal(o.recoverable, true);
      assert.match(o.message, new RegExp(`under the ${ceilingMb} MiB memory ceiling`));
      assert.ok(outcomes.some((x) => x.ok), 'the other task finished');
      const s = pool.stats();
      assert.ok(s.ceilingStops >= 1);
      assert.ok(s.memory!.peakMb > ceilingMb, `peak ${s.memory!.peakMb}`);
      // The pool goes on serving.
      assert.ok((await pool.run(await request('ok-service'))).ok);
    } finally {
      await pool.close();
    }
  });

  it('holds queued tasks back while the total is above the high-water mark', async () => {
    const { mainMb, workerMb } = await baseline();
    const holdMb = 256;
    // One held task puts the total above the mark; the ceiling is far away.
    const highWaterMb = Math.ceil(mainMb + 2 * workerMb + holdMb / 2);
    const pool = new ServicePool({ size: 2, memoryCeilingMb: highWaterMb * 4, memoryHighWaterMb: highWaterMb, memorySampleMs: 50 });
    try {
      const hog = pool.run(await request('hold-memory-service', { mb: holdMb, holdMs: 1500 }));
      // A second worker is free, but memory is not: the next task waits for the first to end.
      while ((pool.stats().memory?.totalMb ?? 0) <= highWaterMb) await sleep(20);
      const next = pool.run(await request('ok-service'));
      await sleep(200);
      assert.equal(pool.stats().queued, 1);
      const [h, n] = await Promise.all([hog, next]);
      assert.ok(h.ok && n.ok, JSON.stringify([h, n]));
      assert.ok(n.started >= h.completed, `${n.started} started before ${h.completed}`);
    } finally {
      await pool.close();
    }
  });

  it('charges a task on a worker that earlier tasks grew past its limit with what it adds', async () => {
    const pool = new ServicePool({ size: 1, rssCheckMs: 20 });
    try {
      assert.ok((await pool.run(await request('hold-memory-service', { mb: 192, holdMs: 300, keep: true }))).ok);
      // The worker now holds well over 128 MiB that is not the next task's.
      const small = await pool.run(await request('slow-service', { sleepMs: 300 }, { memoryMb: 128 }));
      assert.ok(small.ok, JSON.stringify(small));
      // Past its limit in what it adds, it is stopped as before.
      const o = await pool.run(await request('native-oom-service', { chunkMb: 8, maxMb: 1024 }, { memoryMb: 128 }));
      assert.ok(!o.ok && o.kind === 'oom' && !o.recoverable, JSON.stringify(o));
      assert.match(o.message, /grew by \d+ MiB \(to \d+ MiB\), more than the 128 MiB limit/);
    } finally {
      await pool.close();
    }
  });

  it('stops workers that stay idle, and forks again when work comes', async () => {
    const pool = new ServicePool({ size: 2, idleWorkerMs: 300 });
    try {
      assert.ok((await pool.run(await request('ok-service'))).ok);
      const pids = pool.stats().pids;
      assert.ok(pids.length >= 1);
      while (pool.stats().pids.length > 0) await sleep(50);
      assert.ok(pool.stats().idleRetired >= 1);
      for (const pid of pids) {
        while (alive(pid)) await sleep(20);
      }
      assert.ok((await pool.run(await request('ok-service'))).ok);
      assert.ok(pool.stats().pids.every((p) => !pids.includes(p)));
    } finally {
      await pool.close();
    }
  });
});
