// One worker process seen from the host: spawning it, running one task on it at a time under a deadline and a
// memory ceiling, and turning whatever happens to it (result, throw, exit, signal, hang, memory blow-up) into a
// RunOutcome. The host never trusts the worker to stop itself: limits are enforced from outside with SIGKILL.

import { siblingEntry } from '../util/entry.js';
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { isoDate } from '../util/time.js';
import { PROC_AVAILABLE, readRss } from './memory.js';
import { checkOutput } from './output.js';
import { parseWorkerMessage, type HostMessage, type WorkerMessage } from './protocol.js';
import type { ServiceOutput } from '../../sdk/output.js';
import type { FailureKind, RunOutcome, RunRequest, RuntimeLogger } from './types.js';

const { path: ENTRY, execArgv: EXEC_ARGV } = siblingEntry(import.meta.url, 'worker-main');

const STDERR_TAIL = 8192;
const HEAP_OOM_RE = /JavaScript heap out of memory|Reached heap limit|Allocation failed - process out of memory/;

export interface WorkerOptions {
  memoryMb: number;
  /** Resident-memory poll interval; 0 leaves only V8's heap limit. */
  rssCheckMs: number;
  startTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  logger?: RuntimeLogger;
  /** Scheduling niceness given to the process once forked. */
  niceness?: number;
}

type Failure = { kind: FailureKind; message: string; recoverable: boolean };
type InFlight = {
  id: number;
  req: RunRequest;
  started: string;
  resolve: (o: RunOutcome) => void;
  timers: NodeJS.Timeout[];
  aborted: boolean;
  settled: boolean;
  /** What the worker held when the task began (last reading), bytes. */
  startRss: number;
};

let nextTaskId = 1;

export class WorkerProcess {
  state: 'starting' | 'idle' | 'busy' | 'dead' = 'starting';
  /** Tasks this worker has been given. */
  tasks = 0;
  /** Milliseconds from fork to the worker's ready message. */
  startMs: number | null = null;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  /** Why the host killed it, when it did. */
  killReason: string | null = null;
  /** Killed while healthy (to make room, or after its task quota), not because something went wrong. */
  retired = false;
  /** Set, before `exited` resolves, when the worker never became ready. */
  startError: Error | null = null;
  /** When it last became idle (performance.now()), for retiring workers nobody needs. */
  idleSince = 0;

  private readonly child: ChildProcess;
  private readonly forkedAt = performance.now();
  private stderr = '';
  private task: InFlight | null = null;
  private lastRss = 0;

  constructor(private readonly opts: WorkerOptions) {
    this.child = fork(ENTRY, [], {
      execArgv: [...EXEC_ARGV, `--max-old-space-size=${opts.memoryMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: opts.env ?? process.env,
      // Its own process group, so a kill also reaches anything the service started (and tsx's esbuild).
      detached: process.platform !== 'win32',
    });
    if (opts.niceness && this.child.pid) {
      try {
        setPriority(this.child.pid, opts.niceness);
      } catch {
        // Not permitted here (some containers): the worker runs at the host's priority.
      }
    }
    // Drained so a chatty service never blocks on a full pipe; stderr's tail explains crashes.
    this.child.stdout?.resume();
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-STDERR_TAIL);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', () => resolve());
      // A fork that failed outright (no pid) emits 'error' and never 'exit' or 'close'.
      this.child.on('error', (err) => {
        if (this.child.pid !== undefined) return;
        this.startError ??= new Error(`cannot start a worker process: ${err.message}`);
        this.state = 'dead';
        resolve();
      });
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const fail = (message: string) => {
        if (this.startMs !== null) return;
        this.startError ??= new Error(message);
        reject(this.startError);
      };
      const timer = setTimeout(() => {
        fail(`the worker did not start within ${opts.startTimeoutMs} ms`);
        this.kill('did not start');
      }, opts.startTimeoutMs);
      this.child.once('message', (raw) => {
        clearTimeout(timer);
        if (parseWorkerMessage(raw)?.type !== 'ready') {
          fail('the worker sent a malformed first message');
          this.kill('malformed first message');
          return;
        }
        this.startMs = performance.now() - this.forkedAt;
        if (this.state === 'starting') this.becomeIdle();
        this.child.on('message', (m) => this.onMessage(m));
        resolve();
      });
      this.exited.then(() => {
        clearTimeout(timer);
        const tail = this.stderrTail();
        fail(`the worker exited while starting${tail ? `: ${tail}` : ''}`);
      });
    });
    this.ready.catch(() => {});
    this.child.once('exit', (code, signal) => this.onExit(code, signal));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get memoryMb(): number {
    return this.opts.memoryMb;
  }

  /** A reading taken by someone else (the pool samples every worker): what the next task starts from. */
  noteRss(bytes: number): void {
    if (bytes > 0) this.lastRss = bytes;
  }

  /** Runs one task; the worker must be idle. Always resolves. */
  run(req: RunRequest): Promise<RunOutcome> {
    if (this.state !== 'idle') throw new Error(`worker is ${this.state}`);
    this.state = 'busy';
    this.setRef(true);
    this.tasks++;
    return new Promise<RunOutcome>((resolve) => {
      const t: InFlight = { id: nextTaskId++, req, started: isoDate(), resolve, timers: [], aborted: false, settled: false, startRss: this.lastRss };
      this.task = t;
      const limitMs = req.timeoutSeconds * 1000;
      // Cooperative services get a moment to return partial results before the hard kill.
      const graceMs = Math.min(2000, Math.max(100, limitMs * 0.1));
      t.timers.push(
        setTimeout(() => {
          t.aborted = true;
          this.send({ type: 'abort', id: t.id }, () => {});
        }, Math.max(0, limitMs - graceMs)),
        setTimeout(() => {
          const message = `the service did not finish within ${req.timeoutSeconds} s`;
          this.failAndKill(t, { kind: 'timeout', message, recoverable: true }, 'timeout');
        }, limitMs),
      );
      if (this.opts.rssCheckMs > 0 && PROC_AVAILABLE) {
        let reading = false;
        const poll = setInterval(() => {
          if (reading || t.settled) return;
          reading = true;
          readRss(this.child.pid)
            .then((rss) => this.checkRss(t, rss))
            .finally(() => (reading = false));
        }, this.opts.rssCheckMs);
        t.timers.push(poll);
      }
      const reportRssMs = this.opts.rssCheckMs > 0 && !PROC_AVAILABLE ? this.opts.rssCheckMs : 0;
      const { modulePath, task, filePath, workDir } = req;
      this.send({ type: 'run', id: t.id, modulePath, task, filePath, workDir, reportRssMs }, (err) => {
        const message = `the task could not be sent to the worker: ${err.message}`;
        this.failAndKill(t, { kind: 'crash', message, recoverable: true }, 'send failed');
      });
    });
  }

  /** Kills the whole process group; a task in flight ends with `failure` (by default a recoverable crash). */
  kill(reason: string, failure?: Failure): void {
    if (this.killReason === null) this.killReason = reason;
    const wasDead = this.state === 'dead';
    this.state = 'dead';
    if (this.task && !this.task.settled) {
      this.settle(this.task, failure ?? { kind: 'crash', message: `worker stopped: ${reason}`, recoverable: true });
    }
    // Whoever awaits `exited` (close() does) needs the event loop to stay up until the process is reaped.
    if (!wasDead) this.setRef(true);
    this.signalGroup();
  }

  private becomeIdle(): void {
    this.state = 'idle';
    this.idleSince = performance.now();
    this.setRef(false);
  }

  /**
   * An idle worker does not keep the host's event loop alive (a pool nobody closed must not stop the process
   * from exiting; the worker then sees its IPC channel close and exits too). Starting and busy workers do, so
   * a caller awaiting a task is never left with a process that exits under it.
   */
  private setRef(on: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stdout, this.child.stderr] as Array<{ ref?(): void; unref?(): void } | null | undefined>;
    for (const h of handles) (on ? h?.ref : h?.unref)?.call(h);
  }

  /** Kills an idle, healthy worker. */
  retire(reason: string): void {
    this.retired = true;
    this.kill(reason);
  }

  private signalGroup(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill('SIGKILL');
      else process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** Sends a message; `onError` hears of a closed channel or a message that cannot be serialised. */
  private send(msg: HostMessage, onError: (err: Error) => void): void {
    if (!this.child.connected) return onError(new Error('the IPC channel is closed'));
    try {
      this.child.send(msg, (err) => err && onError(err));
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private checkRss(t: InFlight, rss: number): void {
    this.lastRss = rss;
    // A task may declare a lower limit than the worker's heap ceiling; the lower one applies.
    const limitMb = Math.min(t.req.memoryMb ?? this.opts.memoryMb, this.opts.memoryMb);
    const limit = limitMb * 1024 * 1024;
    // Workers are shared between services: one that other services' code and data already grew past this task's
    // limit could not run it within that limit at all. Then the task is charged with what it adds, up to its limit.
    const inherited = t.startRss > limit;
    if (rss > (inherited ? t.startRss + limit : limit) && !t.settled) {
      const mb = (b: number) => Math.round(b / 1048576);
      const message = inherited
        ? `resident memory grew by ${mb(rss - t.startRss)} MiB (to ${mb(rss)} MiB), more than the ${limitMb} MiB limit`
        : `resident memory ${mb(rss)} MiB exceeded the ${limitMb} MiB limit`;
      this.failAndKill(t, { kind: 'oom', message, recoverable: false }, 'memory limit');
    }
  }

  private failAndKill(t: InFlight, failure: Failure, reason: string): void {
    if (t.settled) return;
    this.kill(reason, failure);
  }

  private settle(t: InFlight, result: { output: ServiceOutput; workDirUsed: boolean } | Failure): void {
    if (t.settled) return;
    t.settled = true;
    for (const timer of t.timers) clearTimeout(timer);
    if (this.task === t) this.task = null;
    const completed = isoDate();
    const outcome: RunOutcome =
      'output' in result
        ? { ok: true, output: result.output, workDirUsed: result.workDirUsed, started: t.started, completed }
        : { ok: false, ...result, started: t.started, completed };
    if (this.state === 'busy') this.becomeIdle();
    t.resolve(outcome);
  }

  private onMessage(raw: unknown): void {
    const msg = parseWorkerMessage(raw);
    const t = this.task;
    if (!msg) {
      this.opts.logger?.warn({ pid: this.pid }, 'service worker sent a malformed message; killing it');
      const failure: Failure = { kind: 'invalid-output', message: 'the worker sent a malformed message', recoverable: false };
      this.kill('malformed message', t ? failure : undefined);
      return;
    }
    if (msg.type === 'rss') {
      if (t) this.checkRss(t, msg.rss);
      return;
    }
    if (!t || msg.type === 'ready' || msg.id !== t.id) return; // stale: from a task that already ended
    if (msg.type === 'log') {
      this.opts.logger?.info({ pid: this.pid, modulePath: t.req.modulePath, sha256: t.req.task.sha256 }, msg.message);
      return;
    }
    this.onResult(t, msg);
  }

  private onResult(t: InFlight, msg: Extract<WorkerMessage, { type: 'result' }>): void {
    if (!msg.ok) {
      const e = msg.error;
      if (e.phase === 'serialize') return this.settle(t, { kind: 'invalid-output', message: e.message, recoverable: false });
      // A service that stops on its abort signal by throwing has run out of time, it has not failed.
      if (t.aborted && e.phase === 'execute') {
        return this.settle(t, { kind: 'timeout', message: `the service stopped after its time ran out: ${e.message}`, recoverable: true });
      }
      const message = e.phase === 'load' ? `cannot load service module ${t.req.modulePath}: ${e.message}` : e.message;
      return this.settle(t, { kind: 'exception', message, recoverable: e.phase === 'execute' && e.recoverable === true });
    }
    // The result arrived in time: checking it is the host's work and does not count against the service.
    for (const timer of t.timers) clearTimeout(timer);
    checkOutput(msg.output, t.req.workDir).then(
      (checked) => {
        if (checked.ok) this.settle(t, { output: checked.output, workDirUsed: msg.workDirUsed !== false });
        else this.settle(t, { kind: 'invalid-output', message: checked.message, recoverable: false });
      },
      (err: unknown) => this.settle(t, { kind: 'invalid-output', message: String(err), recoverable: false }),
    );
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.state = 'dead';
    this.setRef(true); // until its pipes close and `exited` resolves
    // Anything the service left running in the group goes with it; that also lets the stdio pipes close.
    this.signalGroup();
    const t = this.task;
    if (!t || t.settled) return;
    // Wait briefly for the rest of stderr, which tells a heap exhaustion apart from other aborts.
    const wait = new Promise((r) => setTimeout(r, 250));
    void Promise.race([this.exited, wait]).then(() => this.settle(t, this.classifyExit(code, signal)));
  }

  private classifyExit(code: number | null, signal: NodeJS.Signals | null): Failure {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = this.stderrTail();
    if (HEAP_OOM_RE.test(this.stderr)) {
      return { kind: 'oom', message: `the service ran out of its ${this.opts.memoryMb} MiB heap (worker ${how})`, recoverable: false };
    }
    const rss = this.lastRss ? `; last resident memory ${Math.round(this.lastRss / 1048576)} MiB` : '';
    return { kind: 'crash', message: `the worker ${how}${rss}${tail ? `: ${tail}` : ''}`, recoverable: true };
  }

  /** The last few lines the worker wrote to stderr, for error messages. */
  private stderrTail(): string {
    const lines = this.stderr.trim().split('\n').filter((l) => l.trim() !== '');
    return lines.slice(-6).join(' | ').slice(-1000);
  }
}
