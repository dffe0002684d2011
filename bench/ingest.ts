// Ingest acceptance rate: POST /api/v4/ingest/ with 4 KiB files (multipart, API-key headers) over 32 keep-alive
// connections, against a bare Fastify multipart endpoint that only hashes the upload, measured in the same run.
//
// Assay analyses the backlog while it accepts (analysers at low priority on the same cores), so the bare endpoint
// is measured beside that analysis too; the closing line says how many ingests were analysed meanwhile.
// --pause-analysis measures the API alone (the ingester claims nothing), and then the bare endpoint runs alone.
//
//   npm run build && npx tsx bench/ingest.ts [--seconds 10] [--runs 3] [--connections 32] [--pause-analysis]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_KEY, bannerUrl, load, median, ROOT, startAssay, stopChild, type LoadResult } from './lib.js';

const { values: o } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' }, connections: { type: 'string', default: '32' }, 'pause-analysis': { type: 'boolean', default: false } } });
const seconds = Number(o.seconds);
const runs = Number(o.runs);
const connections = Number(o.connections);

function upload(extraHeaders: Record<string, string>) {
  return () => {
    const boundary = randomBytes(12).toString('hex');
    const name = `${randomBytes(6).toString('hex')}.bin`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="json"\r\n\r\n`),
      Buffer.from(JSON.stringify({ name, metadata: {}, type: 'AL_CLIENT', notification_queue: 'bench' })),
      Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="bin"; filename="${name}"\r\n\r\n`),
      randomBytes(4096),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { method: 'POST', headers: { ...extraHeaders, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) }, body };
  };
}

const report = (label: string, r: LoadResult) =>
  console.log(`${label}: ${r.rps.toFixed(0)} req/s  ok=${r.ok} errors=${r.errors}  p50=${r.p50.toFixed(2)}ms p99=${r.p99.toFixed(2)}ms`);

const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-multipart.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
const bareUrl = await bannerUrl(bare);
const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-ingest-'));
if (o['pause-analysis']) writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ ingester: { maxInflight: 0 } }));
const assay = await startAssay(dataDir, ['--http']);
console.log(`${connections} connections, ${seconds}s x ${runs} runs, 4 KiB files; ${cpus().length} cores (${cpus()[0]?.model}); node ${process.version}`);
try {
  const bareMake = upload({});
  const assayMake = upload({ 'x-user': 'admin', 'x-apikey': BENCH_KEY });
  await load(`${bareUrl}/upload/`, 2000, connections, bareMake);
  await load(`${assay.url}/api/v4/ingest/`, 2000, connections, assayMake);
  const started = Date.now();
  const analysedBefore = await completedSubmissions(assay.url);
  const bares: LoadResult[] = [];
  const ours: LoadResult[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate so both see the same machine conditions.
    const b = await load(`${bareUrl}/upload/`, seconds * 1000, connections, bareMake);
    report(`run ${i + 1} bare multipart`, b);
    bares.push(b);
    const a = await load(`${assay.url}/api/v4/ingest/`, seconds * 1000, connections, assayMake);
    report(`run ${i + 1} assay ingest  `, a);
    ours.push(a);
  }
  const mb = median(bares, (r) => r.rps);
  const ma = median(ours, (r) => r.rps);
  const analysed = (await completedSubmissions(assay.url)) - analysedBefore;
  console.log(`analysed meanwhile: ${analysed} ingests (${(analysed / ((Date.now() - started) / 1000)).toFixed(1)}/s)`);
  console.log(`median: assay ${ma.rps.toFixed(0)} req/s (p50 ${ma.p50.toFixed(2)} ms, p99 ${ma.p99.toFixed(2)} ms), bare ${mb.rps.toFixed(0)} req/s, ratio ${(ma.rps / mb.rps).toFixed(2)}`);
} finally {
  await assay.stop();
  await stopChild(bare);
  rmSync(dataDir, { recursive: true, force: true });
}

/** Completed submissions so far, from the search API. */
async function completedSubmissions(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v4/search/submission/?query=state:completed&rows=0`, { headers: { 'x-user': 'admin', 'x-apikey': BENCH_KEY } });
  const body = (await res.json()) as { api_response: { total: number } };
  return body.api_response.total;
}
