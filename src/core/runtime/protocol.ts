// Messages between the host and a worker process. Everything arriving from a worker is untrusted (the worker
// runs code that parses hostile files), so the host checks each message's shape before acting on it.

import type { ServiceOutput } from '../../sdk/output.js';
import type { ServiceTask } from '../../sdk/task.js';

/** Host → worker: run one task. */
export interface RunMessage {
  type: 'run';
  id: number;
  modulePath: string;
  task: ServiceTask;
  filePath: string;
  workDir: string;
  /** When the host cannot read the worker's memory itself, the worker reports its RSS at this interval. */
  reportRssMs: number;
}

/** Host → worker: the task's time is nearly up; raise its abort signal. */
export interface AbortMessage {
  type: 'abort';
  id: number;
}

export type HostMessage = RunMessage | AbortMessage;

export interface WorkerError {
  message: string;
  name?: string;
  stack?: string;
  /** Set by the service on errors worth retrying. */
  recoverable?: boolean;
  /** Where it failed: loading the module, running it, or sending its output back. */
  phase: 'load' | 'execute' | 'serialize';
}

export type WorkerMessage =
  | { type: 'ready'; pid: number }
  /** `workDirUsed` is false when the service never asked for its work directory (which then does not exist). */
  | { type: 'result'; id: number; ok: true; output: ServiceOutput; workDirUsed?: boolean }
  | { type: 'result'; id: number; ok: false; error: WorkerError }
  | { type: 'log'; id: number; message: string }
  | { type: 'rss'; rss: number };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Checks the envelope only; the service output inside a result is validated separately (see output.ts). */
export function parseWorkerMessage(msg: unknown): WorkerMessage | null {
  if (!isObj(msg)) return null;
  switch (msg.type) {
    case 'ready':
      return isId(msg.pid) ? (msg as WorkerMessage) : null;
    case 'log':
      return isId(msg.id) && typeof msg.message === 'string' ? (msg as WorkerMessage) : null;
    case 'rss':
      return typeof msg.rss === 'number' && Number.isFinite(msg.rss) ? (msg as WorkerMessage) : null;
    case 'result': {
      if (!isId(msg.id)) return null;
      if (msg.ok === true) return 'output' in msg ? (msg as WorkerMessage) : null;
      if (msg.ok !== false || !isObj(msg.error)) return null;
      const e = msg.error;
      if (typeof e.message !== 'string' || !['load', 'execute', 'serialize'].includes(e.phase as string)) return null;
      return {
        type: 'result',
        id: msg.id,
        ok: false,
        error: {
          message: e.message,
          phase: e.phase as WorkerError['phase'],
          name: typeof e.name === 'string' ? e.name : undefined,
          stack: typeof e.stack === 'string' ? e.stack : undefined,
          recoverable: e.recoverable === true,
        },
      };
    }
    default:
      return null;
  }
}
