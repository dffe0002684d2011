// A few worker threads describing files (hashes and identification) in parallel. Identification and fuzzy
// hashing are pure computation over bytes (libmagic runs as WebAssembly), so threads are enough isolation here;
// the analysers, which use native code, run in separate processes instead.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../util/entry.js';
import type { FileFacts } from './file-record.js';

const ENTRY = workerEntry(import.meta.url, 'describe-worker');

interface Pending {
  resolve(f: FileFacts): void;
  reject(e: Error): void;
  worker: Worker;
}

export class DescribePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private seq = 0;
  private closed = false;

  constructor(
    size = Math.max(1, Math.min(4, availableParallelism())),
    /** Scheduling niceness of the worker threads (Linux), as for the analysers: describing is background work. */
    private readonly niceness = 10,
  ) {
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  private spawn(): Worker {
    const w = new Worker(ENTRY, { workerData: { niceness: this.niceness } });
    w.on('message', (m: { id: number; facts?: FileFacts; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.release(w);
      if (m.facts) p.resolve({ ...m.facts, header: Buffer.from(m.facts.header) });
      else p.reject(new Error(m.error ?? 'describe failed'));
    });
    w.on('error', () => undefined);
    w.on('exit', (code) => {
      // A worker that died fails the jobs it held; the next job gets a fresh worker.
      for (const [id, p] of this.pending) {
        if (p.worker !== w) continue;
        this.pending.delete(id);
        this.release(w);
        p.reject(new Error(`file description worker exited (${code})`));
      }
      const i = this.workers.indexOf(w);
      if (i >= 0 && !this.closed) this.workers[i] = this.spawn();
    });
    // Idle workers must not keep the process alive; busy ones must, or a pending job could be abandoned.
    w.unref();
    return w;
  }

  private readonly busy = new Map<Worker, number>();

  private hold(w: Worker): void {
    const n = (this.busy.get(w) ?? 0) + 1;
    this.busy.set(w, n);
    if (n === 1) w.ref();
  }

  private release(w: Worker): void {
    const n = (this.busy.get(w) ?? 1) - 1;
    this.busy.set(w, n);
    if (n === 0) w.unref();
  }

  describe(path: string, name?: string): Promise<FileFacts> {
    if (this.closed) return Promise.reject(new Error('describe pool closed'));
    const id = ++this.seq;
    const w = this.workers[this.next++ % this.workers.length]!;
    return new Promise<FileFacts>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: w });
      this.hold(w);
      w.postMessage({ id, path, name });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('describe pool closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
