// Entry point of a worker process. It is forked by the host (see worker.ts), receives one task at a time over
// the IPC channel, loads the requested service module (cached for the life of the process) and sends back what
// execute() returned or threw. Crashes, hangs and memory exhaustion are deliberately not handled here: the host
// watches this process from outside and kills it, which is the only reliable way to stop native code.

import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { ServiceContext } from '../../sdk/context.js';
import type { ExecuteFn } from '../../sdk/module.js';
import type { HostMessage, RunMessage, WorkerError, WorkerMessage } from './protocol.js';

/** Lines a single task may log; a chatty or looping service must not flood the host's log. */
const MAX_LOG_LINES = 500;
const MAX_LOG_CHARS = 4096;

const modules = new Map<string, Promise<ExecuteFn>>();
let current: { id: number; controller: AbortController } | null = null;

function send(msg: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    // process.send throws synchronously when the value cannot be serialised (functions, symbols, ...).
    try {
      process.send!(msg, undefined, {}, (err) => (err ? reject(err) : resolve()));
    } catch (err) {
      reject(err);
    }
  });
}

function loadExecute(modulePath: string): Promise<ExecuteFn> {
  let p = modules.get(modulePath);
  if (!p) {
    p = import(pathToFileURL(modulePath).href).then((mod: Record<string, unknown>) => {
      const execute = mod.execute;
      if (typeof execute !== 'function') throw new Error(`${modulePath} does not export an execute function`);
      return execute as ExecuteFn;
    });
    // A failed import is not cached, so a fixed module can be picked up without restarting the worker.
    p.catch(() => modules.delete(modulePath));
    modules.set(modulePath, p);
  }
  return p;
}

function describe(err: unknown, phase: WorkerError['phase']): WorkerError {
  if (err instanceof Error) {
    const recoverable = (err as { recoverable?: unknown }).recoverable === true;
    return { message: err.message || err.name, name: err.name, stack: err.stack, recoverable, phase };
  }
  return { message: `non-error thrown: ${String(err)}`.slice(0, 1000), phase };
}

async function run(msg: RunMessage): Promise<void> {
  const controller = new AbortController();
  current = { id: msg.id, controller };
  let logged = 0;
  const log = (message: string) => {
    if (logged++ >= MAX_LOG_LINES) return;
    send({ type: 'log', id: msg.id, message: String(message).slice(0, MAX_LOG_CHARS) }).catch(() => {});
  };
  const rssTimer =
    msg.reportRssMs > 0 ? setInterval(() => send({ type: 'rss', rss: process.memoryUsage.rss() }).catch(() => {}), msg.reportRssMs) : null;

  let reply: WorkerMessage;
  let workDirUsed = false;
  let execute: ExecuteFn | null = null;
  try {
    execute = await loadExecute(msg.modulePath);
  } catch (err) {
    reply = { type: 'result', id: msg.id, ok: false, error: describe(err, 'load') };
  }
  if (execute) {
    try {
      // Most analysers never write a file: the directory is made only for those that ask for it.
      const ctx: ServiceContext = {
        filePath: msg.filePath,
        get workDir() {
          if (!workDirUsed) {
            mkdirSync(msg.workDir, { recursive: true });
            workDirUsed = true;
          }
          return msg.workDir;
        },
        signal: controller.signal,
        log,
      };
      const output = await execute(msg.task, ctx);
      reply = { type: 'result', id: msg.id, ok: true, output, workDirUsed };
    } catch (err) {
      reply = { type: 'result', id: msg.id, ok: false, error: describe(err, 'execute') };
    }
  }
  if (rssTimer) clearInterval(rssTimer);
  current = null;
  try {
    await send(reply!);
  } catch (err) {
    const message = `the service's output cannot be sent to the host: ${err instanceof Error ? err.message : String(err)}`;
    await send({ type: 'result', id: msg.id, ok: false, error: { message, phase: 'serialize' } }).catch(() => {});
  }
}

if (!process.send) {
  console.error('worker-main must be started by the service pool (it needs an IPC channel)');
  process.exit(2);
}

process.on('message', (raw: HostMessage) => {
  if (raw?.type === 'run') {
    if (current) {
      const error: WorkerError = { message: 'worker is already running a task', phase: 'execute', recoverable: true };
      send({ type: 'result', id: raw.id, ok: false, error }).catch(() => {});
      return;
    }
    void run(raw);
  } else if (raw?.type === 'abort' && current?.id === raw.id) {
    current.controller.abort(new DOMException('the task ran out of time', 'TimeoutError'));
  }
});

// The host is gone (it exited or closed the channel): nothing can collect results any more.
process.on('disconnect', () => process.exit(0));

void send({ type: 'ready', pid: process.pid });
