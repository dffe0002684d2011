// Header-auth request rate: GET /api/v4/user/whoami/ with X-USER/X-APIKEY over 32 keep-alive connections
// against a server running from the built project (`npm run build` first).
//
//   npx tsx bench/auth-rate.ts [--seconds 10] [--runs 3] [--connections 32] [--https] [--path /api/v4/user/whoami/]
//
// Prints each run's requests/s and latency percentiles, then the median run.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_KEY, load, median, startAssay, type LoadResult } from './lib.js';

const { values: o } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    https: { type: 'boolean', default: false },
    path: { type: 'string', default: '/api/v4/user/whoami/' },
  },
});
const connections = Number(o.connections);
const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
const server = await startAssay(dataDir, o.https ? [] : ['--http']);
const make = () => ({ method: 'GET', headers: { 'x-user': 'admin', 'x-apikey': BENCH_KEY, accept: 'application/json' } });
try {
  console.log(`server ${server.url}; ${connections} connections; ${o.seconds}s x ${o.runs} runs; ${cpus().length} cores (${cpus()[0]?.model})`);
  await load(server.url + o.path, 2000, connections, make); // warm-up: JIT and the key cache
  const results: LoadResult[] = [];
  for (let i = 0; i < Number(o.runs); i++) {
    const r = await load(server.url + o.path, Number(o.seconds) * 1000, connections, make);
    results.push(r);
    console.log(`run ${i + 1}: ${r.rps.toFixed(0)} req/s  ok=${r.ok} errors=${r.errors}  p50=${r.p50.toFixed(2)}ms p99=${r.p99.toFixed(2)}ms`);
  }
  const m = median(results, (r) => r.rps);
  console.log(`median: ${m.rps.toFixed(0)} req/s (p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms)`);
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
