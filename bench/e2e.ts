// End to end: every file of the strelka corpus ingested with a notification queue (as a sensor would), until
// every notification arrived. Reports files/s, notification latency (ingest accepted → notification queued,
// from the message's own timestamps) and the peak resident memory of the server and its workers.
//
//   npx tsx bench/e2e.ts [--runs 3] [--services test/fixtures/pipeline] [--builtin]
//
// The server runs from sources (so test analysers written in TypeScript can be loaded); --services names a
// directory of analysers to load (default: the two small fixture analysers, a scorer and a zip extractor);
// --builtin adds the analysers that ship with Assay.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_KEY, bannerUrl, percentile, ROOT, stopChild } from './lib.js';
import { multipart, rawRequest } from '../test/helpers/raw.js';

const { values: o } = parseArgs({ options: { runs: { type: 'string', default: '3' }, services: { type: 'string', default: 'test/fixtures/pipeline' }, builtin: { type: 'boolean', default: false } } });
const corpus = join(ROOT, '..', 'shared', 'corpus', 'strelka-fixtures');
const files = readdirSync(corpus).filter((f) => f !== 'LICENSE' && statSync(join(corpus, f)).isFile() && statSync(join(corpus, f)).size > 0);
const headers = { 'x-user': 'admin', 'x-apikey': BENCH_KEY };

/** Peak resident memory (VmHWM) of a process and its descendants, in MiB. */
function peakRss(pid: number): number {
  let total = 0;
  const walk = (p: number) => {
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      total += Number(hwm?.[1] ?? 0) / 1024;
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(/\s+/).filter(Boolean)) walk(Number(c));
      }
    } catch {
      // the process ended meanwhile
    }
  };
  walk(pid);
  return total;
}

async function run(i: number) {
  const data = mkdtempSync(join(tmpdir(), 'assay-e2e-'));
  const cfg = join(data, 'bench-config.json');
  writeFileSync(cfg, JSON.stringify({ services: { builtin: o.builtin, paths: [join(ROOT, o.services!)] } }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--data', data, '--config', cfg, '--http', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, ASSAY_ADMIN_APIKEY: BENCH_KEY, ASSAY_ADMIN_PASSWORD: 'bench-password' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await bannerUrl(child);
  try {
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < files.length) {
          const f = files[next++]!;
          const m = multipart([
            { name: 'json', value: JSON.stringify({ name: f, metadata: { file_path: f }, type: 'AL_CLIENT', notification_queue: 'e2e' }) },
            { name: 'bin', value: readFileSync(join(corpus, f)), filename: f },
          ]);
          const r = await rawRequest(`${url}/api/v4/ingest/`, { method: 'POST', headers: { ...headers, 'content-type': m.contentType }, body: m.body });
          if (r.status !== 200) throw new Error(`ingest of ${f}: ${r.status} ${r.raw}`);
        }
      }),
    );
    const latencies: number[] = [];
    while (latencies.length < files.length) {
      const r = await rawRequest(`${url}/api/v4/ingest/get_message_list/e2e/`, { headers });
      for (const m of r.body.api_response) latencies.push(Date.parse(m.notify_time) - Date.parse(m.ingest_time));
      if (Date.now() - t0 > 300_000) throw new Error('timed out waiting for notifications');
      if (latencies.length < files.length) await new Promise((res) => setTimeout(res, 20));
    }
    const secs = (Date.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    // Unloaded latency: one small file at a time, each waited for before the next.
    const single: number[] = [];
    for (let k = 0; k < 30; k++) {
      const m = multipart([
        { name: 'json', value: JSON.stringify({ name: `one-${k}.txt`, metadata: {}, type: 'AL_CLIENT', notification_queue: 'one' }) },
        { name: 'bin', value: Buffer.from(`single file ${k} ${Date.now()}`), filename: `one-${k}.txt` },
      ]);
      await rawRequest(`${url}/api/v4/ingest/`, { method: 'POST', headers: { ...headers, 'content-type': m.contentType }, body: m.body });
      for (;;) {
        const [msg] = (await rawRequest(`${url}/api/v4/ingest/get_message_list/one/`, { headers })).body.api_response;
        if (msg) {
          single.push(Date.parse(msg.notify_time) - Date.parse(msg.ingest_time));
          break;
        }
        await new Promise((res) => setTimeout(res, 2));
      }
    }
    single.sort((a, b) => a - b);
    const res = {
      filesPerSec: files.length / secs,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      single50: percentile(single, 0.5),
      single99: percentile(single, 0.99),
      peakRssMb: peakRss(child.pid!),
    };
    console.log(
      `run ${i}: ${res.filesPerSec.toFixed(1)} files/s; corpus notification latency p50 ${res.p50} ms p99 ${res.p99} ms; ` +
        `single-file latency p50 ${res.single50} ms p99 ${res.single99} ms; peak RSS ${res.peakRssMb.toFixed(0)} MiB`,
    );
    return res;
  } finally {
    await stopChild(child);
    rmSync(data, { recursive: true, force: true });
  }
}

console.log(`${files.length} corpus files; analysers from ${o.services}; ${cpus().length} cores (${cpus()[0]?.model}); node ${process.version}`);
const results = [];
for (let i = 1; i <= Number(o.runs); i++) results.push(await run(i));
const med = [...results].sort((a, b) => a.filesPerSec - b.filesPerSec)[Math.floor(results.length / 2)]!;
console.log(
  `median: ${med.filesPerSec.toFixed(1)} files/s; corpus notification latency p50 ${med.p50} ms p99 ${med.p99} ms; ` +
    `single-file latency p50 ${med.single50} ms p99 ${med.single99} ms; peak RSS ${med.peakRssMb.toFixed(0)} MiB`,
);
