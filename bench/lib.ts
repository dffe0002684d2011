// Shared pieces of the benchmarks: starting a built Assay server, a keep-alive load generator, statistics.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_KEY = 'bench:bench-secret-0123456789abcdef';

export interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Start `node bin/assay.js serve` (the built project) on a free loopback port and wait for its banner. */
export async function startAssay(dataDir: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ['bin/assay.js', 'serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn', ...extra], {
    cwd: ROOT,
    env: { ...process.env, ASSAY_ADMIN_APIKEY: BENCH_KEY, ASSAY_ADMIN_PASSWORD: 'bench-password', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await bannerUrl(child);
  return { url, child, stop: () => stopChild(child) };
}

export function bannerUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface LoadResult {
  rps: number;
  ok: number;
  errors: number;
  p50: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

export const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;

/** Run `connections` loops of requests built by `make` for `durationMs`; count 200s. */
export async function load(
  url: string,
  durationMs: number,
  connections: number,
  make: () => { method: string; headers: Record<string, string>; body?: Buffer },
): Promise<LoadResult> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: connections, rejectUnauthorized: false } as https.AgentOptions);
  const lat: number[] = [];
  let ok = 0;
  let errors = 0;
  const end = Date.now() + durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const r = make();
      const t0 = process.hrtime.bigint();
      const req = mod.request(u, { agent, method: r.method, headers: r.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (res.statusCode === 200) ok++;
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(r.body);
    });
  const t0 = Date.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < end) await one();
  }));
  const secs = (Date.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { rps: ok / secs, ok, errors, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99) };
}
