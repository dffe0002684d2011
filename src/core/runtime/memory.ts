// Resident memory of the server and its analyser workers together, sampled from outside the workers (Linux
// /proc), against a ceiling. The pool decides what to do with a sample (hold tasks back, stop a worker); this
// module only measures, so the policy stays in one place.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const MiB = 1024 * 1024;

/** Where the host can read a child's resident memory without the child's help. */
export const PROC_AVAILABLE = existsSync('/proc/self/status');

/** Resident memory of a process in bytes (VmRSS); 0 when it cannot be read (gone, or no /proc). */
export async function readRss(pid: number | undefined): Promise<number> {
  if (pid === undefined || !PROC_AVAILABLE) return 0;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

// The sampler reads /proc synchronously: it lives in memory (no disk behind it), a read takes microseconds, and
// a few of them cost far less than as many trips through the thread pool, several times a second.

/**
 * The children a process started from its main thread, where Node (libuv) starts them: reading every thread's
 * list would cost ten times as much for the same answer. Null when the kernel does not keep these lists.
 */
function childrenOf(pid: number): number[] | null {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return null;
  }
}

function rssMbSync(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Every descendant of this process (analyser workers, file describers, whatever they started) → its parent; just
 * the `known` children where the kernel keeps no lists of children.
 */
function descendants(known: number[]): Map<number, number> {
  const parents = new Map<number, number>();
  if (childrenOf(process.pid) === null) {
    for (const pid of known) parents.set(pid, process.pid);
    return parents;
  }
  let level = [process.pid];
  while (level.length) {
    const next: number[] = [];
    for (const parent of level) {
      for (const c of childrenOf(parent) ?? []) {
        if (parents.has(c)) continue;
        parents.set(c, parent);
        next.push(c);
      }
    }
    level = next;
  }
  return parents;
}

export interface MemorySample<W> {
  /** The server process itself, MiB. */
  mainMb: number;
  /** Each live worker with what it started, MiB. */
  workers: Map<W, number>;
  /** The server and all its descendants (the workers and anything else it started), MiB. */
  totalMb: number;
}

/** Samples the server process, all its descendants, and the workers `live` names among them. */
export function sampleMemory<W extends { pid: number | undefined }>(live: W[]): MemorySample<W> {
  const mainMb = process.memoryUsage.rss() / MiB;
  const byPid = new Map(live.filter((w) => w.pid !== undefined).map((w) => [w.pid!, w]));
  const parents = PROC_AVAILABLE ? descendants([...byPid.keys()]) : new Map<number, number>();
  const workers = new Map<W, number>(live.map((w) => [w, 0]));
  let totalMb = mainMb;
  for (const pid of parents.keys()) {
    const mb = rssMbSync(pid);
    totalMb += mb;
    // Charged to the worker it descends from, if any: stopping that worker stops its whole process group.
    let p: number | undefined = pid;
    while (p !== undefined && !byPid.has(p)) p = parents.get(p);
    const w = p === undefined ? undefined : byPid.get(p);
    if (w) workers.set(w, workers.get(w)! + mb);
  }
  return { mainMb, workers, totalMb };
}

export interface MemoryLimits {
  /** Resident memory the server and its workers may use together, MiB. */
  ceilingMb: number;
  /** Above this no new task starts while another is running, MiB. */
  highWaterMb: number;
  /** The most one task may be allowed: the ceiling less what the server itself used when the pool started. */
  taskCapMb: number;
}

/**
 * The limits that follow from a ceiling. The high-water mark leaves room for the tasks already running to grow
 * before the ceiling is reached; a single task is never allowed more than the server leaves of the ceiling.
 */
export function memoryLimits(ceilingMb: number, highWaterMb: number | undefined, mainMb: number, minTaskMb: number): MemoryLimits {
  const high = highWaterMb ?? Math.floor(ceilingMb * 0.85);
  if (!(Number.isFinite(high) && high > 0 && high <= ceilingMb)) throw new RangeError('the memory high-water mark must be positive and at most the ceiling');
  const taskCapMb = Math.max(minTaskMb, Math.floor((ceilingMb - mainMb) / 16) * 16);
  return { ceilingMb, highWaterMb: high, taskCapMb };
}
