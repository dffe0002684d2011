// Resident memory of a process tree, read from /proc (Linux), and the size of a directory tree: what the load
// test and the hostile-input benchmark measure a server by.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MiB = 1024 * 1024;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / MiB : 0;
  } catch {
    return 0; // it ended meanwhile
  }
}

/** The process and its descendants (the server's analyser workers, and anything they started). */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    try {
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(/\s+/).filter(Boolean)) walk(Number(c));
      }
    } catch {
      // it ended meanwhile
    }
  };
  walk(pid);
  return out;
}

export interface TreeMemory {
  /** MiB resident in the process itself. */
  mainMb: number;
  /** MiB resident in its descendants. */
  childrenMb: number;
  /** Each descendant's MiB, largest first. */
  each: number[];
  totalMb: number;
  processes: number;
}

/** VmRSS of a process and of its descendants, in MiB. */
export function treeRss(pid: number): TreeMemory {
  const pids = processTree(pid);
  const mainMb = statusField(pid, 'VmRSS');
  const each = pids.slice(1).map((p) => statusField(p, 'VmRSS')).sort((a, b) => b - a);
  const childrenMb = each.reduce((s, mb) => s + mb, 0);
  return { mainMb, childrenMb, each, totalMb: mainMb + childrenMb, processes: pids.length };
}

/** Samples a process tree's resident memory until stopped; keeps the peak and the samples. */
export class RssSampler {
  peak: TreeMemory = { mainMb: 0, childrenMb: 0, each: [], totalMb: 0, processes: 0 };
  samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 50,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  sample(): TreeMemory {
    const now = treeRss(this.pid);
    this.samples++;
    if (now.totalMb > this.peak.totalMb) this.peak = now;
    return now;
  }

  /** Starts the peak again (e.g. for the next submission of a benchmark). */
  reset(): void {
    this.peak = { mainMb: 0, childrenMb: 0, each: [], totalMb: 0, processes: 0 };
  }

  stop(): TreeMemory {
    clearInterval(this.timer);
    return this.peak;
  }
}

/** Bytes of the regular files under a directory. */
export function duBytes(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      try {
        const s = statSync(p);
        if (s.isDirectory()) walk(p);
        else if (s.isFile()) total += s.size;
      } catch {
        // removed meanwhile (temporary files)
      }
    }
  };
  walk(dir);
  return total;
}
