// Public types of the service runtime.

import type { ServiceOutput } from '../../sdk/output.js';
import type { ServiceTask } from '../../sdk/task.js';

export interface RunRequest {
  /** Absolute path of the service module (exports `manifest` and `execute`). */
  modulePath: string;
  task: ServiceTask;
  /** Local path of the file to analyse. */
  filePath: string;
  /**
   * The task's own directory; extracted files must be inside it. The worker creates it when the service first
   * reads `ctx.workDir`; the caller removes it afterwards (see `workDirUsed`).
   */
  workDir: string;
  /** Wall-clock limit from the moment a worker takes the task (queueing does not count). */
  timeoutSeconds: number;
  /** Memory ceiling of the worker; the pool's default when absent. */
  memoryMb?: number;
  /** Higher runs first when tasks queue; equal priorities run in arrival order. Default 0. */
  priority?: number;
}

export type FailureKind = 'timeout' | 'crash' | 'oom' | 'exception' | 'invalid-output';

export type RunOutcome =
  | { ok: true; output: ServiceOutput; started: string; completed: string; /** Whether the work directory was created. */ workDirUsed: boolean }
  | { ok: false; kind: FailureKind; message: string; recoverable: boolean; started: string; completed: string };

/** Pino-compatible: `logger.warn({ pid }, 'message')`. */
export interface RuntimeLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface PoolOptions {
  /** Most worker processes alive at once, over all memory classes. Default: os.availableParallelism(). */
  size?: number;
  /** Memory ceiling for requests that do not give one. Default 1024. */
  defaultMemoryMb?: number;
  logger?: RuntimeLogger;
  /** How often a busy worker's resident memory is checked; 0 disables the watchdog. Default 100. */
  rssCheckMs?: number;
  /** A worker is replaced after this many tasks, bounding slow leaks in services. Default 1000. */
  maxTasksPerWorker?: number;
  /** How long a new worker may take to report ready. Default 30000. */
  startTimeoutMs?: number;
  /**
   * Environment of the workers. Default: the host's. Services parse hostile input, so a deployment whose
   * environment holds secrets (database or storage credentials) should pass a reduced one.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Scheduling niceness of the workers (0..19). Analysis is background work: a positive value keeps the API and
   * the ingest path responsive while analysers use every core. Default 10.
   */
  niceness?: number;
  /**
   * Resident memory the host process and its workers may use together, MiB (read from /proc, so Linux only);
   * 0 or absent: no ceiling. Above the high-water mark no new task starts while another one runs; above the
   * ceiling the worker with the most resident memory is stopped, and its task fails as a recoverable
   * out-of-memory (the caller may retry it once memory is back). A task is never allowed more than the ceiling
   * less the host's own memory when the pool was made, whatever it asks for.
   */
  memoryCeilingMb?: number;
  /** Default: 85% of the ceiling. */
  memoryHighWaterMb?: number;
  /** How often the total is sampled while workers are alive, ms. Default 200. */
  memorySampleMs?: number;
  /** A worker idle this long is stopped and forked again when needed, so idle memory goes back; 0 keeps them. Default 60000. */
  idleWorkerMs?: number;
}

export interface PoolStats {
  size: number;
  starting: number;
  idle: number;
  busy: number;
  queued: number;
  /** Pids of the live workers. */
  pids: number[];
  /** Workers forked so far. */
  spawned: number;
  /** Workers lost to a task failure (timeout, crash, oom, bad output) or that died on their own. */
  replaced: number;
  /** Healthy workers retired to make room for another memory class or after maxTasksPerWorker. */
  recycled: number;
  /** Milliseconds from fork to ready: the last and the mean. */
  startMs: { last: number | null; mean: number | null };
  outcomes: Record<'ok' | FailureKind, number>;
  /** The last sample of resident memory, MiB, when a ceiling is set. */
  memory: {
    ceilingMb: number;
    highWaterMb: number;
    /** The most a single task is allowed. */
    taskCapMb: number;
    mainMb: number;
    workersMb: number;
    totalMb: number;
    /** The highest total sampled. */
    peakMb: number;
  } | null;
  /** Workers stopped because the total passed the ceiling. */
  ceilingStops: number;
  /** Workers stopped after idling for `idleWorkerMs`. */
  idleRetired: number;
}
