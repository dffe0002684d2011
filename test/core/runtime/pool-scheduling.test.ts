// Queueing, concurrency, memory classes, worker start failures and shutdown of the service pool.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixtureService, fixtureTask, type FixtureService } from '../../fixtures/services/index.js';
import { ServicePool, type RunOutcome, type RunRequest } from '../../../src/core/runtime/index.js';

let base: string;
let filePath: string;

async function request(name: FixtureService, serviceConfig: Record<string, unknown> = {}, extra: Partial<RunRequest> = {}): Promise<RunRequest> {
  const workDir = await mkdtemp(join(base, 'task-'));
  return { modulePath: fixtureService(name), task: fixtureTask({ serviceConfig }), filePath, workDir, timeoutSeconds: 10, memoryMb: 256, ...extra };
}

const ms = (iso: string) => Date.parse(iso);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Runs tasks until the pool has `n` idle workers (workers start in the background, and a warm one may take
 * every task while the others are still starting). */
async function warm(pool: ServicePool, n: number): Promise<void> {
  while (pool.stats().idle < n) {
    await Promise.all(Array.from({ length: n }, async () => assert.ok((await pool.run(await request('ok-service'))).ok)));
  }
}

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'assay-runtime-'));
  filePath = join(base, 'sample.txt');
  await writeFile(filePath, 'hello');
});
after(() => rm(base, { recursive: true, force: true }));

describe('ServicePool scheduling', () => {
  it('runs as many tasks at once as it has workers and queues the rest in order', async () => {
    const pool = new ServicePool({ size: 2 });
    try {
      await warm(pool, 2);
      assert.equal(pool.stats().spawned, 2);
      const slow = await Promise.all([0, 1, 2].map(() => request('slow-service', { sleepMs: 600 })));
      const runs = slow.map((r) => pool.run(r));
      await sleep(50);
      const s = pool.stats();
      assert.equal(s.busy, 2);
      assert.equal(s.queued, 1);
      const [a, b, c] = (await Promise.all(runs)) as Array<Extract<RunOutcome, { ok: true }>>;
      assert.ok(a.ok && b.ok && c.ok);
      // The first two ran side by side; the third started only when one of them had finished.
      assert.ok(Math.abs(ms(a.started) - ms(b.started)) < 300, `${a.started} vs ${b.started}`);
      assert.ok(ms(c.started) >= Math.min(ms(a.completed), ms(b.completed)), `${c.started} before any slot was free`);
      assert.equal(pool.stats().spawned, 2, 'workers were reused');
    } finally {
      await pool.close();
    }
  });

  it('runs higher-priority tasks first, in arrival order within a priority', async () => {
    const pool = new ServicePool({ size: 1 });
    try {
      await warm(pool, 1);
      const order: string[] = [];
      const track = async (label: string, req: RunRequest) => {
        const o = await pool.run(req);
        order.push(label);
        return o;
      };
      const [busy, low1, low2, high] = [
        await request('slow-service', { sleepMs: 300 }),
        await request('ok-service', {}, { priority: 0 }),
        await request('ok-service', {}, { priority: 0 }),
        await request('ok-service', {}, { priority: 5 }),
      ];
      const first = track('busy', busy);
      await sleep(20);
      await Promise.all([first, track('low-1', low1), track('low-2', low2), track('high', high)]);
      assert.deepEqual(order, ['busy', 'high', 'low-1', 'low-2']);
    } finally {
      await pool.close();
    }
  });

  it('retires a worker too small for a task, and lets a larger worker run smaller tasks', async () => {
    const pool = new ServicePool({ size: 1 });
    try {
      assert.ok((await pool.run(await request('ok-service', {}, { memoryMb: 256 }))).ok);
      assert.ok((await pool.run(await request('ok-service', {}, { memoryMb: 256 }))).ok);
      assert.deepEqual([pool.stats().spawned, pool.stats().recycled], [1, 0]);
      assert.ok((await pool.run(await request('ok-service', {}, { memoryMb: 320 }))).ok);
      assert.deepEqual([pool.stats().spawned, pool.stats().recycled, pool.stats().replaced], [2, 1, 0]);
      // Services with different limits now share the 320 MiB worker: no more forks.
      for (const memoryMb of [256, 320, 256, 320]) assert.ok((await pool.run(await request('ok-service', {}, { memoryMb }))).ok);
      assert.deepEqual([pool.stats().spawned, pool.stats().recycled], [2, 1]);
    } finally {
      await pool.close();
    }
  });

  it('retires a worker after maxTasksPerWorker tasks', async () => {
    const pool = new ServicePool({ size: 1, maxTasksPerWorker: 2 });
    try {
      for (let i = 0; i < 3; i++) assert.ok((await pool.run(await request('ok-service'))).ok);
      assert.deepEqual([pool.stats().spawned, pool.stats().recycled], [2, 1]);
    } finally {
      await pool.close();
    }
  });

  it('fails a task as a recoverable crash when no worker can start', async () => {
    const pool = new ServicePool({ size: 1, startTimeoutMs: 1 });
    try {
      const o = await pool.run(await request('ok-service'));
      assert.ok(!o.ok && o.kind === 'crash' && o.recoverable, JSON.stringify(o));
      assert.match(o.message, /no worker could be started/);
      await sleep(100);
      assert.equal(pool.stats().spawned, 1, 'a failing start is not retried in a loop');
    } finally {
      await pool.close();
    }
  });

  it('rejects malformed requests', async () => {
    const pool = new ServicePool({ size: 1 });
    try {
      await assert.rejects(pool.run({ ...(await request('ok-service')), modulePath: 'relative/service.js' }), TypeError);
      await assert.rejects(pool.run({ ...(await request('ok-service')), timeoutSeconds: 0 }), TypeError);
      await assert.rejects(pool.run({ ...(await request('ok-service')), memoryMb: 8 }), TypeError);
      assert.equal(pool.stats().spawned, 0);
    } finally {
      await pool.close();
    }
  });
});

describe('ServicePool.close', () => {
  it('ends running and queued tasks, and leaves no worker process or process group behind', async () => {
    const pool = new ServicePool({ size: 2 });
    try {
      await warm(pool, 2);
      const running = [pool.run(await request('hang-service')), pool.run(await request('slow-service', { sleepMs: 5000 }))];
      const queued = pool.run(await request('ok-service'));
      // On a loaded machine the two tasks take a moment to reach their workers.
      for (let i = 0; i < 100 && pool.stats().busy < 2; i++) await sleep(50);
      const { pids, busy, queued: waiting } = pool.stats();
      assert.deepEqual([pids.length, busy, waiting], [2, 2, 1]);
      await pool.close();
      for (const o of await Promise.all([...running, queued])) {
        assert.ok(!o.ok && o.kind === 'crash' && o.recoverable && /closed/.test(o.message), JSON.stringify(o));
      }
      for (const pid of pids) {
        assert.equal(alive(pid), false, `worker ${pid} is still alive`);
        // Each worker leads its own process group; nothing it started may survive it.
        assert.equal(alive(-pid), false, `process group ${pid} still has members`);
      }
      assert.deepEqual(pool.stats().pids, []);
      await assert.rejects(pool.run(await request('ok-service')), /closed/);
    } finally {
      await pool.close();
    }
  });

  it('resolves at once for a pool that never started a worker', async () => {
    const pool = new ServicePool();
    await pool.close();
    assert.equal(pool.stats().spawned, 0);
  });
});
