// Every way a service can fail comes back as the right outcome, and the pool keeps serving afterwards.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureService, fixtureTask, type FixtureService } from '../../fixtures/services/index.js';
import { ServicePool, type RunOutcome, type RunRequest } from '../../../src/core/runtime/index.js';

const ISO_US = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

let base: string;
let filePath: string;

async function request(name: FixtureService, serviceConfig: Record<string, unknown> = {}, extra: Partial<RunRequest> = {}): Promise<RunRequest> {
  const workDir = await mkdtemp(join(base, 'task-'));
  return { modulePath: fixtureService(name), task: fixtureTask({ serviceConfig }), filePath, workDir, timeoutSeconds: 10, memoryMb: 256, ...extra };
}

function failure(o: RunOutcome) {
  assert.equal(o.ok, false, `expected a failure, got ${JSON.stringify(o).slice(0, 300)}`);
  return o as Extract<RunOutcome, { ok: false }>;
}

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'assay-runtime-'));
  filePath = join(base, 'sample.txt');
  await writeFile(filePath, 'hello');
});
after(() => rm(base, { recursive: true, force: true }));

describe('ServicePool failure handling', () => {
  const logs: string[] = [];
  const logger = { info: (_: object, m: string) => logs.push(m), warn: () => {}, error: () => {} };
  let pool: ServicePool;
  before(() => {
    pool = new ServicePool({ size: 2, logger });
  });
  after(() => pool.close());

  /** The pool still runs a normal task. */
  async function assertServes(): Promise<void> {
    const o = await pool.run(await request('ok-service'));
    assert.equal(o.ok, true, JSON.stringify(o));
  }

  it('runs a service and returns its checked output', async () => {
    const req = await request('ok-service');
    const o = await pool.run(req);
    assert.ok(o.ok, JSON.stringify(o));
    assert.match(o.started, ISO_US);
    assert.match(o.completed, ISO_US);
    assert.ok(o.completed >= o.started);
    assert.equal(o.output.sections[0].heuristic?.id, 1);
    assert.deepEqual(o.output.sections[0].tags?.['network.static.domain'], ['evil.example']);
    assert.deepEqual(o.output.extracted, [{ name: 'child.txt', path: join(req.workDir, 'child.txt'), description: 'Text written by the fixture' }]);
    assert.match(readFileSync(join(req.workDir, 'child.txt'), 'utf8'), /^child a{64}\n$/);
    assert.ok(logs.includes('analysed 5 bytes'), 'ctx.log reaches the host logger');
  });

  it('creates the work directory only for a service that asks for it', async () => {
    const quiet = await request('slow-service', { sleepMs: 1 }, { workDir: join(base, 'never-made') });
    const q = await pool.run(quiet);
    assert.ok(q.ok && !q.workDirUsed, JSON.stringify(q));
    assert.equal(existsSync(quiet.workDir), false);
    const writer = await request('ok-service', {}, { workDir: join(base, 'made-on-demand') });
    const w = await pool.run(writer);
    assert.ok(w.ok && w.workDirUsed, JSON.stringify(w));
    assert.ok(existsSync(join(writer.workDir, 'child.txt')));
  });

  it('reports an exception from execute, non-recoverable unless the error says so, and reuses the worker', async () => {
    await assertServes();
    const spawned = pool.stats().spawned;
    const o = failure(await pool.run(await request('throw-service')));
    assert.equal(o.kind, 'exception');
    assert.equal(o.recoverable, false);
    assert.match(o.message, /cannot parse the file/);
    const r = failure(await pool.run(await request('throw-service', { recoverable: true })));
    assert.equal(r.kind, 'exception');
    assert.equal(r.recoverable, true);
    await assertServes();
    assert.equal(pool.stats().spawned, spawned, 'no worker was replaced');
  });

  it('reports a module that cannot be loaded as an exception', async () => {
    const o = failure(await pool.run({ ...(await request('ok-service')), modulePath: join(base, 'missing-service.js') }));
    assert.equal(o.kind, 'exception');
    assert.equal(o.recoverable, false);
    assert.match(o.message, /cannot load service module/);
  });

  for (const [mode, expected] of [
    ['exit', /exited with code 3/],
    ['abort', /SIGABRT/],
    ['segv', /SIGSEGV/],
    ['timer', /exited with code 1.*thrown in a timer/],
    ['rejection', /exited with code 1.*unhandled rejection/],
  ] as const) {
    it(`reports a worker crash (${mode}) as recoverable and replaces the worker`, async () => {
      const before = pool.stats().replaced;
      const o = failure(await pool.run(await request('crash-service', { mode })));
      assert.equal(o.kind, 'crash');
      assert.equal(o.recoverable, true);
      assert.match(o.message, expected);
      assert.equal(pool.stats().replaced, before + 1);
      await assertServes();
    });
  }

  it('kills a hanging service at its deadline and reports a recoverable timeout', async () => {
    const before = pool.stats().replaced;
    const t0 = performance.now();
    const o = failure(await pool.run(await request('hang-service', {}, { timeoutSeconds: 1 })));
    const elapsed = performance.now() - t0;
    assert.equal(o.kind, 'timeout');
    assert.equal(o.recoverable, true);
    assert.ok(elapsed >= 950 && elapsed < 5000, `took ${elapsed} ms`);
    assert.equal(pool.stats().replaced, before + 1);
    await assertServes();
  });

  it('stops a service filling the V8 heap and reports a non-recoverable oom', async () => {
    const o = failure(await pool.run(await request('oom-service', {}, { memoryMb: 192 })));
    assert.equal(o.kind, 'oom');
    assert.equal(o.recoverable, false);
    await assertServes();
  });

  it('stops a service allocating outside the V8 heap with the resident-memory watchdog', async () => {
    const o = failure(await pool.run(await request('native-oom-service', {}, { memoryMb: 256 })));
    assert.equal(o.kind, 'oom');
    assert.equal(o.recoverable, false);
    assert.match(o.message, /resident memory \d+ MiB exceeded the 256 MiB limit/);
    await assertServes();
  });

  it('holds a task to its own limit when it runs in a worker with a higher ceiling', async () => {
    // A 512 MiB worker is warm; the 256 MiB task runs there and is still stopped at 256 MiB.
    assert.ok((await pool.run(await request('ok-service', {}, { memoryMb: 512 }))).ok);
    const o = failure(await pool.run(await request('native-oom-service', {}, { memoryMb: 256 })));
    assert.equal(o.kind, 'oom');
    assert.match(o.message, /exceeded the 256 MiB limit/);
    await assertServes();
  });

  for (const variant of ['sections', 'tags', 'unknown-field', 'function', 'missing-file']) {
    it(`rejects malformed output (${variant})`, async () => {
      const o = failure(await pool.run(await request('bad-output-service', { variant })));
      assert.equal(o.kind, 'invalid-output');
      assert.equal(o.recoverable, false);
      await assertServes();
    });
  }

  for (const variant of ['dotdot', 'absolute', 'symlink']) {
    it(`rejects an extracted path outside the work directory (${variant})`, async () => {
      const o = failure(await pool.run(await request('escape-service', { variant })));
      assert.equal(o.kind, 'invalid-output');
      assert.match(o.message, /outside the work directory|escapes the work directory/);
      await assertServes();
    });
  }

  describe('abort signal', () => {
    it('fires before the hard kill, so a cooperative service returns partial output', async () => {
      const req = await request('slow-service', { sleepMs: 10_000, onAbort: 'return' }, { timeoutSeconds: 1 });
      const o = await pool.run(req);
      assert.ok(o.ok, JSON.stringify(o));
      assert.equal(o.output.partial, true);
      assert.equal(o.output.sections[0].title, 'aborted');
    });

    it('fires before the hard kill when the service ignores it', async () => {
      const before = pool.stats().replaced;
      const req = await request('slow-service', { sleepMs: 10_000, onAbort: 'ignore' }, { timeoutSeconds: 1 });
      const o = failure(await pool.run(req));
      assert.equal(o.kind, 'timeout');
      const marker = join(req.workDir, 'aborted.json');
      assert.ok(existsSync(marker), 'the service saw the abort');
      const { afterMs } = JSON.parse(readFileSync(marker, 'utf8')) as { afterMs: number };
      assert.ok(afterMs < 1000, `aborted after ${afterMs} ms`);
      assert.equal(pool.stats().replaced, before + 1);
    });

    it('turns a throw caused by the abort into a recoverable timeout and keeps the worker', async () => {
      await assertServes();
      const before = pool.stats().replaced;
      const req = await request('slow-service', { sleepMs: 10_000, onAbort: 'throw' }, { timeoutSeconds: 1 });
      const o = failure(await pool.run(req));
      assert.equal(o.kind, 'timeout');
      assert.equal(o.recoverable, true);
      assert.equal(pool.stats().replaced, before);
    });
  });

  it('counts outcomes', () => {
    const { outcomes } = pool.stats();
    assert.ok(outcomes.ok > 10);
    for (const k of ['timeout', 'crash', 'oom', 'exception', 'invalid-output'] as const) assert.ok(outcomes[k] > 0, k);
  });
});

describe('ServicePool without the resident-memory watchdog', () => {
  it('still stops a heap hog through the V8 heap limit', async () => {
    const pool = new ServicePool({ size: 1, rssCheckMs: 0 });
    try {
      const o = failure(await pool.run(await request('oom-service', {}, { memoryMb: 128 })));
      assert.equal(o.kind, 'oom');
      assert.match(o.message, /128 MiB heap/);
      assert.equal(o.recoverable, false);
    } finally {
      await pool.close();
    }
  });
});
