// Under load from hostile archives, a real server (its own process, started by `assay serve`, with the built-in
// analysers) keeps itself and its workers under the configured memory ceiling, its data directory grows by no
// more than the submissions' byte budgets and the archives themselves, and once the load is over its idle memory
// comes back near the start-up figure by itself (idle workers and threads stopped).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exitOf, spawnCli, waitForOutput } from '../helpers/cli.js';
import { fanOut } from '../helpers/hostile-zips.js';
import { duBytes, RssSampler, treeRss } from '../helpers/proc-memory.js';
import { multipart, rawRequest } from '../helpers/raw.js';
import { ADMIN_APIKEY, ADMIN_PASSWORD, adminHeaders, waitForSubmission } from '../helpers/server.js';

const MiB = 1024 * 1024;
const SUBMISSIONS = 20;
const CEILING_MB = 1024;
const BUDGET_BYTES = 5 * MiB;
const IDLE_SECONDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ok` holds or `ms` passed; returns the last value. */
async function pollUntil<T>(ms: number, read: () => T, ok: (v: T) => boolean): Promise<T> {
  const until = Date.now() + ms;
  let v = read();
  while (!ok(v) && Date.now() < until) {
    await sleep(500);
    v = read();
  }
  return v;
}

describe('resource bounds under load', () => {
  const data = mkdtempSync(join(tmpdir(), 'assay-bounds-'));
  const config = join(data, 'config.json');
  let server: ReturnType<typeof spawnCli>;
  let url: string;
  let log = '';

  before(async () => {
    writeFileSync(
      config,
      JSON.stringify({
        services: { builtin: true, workers: 2, memoryCeilingMb: CEILING_MB, workerIdleSeconds: IDLE_SECONDS },
        submission: { maxExtractedBytes: BUDGET_BYTES },
      }),
    );
    server = spawnCli(['serve', '--data', data, '--config', config, '--http', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'], {
      ASSAY_ADMIN_APIKEY: ADMIN_APIKEY,
      ASSAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    server.stderr.on('data', (d) => (log += d.toString()));
    url = /listening on (\S+)/.exec(await waitForOutput(server, /listening on \S+\n/, 60_000))![1]!;
  });
  after(async () => {
    server.kill('SIGTERM');
    await exitOf(server, 30_000);
    rmSync(data, { recursive: true, force: true });
  });

  it(`keeps ${SUBMISSIONS} concurrent fan-out archives under the ceiling and the budget, then returns to idle`, { timeout: 170_000 }, async () => {
    // Start-up figure: the server as it stands once started, before any analysis.
    await sleep(1000);
    const start = treeRss(server.pid!);
    const bytesBefore = duBytes(data);
    // 3 zips of 3 leaf zips, each leaf 2 MiB of zeros and 16 random bytes: 18 MiB each without a budget.
    const archives = Array.from({ length: SUBMISSIONS }, () => fanOut({ levels: 2, width: 3, leafMiB: 2 }));
    const archiveBytes = archives.reduce((s, a) => s + a.length, 0);

    const sampler = new RssSampler(server.pid!, 50);
    const sids = await Promise.all(
      archives.map(async (a, i) => {
        const m = multipart([
          { name: 'json', value: JSON.stringify({ name: `fan-${i}.zip` }) },
          { name: 'bin', value: a, filename: `fan-${i}.zip` },
        ]);
        const r = await rawRequest(`${url}/api/v4/submit/`, { method: 'POST', headers: { ...adminHeaders, 'content-type': m.contentType }, body: m.body });
        assert.equal(r.status, 200, r.raw.toString());
        return r.body.api_response.sid as string;
      }),
    );
    const subs = await Promise.all(sids.map((sid) => waitForSubmission(url, sid, 150_000, 500)));
    const peak = sampler.stop();
    for (const sub of subs) assert.equal(sub?.state, 'completed', `submission ${sub?.sid} did not complete`);

    console.log(
      `start ${start.totalMb.toFixed(0)} MiB; peak ${peak.totalMb.toFixed(0)} MiB (server ${peak.mainMb.toFixed(0)}, ` +
        `children ${peak.each.map((mb) => mb.toFixed(0)).join(' + ')}) over ${sampler.samples} samples`,
    );
    const stops = log.split('\n').filter((l) => l.includes('memory ceiling reached')).length;
    console.log(`workers stopped at the ceiling: ${stops}`);
    assert.ok(peak.totalMb < CEILING_MB, `peak ${peak.totalMb.toFixed(0)} MiB is above the ${CEILING_MB} MiB ceiling`);

    // Idle memory comes back by itself: idle workers and description threads stop after IDLE_SECONDS.
    const limit = start.totalMb * 1.2;
    const idle = await pollUntil(60_000, () => treeRss(server.pid!), (m) => m.totalMb <= limit);
    console.log(`idle after the load ${idle.totalMb.toFixed(0)} MiB (${idle.processes} processes), start-up ${start.totalMb.toFixed(0)} MiB`);
    assert.ok(idle.totalMb <= limit, `idle ${idle.totalMb.toFixed(0)} MiB is more than 20% above the start-up ${start.totalMb.toFixed(0)} MiB`);

    // What the load left on disk (work directories are gone by now).
    const grown = duBytes(data) - bytesBefore;
    const allowed = SUBMISSIONS * BUDGET_BYTES + archiveBytes;
    console.log(`data directory grew by ${(grown / MiB).toFixed(1)} MiB; allowed ${(allowed / MiB).toFixed(1)} MiB`);
    assert.ok(grown <= allowed, `the data directory grew by ${grown} bytes, more than ${allowed}`);
  });
});
