// The PE analyser end to end: a MinGW-built executable that imports the remote-thread injection API set is
// ingested like a sensor would send it, lands as suspicious or worse, and its imphash tag is in the results.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parsePe } from '../../../src/services/pe/index.js';
import { ingestAndWait, pythonClientSession } from '../../helpers/raw.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../../helpers/server.js';
import { buildInjector, GCC, have } from './mingw.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every tag value of a type anywhere in a JSON result tree ({type, value} items of section tag lists). */
function tagValues(node: unknown, type: string, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) tagValues(n, type, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === type && typeof o.value === 'string') out.push(o.value);
    for (const v of Object.values(o)) tagValues(v, type, out);
  }
  return out;
}

describe('PE analyser end to end', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'assay-pe-e2e-'));
  before(async () => {
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an injector scores at least 300 with its imphash tagged', { timeout: 120_000 }, async (t) => {
    if (!have(GCC)) {
      if (process.env.CI === 'true') assert.fail(`${GCC} is required in CI`);
      t.skip(`${GCC} not installed`);
      return;
    }
    const bytes = readFileSync(buildInjector(dir));
    const pe = parsePe(bytes);
    assert.ok(pe.isPe && pe.imphash);

    const client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
    const msg = await ingestAndWait(client, 'updater.exe', bytes, 'pe');
    assert.ok(msg.score >= 300, `score ${msg.score}`);

    const full = (await client.get(`/api/v4/submission/full/${msg.submission.sid}/`)).body.api_response;
    // AL keys the results by result key (sha256.service.version.config).
    const peResult = (Object.values(full.results) as any[]).find((res) => res.response?.service_name === 'PE');
    assert.ok(peResult, 'PE analyser result present');
    assert.deepEqual(tagValues(peResult, 'file.pe.imports.imphash'), [pe.imphash]);
    const heuristics = JSON.stringify(peResult.result.sections.map((x: any) => x.heuristic?.heur_id ?? null));
    assert.match(heuristics, /PE\.103/);
  });
});
