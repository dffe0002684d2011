// The pool of worker processes that runs service tasks.
//
// Memory classes: a worker's heap ceiling is fixed when it is forked (V8's --max-old-space-size cannot change
// later). A task's own limit is enforced by the resident-memory watchdog, so a worker may run any task whose limit
// is at most its ceiling. A queued task takes an idle worker of its class, else the smallest idle worker above
// it; otherwise a new worker is forked if there is room, with the largest ceiling asked for so far so that it can
// serve every service seen; otherwise an idle worker too small for it is retired to make room. Analysers with
// different limits thus share warm workers instead of retiring each other's.
//
// Workers are forked when first needed. One that dies or is killed because of a task is replaced at once (when
// there is room and memory), so the next task does not pay the start-up. One idle for `idleWorkerMs` is stopped:
// a worker keeps what its tasks grew (WebAssembly memories never shrink), and an idle server should give it back.
//
// Memory ceiling: the resident memory of this process and of every worker is sampled together. Above the
// high-water mark queued tasks wait (unless nothing is running, so the queue always moves); above the ceiling
// the worker with the most resident memory is stopped and its task ends as a recoverable out-of-memory, which
// the dispatcher retries like any recoverable failure, once memory has come down.

import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { isoDate } from '../util/time.js';
import { MIN_MEMORY_MB } from './manifest.js';
import { memoryLimits, sampleMemory, type MemoryLimits, type MemorySample } from './memory.js';
import type { PoolOptions, PoolStats, RunOutcome, RunRequest } from './types.js';
import { WorkerProcess } from './worker.js';

const MiB = 1024 * 1024;

type Job = { req: RunRequest; memoryMb: number; priority: number; seq: number; resolve: (o: RunOutcome) => void };

export class ServicePool {
  private readonly size: number;
  private readonly defaultMemoryMb: number;
  private readonly rssCheckMs: number;
  /** The largest memory limit asked for so far: new workers get it as their ceiling. */
  private largestClass = 0;
  private readonly maxTasksPerWorker: number;
  private readonly startTimeoutMs: number;
  private readonly workers = new Set<WorkerProcess>();
  private readonly queue: Job[] = [];
  /** Dead workers already counted and replaced (a loss is noticed both by its task and by its exit). */
  private readonly lostWorkers = new WeakSet<WorkerProcess>();
  private seq = 0;
  private closed = false;
  private counts = { spawned: 0, replaced: 0, recycled: 0, startMsTotal: 0, started: 0, lastStartMs: null as number | null, ceilingStops: 0, idleRetired: 0 };
  private readonly limits: MemoryLimits | null;
  private readonly idleWorkerMs: number;
  private readonly sampleMs: number;
  private lastSample: MemorySample<WorkerProcess> | null = null;
  private peakMb = 0;
  /** Samples memory and retires idle workers while any worker is alive. */
  private housekeeping: NodeJS.Timeout | null = null;
  private outcomes: PoolStats['outcomes'] = { ok: 0, timeout: 0, crash: 0, oom: 0, exception: 0, 'invalid-output': 0 };

  constructor(private readonly opts: PoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? availableParallelism()));
    this.defaultMemoryMb = opts.defaultMemoryMb ?? 1024;
    this.rssCheckMs = opts.rssCheckMs ?? 100;
    this.maxTasksPerWorker = opts.maxTasksPerWorker ?? 1000;
    this.startTimeoutMs = opts.startTimeoutMs ?? 30_000;
    if (!(Number.isSafeInteger(this.defaultMemoryMb) && this.defaultMemoryMb >= MIN_MEMORY_MB)) {
      throw new RangeError(`defaultMemoryMb must be an integer of at least ${MIN_MEMORY_MB}`);
    }
    this.idleWorkerMs = opts.idleWorkerMs ?? 60_000;
    this.sampleMs = opts.memorySampleMs ?? 200;
    const ceiling = opts.memoryCeilingMb ?? 0;
    this.limits = ceiling > 0 ? memoryLimits(ceiling, opts.memoryHighWaterMb, process.memoryUsage.rss() / MiB, MIN_MEMORY_MB) : null;
  }

  /**
   * Runs one task in a worker. Resolves with the outcome whatever the service does; rejects only for a
   * malformed request or a closed pool.
   */
  run(req: RunRequest): Promise<RunOutcome> {
    if (this.closed) return Promise.reject(new Error('the service pool is closed'));
    const memoryMb = req.memoryMb ?? this.defaultMemoryMb;
    const problem = !isAbsolute(req.modulePath)
      ? 'modulePath must be absolute'
      : !isAbsolute(req.workDir)
        ? 'workDir must be absolute'
        : !(Number.isFinite(req.timeoutSeconds) && req.timeoutSeconds > 0)
          ? 'timeoutSeconds must be a positive number'
          : !(Number.isSafeInteger(memoryMb) && memoryMb >= MIN_MEMORY_MB)
            ? `memoryMb must be an integer of at least ${MIN_MEMORY_MB}`
            : null;
    if (problem) return Promise.reject(new TypeError(problem));
    return new Promise((resolve) => {
      // What a task may use is bounded by what the server leaves of the ceiling, whatever its manifest asks.
      const job: Job = { req, memoryMb: Math.min(memoryMb, this.limits?.taskCapMb ?? memoryMb), priority: req.priority ?? 0, seq: this.seq++, resolve };
      // Kept sorted by priority (descending), then arrival; new jobs usually belong at the end.
      let i = this.queue.length;
      while (i > 0 && this.queue[i - 1].priority < job.priority) i--;
      this.queue.splice(i, 0, job);
      this.pump();
    });
  }

  stats(): PoolStats {
    const by = { starting: 0, idle: 0, busy: 0 };
    const pids: number[] = [];
    for (const w of this.workers) {
      if (w.state !== 'dead') by[w.state]++;
      if (w.pid !== undefined) pids.push(w.pid);
    }
    const { spawned, replaced, recycled, started, startMsTotal, lastStartMs } = this.counts;
    return {
      size: this.size,
      ...by,
      queued: this.queue.length,
      pids,
      spawned,
      replaced,
      recycled,
      startMs: { last: lastStartMs, mean: started ? startMsTotal / started : null },
      outcomes: { ...this.outcomes },
      memory: this.memoryStats(),
      ceilingStops: this.counts.ceilingStops,
      idleRetired: this.counts.idleRetired,
    };
  }

  private memoryStats(): PoolStats['memory'] {
    if (!this.limits) return null;
    const s = this.lastSample;
    const mainMb = s?.mainMb ?? process.memoryUsage.rss() / MiB;
    const totalMb = s?.totalMb ?? mainMb;
    return { ...this.limits, mainMb, workersMb: totalMb - mainMb, totalMb, peakMb: Math.max(this.peakMb, totalMb) };
  }

  /** Kills every worker and ends queued and running tasks as recoverable crashes. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopHousekeeping();
    const now = isoDate();
    for (const job of this.queue.splice(0)) {
      job.resolve({ ok: false, kind: 'crash', message: 'the service pool was closed', recoverable: true, started: now, completed: now });
    }
    const all = [...this.workers];
    for (const w of all) w.kill('pool closed', { kind: 'crash', message: 'the service pool was closed', recoverable: true });
    await Promise.all(all.map((w) => w.exited));
  }

  /** Hands queued jobs to workers, forking or retiring workers as the memory classes require. */
  private pump(): void {
    if (this.closed) return;
    const idle = new Map<number, WorkerProcess[]>();
    const starting = new Map<number, number>();
    let live = 0;
    let busy = 0;
    for (const w of this.workers) {
      if (w.state === 'dead') continue;
      live++;
      if (w.state === 'busy') busy++;
      if (w.state === 'idle') idle.set(w.memoryMb, [...(idle.get(w.memoryMb) ?? []), w]);
      if (w.state === 'starting') starting.set(w.memoryMb, (starting.get(w.memoryMb) ?? 0) + 1);
    }
    // Classes able to run a job: its own first, then larger ones, smallest first.
    const fitting = (map: Map<number, unknown>, mb: number) => [...map.keys()].filter((c) => c >= mb).sort((a, b) => a - b);
    for (let i = 0; i < this.queue.length; i++) {
      const job = this.queue[i];
      this.largestClass = Math.max(this.largestClass, job.memoryMb);
      // Over the high-water mark the queue waits for the running tasks (a sample below the mark resumes it).
      if (busy > 0 && this.memoryHigh()) break;
      const cls = fitting(idle, job.memoryMb).find((c) => (idle.get(c)?.length ?? 0) > 0);
      const w = cls === undefined ? undefined : idle.get(cls)!.pop();
      if (w) {
        this.queue.splice(i--, 1);
        this.dispatch(w, job);
        busy++;
        continue;
      }
      // A worker that can run it is on its way; the job waits for it (it is picked up when it reports ready).
      const startingCls = fitting(starting, job.memoryMb).find((c) => (starting.get(c) ?? 0) > 0);
      if (startingCls !== undefined) {
        starting.set(startingCls, starting.get(startingCls)! - 1);
        continue;
      }
      if (live >= this.size) {
        // Only a worker too small for this job is worth retiring; the smallest goes first.
        const small = [...idle.keys()].filter((c) => c < job.memoryMb && idle.get(c)!.length > 0).sort((a, b) => a - b)[0];
        const other = small === undefined ? undefined : idle.get(small)!.pop();
        if (!other) break; // every worker is busy or starting: later jobs wait their turn
        this.counts.recycled++;
        other.retire(`making room for a ${job.memoryMb} MiB task`);
        live--;
      }
      this.spawn(this.largestClass);
      live++;
    }
  }

  private spawn(memoryMb: number): WorkerProcess {
    const { logger, env } = this.opts;
    const niceness = this.opts.niceness ?? 10;
    const w = new WorkerProcess({ memoryMb, rssCheckMs: this.rssCheckMs, startTimeoutMs: this.startTimeoutMs, env, logger, niceness });
    this.workers.add(w);
    this.counts.spawned++;
    this.startHousekeeping();
    w.ready.then(
      () => {
        this.counts.started++;
        this.counts.startMsTotal += w.startMs ?? 0;
        this.counts.lastStartMs = w.startMs;
        this.pump();
      },
      () => {}, // handled when it exits (see onExit)
    );
    void w.exited.then(() => this.onExit(w));
    return w;
  }

  private dispatch(w: WorkerProcess, job: Job): void {
    // The task's own limit, which may be below the worker's ceiling, is what the watchdog enforces.
    void w.run({ ...job.req, memoryMb: job.memoryMb }).then((outcome) => {
      this.outcomes[outcome.ok ? 'ok' : outcome.kind]++;
      if (!outcome.ok && outcome.kind === 'invalid-output' && w.state !== 'dead') {
        // A worker that sent junk may be in any state; it does not get another task.
        w.kill('sent invalid output');
      } else if (w.state === 'idle' && w.tasks >= this.maxTasksPerWorker) {
        this.counts.recycled++;
        w.retire('task limit reached');
      }
      if (w.state === 'dead') this.lost(w);
      if (!outcome.ok) {
        const level = outcome.kind === 'exception' ? 'info' : 'warn';
        this.opts.logger?.[level]({ modulePath: job.req.modulePath, sha256: job.req.task.sha256, kind: outcome.kind }, outcome.message);
      }
      job.resolve(outcome);
      this.pump();
    });
  }

  /** Counts and replaces a worker lost to a failure; called when the loss is first noticed. */
  private lost(w: WorkerProcess): void {
    if (this.closed || w.retired || this.lostWorkers.has(w)) return;
    this.lostWorkers.add(w);
    this.counts.replaced++;
    this.opts.logger?.warn({ pid: w.pid, memoryMb: w.memoryMb, reason: w.killReason ?? 'exited' }, 'service worker replaced');
    // Replaced right away so the next task of this class finds a warm worker.
    let live = 0;
    for (const x of this.workers) if (x.state !== 'dead') live++;
    // Not while memory is short: the worker may have been stopped to make room.
    if (live < this.size && !this.memoryHigh()) this.spawn(w.memoryMb);
  }

  /** The last sample is above the high-water mark. */
  private memoryHigh(): boolean {
    return this.limits !== null && this.lastSample !== null && this.lastSample.totalMb > this.limits.highWaterMb;
  }

  private startHousekeeping(): void {
    if (this.housekeeping || (!this.limits && !this.idleWorkerMs)) return;
    const every = this.limits ? this.sampleMs : Math.min(this.sampleMs * 5, this.idleWorkerMs);
    this.housekeeping = setInterval(() => this.tick(), every);
    // Housekeeping alone must not keep the process alive.
    this.housekeeping.unref();
  }

  private stopHousekeeping(): void {
    if (this.housekeeping) clearInterval(this.housekeeping);
    this.housekeeping = null;
    this.lastSample = null;
  }

  private tick(): void {
    if (this.closed) return;
    if (this.workers.size === 0 && this.queue.length === 0) return this.stopHousekeeping();
    if (this.limits) {
      const sample = sampleMemory([...this.workers].filter((w) => w.state !== 'dead'));
      for (const [w, mb] of sample.workers) w.noteRss(mb * MiB);
      this.lastSample = sample;
      this.peakMb = Math.max(this.peakMb, sample.totalMb);
      this.enforceCeiling(sample, this.limits);
    }
    this.retireIdle();
    this.pump(); // tasks held back start once memory is below the mark
  }

  /** Above the ceiling, the worker with the most resident memory goes (its task may be retried later). */
  private enforceCeiling(sample: MemorySample<WorkerProcess>, limits: MemoryLimits): void {
    if (sample.totalMb <= limits.ceilingMb) return;
    let largest: WorkerProcess | undefined;
    let largestMb = 0;
    for (const [w, mb] of sample.workers) {
      if (w.state !== 'dead' && mb > largestMb) [largest, largestMb] = [w, mb];
    }
    if (!largest) return; // the server alone: nothing here can help, and no task starts while it lasts but one
    this.counts.ceilingStops++;
    const total = Math.round(sample.totalMb);
    this.opts.logger?.warn({ pid: largest.pid, rssMb: Math.round(largestMb), totalMb: total, ceilingMb: limits.ceilingMb }, 'memory ceiling reached; stopping the largest worker');
    if (largest.state !== 'busy') return largest.retire('memory ceiling');
    // A task that alone needs more than the server leaves of the ceiling would fail again: that one is final.
    const alone = largestMb > limits.taskCapMb;
    const message = alone
      ? `resident memory ${Math.round(largestMb)} MiB exceeded the ${limits.taskCapMb} MiB a task may use under the ${limits.ceilingMb} MiB memory ceiling`
      : `stopped to keep the server and its workers under the ${limits.ceilingMb} MiB memory ceiling (${total} MiB in all, ${Math.round(largestMb)} MiB in this worker)`;
    largest.kill('memory ceiling', { kind: 'oom', message, recoverable: !alone });
  }

  private retireIdle(): void {
    if (!this.idleWorkerMs) return;
    const now = performance.now();
    for (const w of this.workers) {
      if (w.state !== 'idle' || now - w.idleSince < this.idleWorkerMs) continue;
      this.counts.idleRetired++;
      w.retire(`idle for ${Math.round((now - w.idleSince) / 1000)} s`);
    }
  }

  private onExit(w: WorkerProcess): void {
    this.workers.delete(w);
    if (this.closed) return;
    if (w.startError) {
      // A worker that cannot start fails the first task waiting for its class instead of being forked again
      // in a loop: start-up failures (a broken install, no memory for a new process) tend to repeat.
      this.opts.logger?.error({ err: w.startError, memoryMb: w.memoryMb }, 'service worker failed to start');
      const i = this.queue.findIndex((j) => j.memoryMb === w.memoryMb);
      if (i >= 0) {
        const [job] = this.queue.splice(i, 1);
        const now = isoDate();
        const message = `no worker could be started: ${w.startError.message}`;
        job.resolve({ ok: false, kind: 'crash', message, recoverable: true, started: now, completed: now });
      }
    } else if (w.startMs !== null) {
      this.lost(w);
    }
    this.pump();
  }
}
