// Header-auth request rate: GET /api/v4/user/whoami/ with X-USER/X-APIKEY over 32 keep-alive connections
// against a server running from the built project (`npm run build` first).
//
//   npx tsx bench/auth-rate.ts [--seconds 10] [--runs 3] [--connections 32] [--https] [--path /api/v4/user/whoami/]
//
// Prints each run's requests/s and latency percentiles, then the median run.
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    https: { type: 'boolean', default: false },
    path: { type: 'string', default: '/api/v4/user/whoami/' },
  },
});
const seconds = Number(o.seconds);
const runs = Number(o.runs);
const connections = Number(o.connections);
const root = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'bench:bench-secret-0123456789abcdef';

async function startServer(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const args = ['bin/assay.js', 'serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'];
  if (!o.https) args.push('--http');
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ASSAY_ADMIN_APIKEY: KEY, ASSAY_ADMIN_PASSWORD: 'bench-password' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface RunResult {
  rps: number;
  ok: number;
  errors: number;
  p50: number;
  p99: number;
}

async function load(url: string, durationMs: number): Promise<RunResult> {
  const u = new URL(o.path!, url);
  const mod = u.protocol === 'https:' ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: connections, rejectUnauthorized: false } as https.AgentOptions);
  const headers = { 'x-user': 'admin', 'x-apikey': KEY, accept: 'application/json' };
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const end = Date.now() + durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = mod.request(u, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (res.statusCode === 200) ok++;
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) await one();
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { rps: ok / elapsed, ok, errors, p50: pct(0.5), p99: pct(0.99) };
}

const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
const server = await startServer(dataDir);
try {
  console.log(`server ${server.url}; ${connections} connections; ${seconds}s x ${runs} runs; ${cpus().length} cores (${cpus()[0]?.model})`);
  await load(server.url, 2000); // warm-up: JIT and the key cache
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await load(server.url, seconds * 1000);
    results.push(r);
    console.log(`run ${i + 1}: ${r.rps.toFixed(0)} req/s  ok=${r.ok} errors=${r.errors}  p50=${r.p50.toFixed(2)}ms p99=${r.p99.toFixed(2)}ms`);
  }
  const median = [...results].sort((a, b) => a.rps - b.rps)[Math.floor(results.length / 2)]!;
  console.log(`median: ${median.rps.toFixed(0)} req/s (p50 ${median.p50.toFixed(2)} ms, p99 ${median.p99.toFixed(2)} ms)`);
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
