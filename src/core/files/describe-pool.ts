// A few child processes describing files (hashes and identification) in parallel, off the event loop.
// Identification and fuzzy hashing are pure computation over bytes (libmagic runs as WebAssembly).
//
// Memory: a describer holds its own heap and the identification engine (tens of MiB), and every file in
// progress holds read buffers. So one gets at most PER_PROCESS files at a time (the others wait here; reads
// already overlap hashing inside one file), describers start when first needed, and one without work for
// `idleMs` stops. They are processes rather than threads so that stopping one gives all of its memory back: a
// thread's malloc arenas would stay in the server, much of them resident, after the thread is gone.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, setPriority } from 'node:os';
import { siblingEntry } from '../util/entry.js';
import type { FileFacts } from './file-record.js';

const { path: ENTRY, execArgv: EXEC_ARGV } = siblingEntry(import.meta.url, 'describe-worker');
const PER_PROCESS = 2;

interface Pending {
  resolve(f: FileFacts): void;
  reject(e: Error): void;
  /** The describer working on it; null while it waits for one. */
  worker: Describer | null;
  path: string;
  name?: string;
}

/** One describer process: ready once it has said so, then given up to PER_PROCESS jobs at a time. */
class Describer {
  readonly child: ChildProcess;
  ready = false;
  busy = 0;
  lastUsed = performance.now();
  stopping = false;

  constructor(niceness: number, env: NodeJS.ProcessEnv) {
    this.child = fork(ENTRY, [], { execArgv: EXEC_ARGV, serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env });
    if (niceness > 0 && this.child.pid) {
      try {
        setPriority(this.child.pid, niceness);
      } catch {
        // Not permitted here: it runs at the server's priority.
      }
    }
    this.setRef(false);
  }

  /** A describer with work keeps the server's event loop alive (a pending job must not be abandoned); an idle one does not. */
  setRef(on: boolean): void {
    const handles = [this.child, this.child.channel] as Array<{ ref?(): void; unref?(): void } | null | undefined>;
    for (const h of handles) (on ? h?.ref : h?.unref)?.call(h);
  }

  stop(): void {
    this.stopping = true;
    // Whoever awaits the exit (close() does) needs the event loop up until the process is reaped.
    this.setRef(true);
    this.child.kill('SIGKILL');
  }
}

export class DescribePool {
  /** One slot per describer; null until the slot is first needed, and again once its describer stopped. */
  private readonly workers: Array<Describer | null>;
  private readonly pending = new Map<number, Pending>();
  /** Ids of jobs waiting for a describer, in arrival order. */
  private readonly waiting: number[] = [];
  private readonly env: NodeJS.ProcessEnv;
  private idleTimer: NodeJS.Timeout | null = null;
  private seq = 0;
  private closed = false;

  constructor(
    size = Math.max(1, Math.min(4, availableParallelism())),
    /** Scheduling niceness of the describers, as for the analysers: describing is background work. */
    private readonly niceness = 10,
    /** A describer without work for this long is stopped; 0 keeps them for the life of the pool. */
    private readonly idleMs = 60_000,
  ) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => null);
    // Describers read hostile files: they get no credentials from this process's environment.
    this.env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^ASSAY_ADMIN_|SECRET|PASSWORD|TOKEN|APIKEY/i.test(k)));
  }

  private spawn(): Describer {
    const w = new Describer(this.niceness, this.env);
    w.child.on('message', (m: { id: number; facts?: FileFacts; error?: string }) => {
      if (m.id === 0) {
        w.ready = true;
        w.lastUsed = performance.now();
        this.drain();
        if (w.busy === 0) w.setRef(false);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.release(w);
      if (m.facts) p.resolve({ ...m.facts, header: Buffer.from(m.facts.header) });
      else p.reject(new Error(m.error ?? 'describe failed'));
      this.drain();
    });
    w.child.on('error', () => undefined); // a failed fork also exits, handled below
    w.child.once('exit', (code, signal) => {
      // A describer that died fails the jobs it held; the next job gets a fresh one.
      for (const [id, p] of this.pending) {
        if (p.worker !== w) continue;
        this.pending.delete(id);
        p.reject(new Error(`file description process exited (${signal ?? code})`));
      }
      const i = this.workers.indexOf(w);
      if (i >= 0) this.workers[i] = null;
      if (!w.ready && !w.stopping) {
        // One that cannot even start fails the waiting jobs instead of being forked again and again.
        for (const id of this.waiting.splice(0)) {
          this.pending.get(id)?.reject(new Error(`file description process failed to start (${signal ?? code})`));
          this.pending.delete(id);
        }
      }
      this.drain();
    });
    if (this.idleMs > 0 && !this.idleTimer) {
      this.idleTimer = setInterval(() => this.retireIdle(), Math.min(this.idleMs, 5000));
      this.idleTimer.unref();
    }
    return w;
  }

  private retireIdle(): void {
    const now = performance.now();
    let alive = 0;
    for (const w of this.workers) {
      if (!w || w.stopping) continue;
      if (w.ready && w.busy === 0 && now - w.lastUsed >= this.idleMs) w.stop();
      else alive++;
    }
    if (alive === 0 && this.idleTimer) {
      clearInterval(this.idleTimer);
      this.idleTimer = null;
    }
  }

  private release(w: Describer): void {
    w.busy--;
    w.lastUsed = performance.now();
    if (w.busy === 0) w.setRef(false);
  }

  /** The describer for the next job: an idle one, else a new one in a free slot, else the least busy with room. */
  private pick(): Describer | null {
    let best: Describer | null = null;
    let bestLoad = PER_PROCESS;
    let freeSlot = -1;
    let starting = false;
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[i];
      if (!w || w.stopping) {
        if (freeSlot < 0 && !w) freeSlot = i;
        continue;
      }
      if (!w.ready) starting = true;
      else if (w.busy < bestLoad) [best, bestLoad] = [w, w.busy];
    }
    if (best && bestLoad === 0) return best;
    // One starting already will take the next job; another is forked only for work beyond that.
    if (freeSlot >= 0 && !starting) this.workers[freeSlot] = this.spawn();
    return best;
  }

  private drain(): void {
    while (!this.closed && this.waiting.length) {
      const w = this.pick();
      if (!w) return;
      const id = this.waiting.shift()!;
      const p = this.pending.get(id);
      if (!p) continue;
      p.worker = w;
      if (w.busy++ === 0) w.setRef(true);
      w.child.send({ id, path: p.path, name: p.name }, undefined, {}, (err) => {
        // The channel closed under it: the exit handler fails the job.
        if (err) w.stop();
      });
    }
  }

  describe(path: string, name?: string): Promise<FileFacts> {
    if (this.closed) return Promise.reject(new Error('describe pool closed'));
    const id = ++this.seq;
    return new Promise<FileFacts>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: null, path, name });
      this.waiting.push(id);
      // Until a describer is ready, the job waiting for it keeps the event loop alive.
      this.drain();
      for (const w of this.workers) if (w && !w.ready) w.setRef(true);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    for (const p of this.pending.values()) p.reject(new Error('describe pool closed'));
    this.pending.clear();
    this.waiting.length = 0;
    const exits = this.workers.filter((w): w is Describer => w !== null).map((w) => new Promise<void>((r) => (w.child.exitCode !== null || w.child.signalCode !== null ? r() : w.child.once('exit', () => r()))));
    for (const w of this.workers) w?.stop();
    await Promise.all(exits);
  }
}
