// Hostile input: archives built to exhaust disk, memory or time, submitted one at a time to a real Assay with the
// built-in analysers. For each: wall time, peak resident memory of the server and its workers (sampled every
// 50 ms), bytes the data directory grew by, file records added, errors, score and verdict, and the memory once
// the server has settled again. Ratios are against an ordinary one-file zip measured in the same run (after a
// warm-up submission, so that it does not pay for starting the workers). At the end the server is left idle
// until its idle workers have stopped (services.workerIdleSeconds, 60 s unless --config says otherwise), and
// its idle memory is compared with the start-up figure.
//
//   npx tsx bench/hostile.ts [--only fanout,bomb42,…] [--fanout 10x10x10:15] [--config '{"services":{…}}']
//                            [--settle 30] [--timeout 1800] [--keep]
//
// Cases: baseline (a zip of one text file); fanout (the finding: a zip of 10 zips of 10 zips of 10 zips, each leaf
// a zip of 15 MiB of zeros and 16 random bytes, --fanout changes it); bomb42 (42.zip's shape: 5 levels of 16,
// 4 GiB of zeros at the bottom, 4.5 PB nominal); ratio (one entry of 4 GiB of zeros); chain20 (20 nested zips,
// EICAR at the bottom); entries10k (10,000 tiny files). The server runs from sources, as bench/e2e.ts does, with
// the configuration of --config over the built-in analysers; --keep leaves its data directory in place.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verdictOf } from '../src/cli/commands/submit.js';
import { deepChain, fanOut, manyEntries, nestedBomb, plainZip, singleEntryBomb } from '../test/helpers/hostile-zips.js';
import { duBytes, RssSampler, treeRss } from '../test/helpers/proc-memory.js';
import { multipart, rawRequest } from '../test/helpers/raw.js';
import { BENCH_KEY, bannerUrl, ROOT, stopChild } from './lib.js';

const { values: o } = parseArgs({
  options: {
    only: { type: 'string' },
    fanout: { type: 'string', default: '10x10x10:15' },
    config: { type: 'string', default: '{}' },
    settle: { type: 'string', default: '30' },
    timeout: { type: 'string', default: '1800' },
    keep: { type: 'boolean', default: false },
  },
});
const headers = { 'x-user': 'admin', 'x-apikey': BENCH_KEY };
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fo = /^(\d+)x(\d+)x(\d+):(\d+)$/.exec(o.fanout!);
if (!fo) throw new Error('--fanout is WIDTHxWIDTHxWIDTH:LEAF_MIB, e.g. 10x10x10:15');
if (fo[1] !== fo[2] || fo[2] !== fo[3]) throw new Error('--fanout: the three widths must be equal');
const cases: Array<{ name: string; describe: string; build: () => Buffer }> = [
  { name: 'baseline', describe: 'a zip of one text file', build: plainZip },
  { name: 'fanout', describe: `${fo[1]}x${fo[2]}x${fo[3]} nested zips, ${fo[4]} MiB zero leaves`, build: () => fanOut({ levels: 3, width: Number(fo[1]), leafMiB: Number(fo[4]) }) },
  { name: 'bomb42', describe: '42.zip-style, 5 levels of 16, 4 GiB leaves', build: () => nestedBomb() },
  { name: 'ratio', describe: 'one entry, 4 GiB of zeros', build: () => singleEntryBomb() },
  { name: 'chain20', describe: '20 nested zips, EICAR at the bottom', build: () => deepChain(20) },
  { name: 'entries10k', describe: '10,000 tiny entries', build: () => manyEntries(10_000) },
];
const only = o.only ? new Set(o.only.split(',')) : null;
const selected = cases.filter((c) => c.name === 'baseline' || !only || only.has(c.name));

/** Files the server has records of. */
async function fileRecords(url: string): Promise<number> {
  const r = await rawRequest(`${url}/api/v4/search/file/?query=*&rows=0&track_total_hits=true`, { headers });
  return Number(r.body?.api_response?.total ?? NaN);
}

/** The server is settled when its resident memory has not moved by more than 2% over 5 s (or `settle` s passed). */
async function settle(pid: number, maxSeconds: number): Promise<number> {
  const until = Date.now() + maxSeconds * 1000;
  let last = treeRss(pid).totalMb;
  let steady = 0;
  while (Date.now() < until && steady < 5) {
    await sleep(1000);
    const now = treeRss(pid).totalMb;
    steady = Math.abs(now - last) <= last * 0.02 ? steady + 1 : 0;
    last = now;
  }
  return last;
}

interface Row {
  name: string;
  describe: string;
  archiveBytes: number;
  seconds: number;
  peakMb: number;
  peakMainMb: number;
  writtenBytes: number;
  records: number;
  files: number;
  errors: number;
  score: number;
  verdict: string;
  state: string;
  idleMb: number;
}

async function runCase(url: string, pid: number, dataDir: string, c: (typeof cases)[number]): Promise<Row> {
  const archive = c.build();
  const m = multipart([
    { name: 'json', value: JSON.stringify({ name: `${c.name}.zip`, params: { description: `hostile input: ${c.describe}` } }) },
    { name: 'bin', value: archive, filename: `${c.name}.zip` },
  ]);
  const bytesBefore = duBytes(dataDir);
  const recordsBefore = await fileRecords(url);
  const sampler = new RssSampler(pid, 50);
  const t0 = performance.now();
  const r = await rawRequest(`${url}/api/v4/submit/`, { method: 'POST', headers: { ...headers, 'content-type': m.contentType }, body: m.body });
  if (r.status !== 200) throw new Error(`${c.name}: submit answered ${r.status} ${r.raw.toString().slice(0, 300)}`);
  const sid = r.body.api_response.sid as string;
  let sub: any;
  for (const until = Date.now() + Number(o.timeout) * 1000; ; ) {
    sub = (await rawRequest(`${url}/api/v4/submission/${sid}/`, { headers })).body.api_response;
    if (sub?.state === 'completed' || Date.now() > until) break;
    await sleep(200);
  }
  const seconds = (performance.now() - t0) / 1000;
  const peak = sampler.stop();
  const idleMb = await settle(pid, Number(o.settle));
  const score = Number(sub?.max_score ?? 0);
  return {
    name: c.name,
    describe: c.describe,
    archiveBytes: archive.length,
    seconds,
    peakMb: peak.totalMb,
    peakMainMb: peak.mainMb,
    // Measured after settling, so temporary work files the analysis removes again are not counted.
    writtenBytes: duBytes(dataDir) - bytesBefore,
    records: (await fileRecords(url)) - recordsBefore,
    files: Number(sub?.file_count ?? 0),
    errors: Number(sub?.error_count ?? 0),
    score,
    verdict: verdictOf(score),
    state: String(sub?.state ?? 'unknown'),
    idleMb,
  };
}

const fmtMb = (b: number) => `${(b / MiB).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'assay-hostile-'));
  const cfg = join(tmpdir(), `assay-hostile-config-${process.pid}.json`);
  const extra = JSON.parse(o.config!) as Record<string, any>;
  writeFileSync(cfg, JSON.stringify({ ...extra, services: { builtin: true, ...(extra.services ?? {}) } }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--data', data, '--config', cfg, '--http', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, ASSAY_ADMIN_APIKEY: BENCH_KEY, ASSAY_ADMIN_PASSWORD: 'bench-password' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rows: Row[] = [];
  try {
    const url = await bannerUrl(child);
    const startMb = await settle(child.pid!, Number(o.settle));
    console.log(`${cpus().length} cores (${cpus()[0]?.model}); node ${process.version}; config ${JSON.stringify(extra)}`);
    console.log(`idle at start: ${startMb.toFixed(0)} MiB (server and workers)`);
    await runCase(url, child.pid!, data, { name: 'warm-up', describe: 'a zip of one text file', build: plainZip });
    for (const c of selected) {
      const row = await runCase(url, child.pid!, data, c);
      rows.push(row);
      console.log(
        `${row.name.padEnd(10)} ${row.describe}: archive ${fmtMb(row.archiveBytes)}; ${row.state} in ${row.seconds.toFixed(1)} s; ` +
          `peak RSS ${row.peakMb.toFixed(0)} MiB (server ${row.peakMainMb.toFixed(0)}); wrote ${fmtMb(row.writtenBytes)}; ` +
          `${row.records} file records (${row.files} files in the submission); ${row.errors} errors; score ${row.score} (${row.verdict}); ` +
          `idle after ${row.idleMb.toFixed(0)} MiB`,
      );
    }
    const base = rows.find((r) => r.name === 'baseline')!;
    console.log(`\nagainst the baseline (${base.seconds.toFixed(2)} s, ${base.peakMb.toFixed(0)} MiB peak, ${fmtMb(base.writtenBytes)} written):`);
    for (const r of rows.filter((x) => x !== base)) {
      const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}x` : 'n/a');
      console.log(`${r.name.padEnd(10)} time ${ratio(r.seconds, base.seconds)}, peak RSS ${ratio(r.peakMb, base.peakMb)}, bytes written ${ratio(r.writtenBytes, base.writtenBytes)}`);
    }
    // Idle workers and describers stop after services.workerIdleSeconds; nothing else is done to the server.
    const idleSeconds = Number(extra.services?.workerIdleSeconds ?? 60);
    const until = Date.now() + (idleSeconds + 30) * 1000;
    let idle = treeRss(child.pid!);
    while (idle.totalMb > startMb * 1.2 && Date.now() < until) {
      await sleep(1000);
      idle = treeRss(child.pid!);
    }
    const pct = ((idle.totalMb / startMb - 1) * 100).toFixed(0);
    console.log(`\nidle: ${startMb.toFixed(0)} MiB at start, ${idle.totalMb.toFixed(0)} MiB (${idle.processes} processes) once idle after the last case (${pct}%)`);
  } finally {
    await stopChild(child);
    rmSync(cfg, { force: true });
    if (o.keep) console.log(`data directory kept: ${data}`);
    else rmSync(data, { recursive: true, force: true });
  }
}

await main();
