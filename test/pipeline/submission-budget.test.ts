// A submission's whole tree stays within its budget (files, bytes, depth), the same input always gives the same
// tree, files past the budget are never stored, and an analysis cut short by a limit scores as suspicious.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import type { FileRecord } from '../../src/core/files/file-record.js';
import type { ErrorRecord, ResultRecord } from '../../src/core/results/model.js';
import { remoteEnv, runCliAsync } from '../cli/remote-support.js';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../helpers/server.js';

const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');
const MiB = 1024 * 1024;

async function zip(entries: Array<[string, Uint8Array]>): Promise<Buffer> {
  const w = new ZipWriter(new Uint8ArrayWriter());
  for (const [name, data] of entries) await w.add(name, new Uint8ArrayReader(data));
  return Buffer.from(await w.close());
}

/** `fan` zips of `fan` zips … `levels` deep; each leaf zip holds `leafBytes` of zeros and 16 random bytes. */
async function fanOut(fan: number, levels: number, leafBytes: number): Promise<Buffer> {
  if (levels === 0) return zip([['leaf.bin', Buffer.concat([Buffer.alloc(leafBytes), randomBytes(16)])]]);
  const children: Array<[string, Uint8Array]> = [];
  for (let i = 0; i < fan; i++) children.push([`part${i}.zip`, await fanOut(fan, levels - 1, leafBytes)]);
  return zip(children);
}

async function nested(depth: number, name: string, data: Uint8Array): Promise<Buffer> {
  let cur: Buffer = Buffer.from(data);
  let inner = name;
  for (let i = 0; i < depth; i++) {
    cur = await zip([[inner, cur]]);
    inner = `level${depth - i}.zip`;
  }
  return cur;
}

describe('submission budget', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'assay-budget-'));
  let fan: Buffer;
  before(async () => {
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 }, submission: { maxExtractedBytes: 4 * MiB } } });
    // 3 + 9 + 27 zips, then 27 unique 1 MiB leaves: 66 extracted files, about 27 MiB.
    fan = await fanOut(3, 3, MiB);
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const files = () => s.storage.datastore.collection<FileRecord>('file');
  const submit = async (bytes: Buffer, name: string, params: Record<string, unknown>) => {
    const r = await call(s.url, '/api/v4/submit/', {
      method: 'POST', headers: adminHeaders, json: { name, base64: bytes.toString('base64'), params },
    });
    assert.equal(r.status, 200, r.text);
    const sub = await waitForSubmission(s.url, r.body.api_response.sid, 120_000, 100);
    assert.equal(sub.state, 'completed');
    return sub;
  };
  /** The files of a submission's tree and its errors by type, for comparing runs. */
  const shape = async (sid: string) => {
    const tree = (await call(s.url, `/api/v4/submission/tree/${sid}/`, { headers: adminHeaders })).body.api_response.tree;
    const shas: string[] = [];
    const walk = (t: Record<string, any>) => {
      for (const [sha, node] of Object.entries(t)) {
        shas.push(sha);
        walk(node.children);
      }
    };
    walk(tree);
    const sub = (await call(s.url, `/api/v4/submission/${sid}/`, { headers: adminHeaders })).body.api_response;
    return { files: shas.sort(), errors: [...sub.errors].sort() as string[] };
  };

  it('stores no more than the byte budget, cuts the same files every time, and scores the cut', { timeout: 300_000 }, async () => {
    const params = { services: { selected: ['Extract'] }, ignore_cache: true };
    const first = await submit(fan, 'fan.zip', params);
    const stored = await files().search({ limit: 10_000 });
    const added = stored.items.filter((f) => f.sha256 !== first.files[0].sha256);
    assert.equal(added.length, stored.items.length - 1, 'the first submission of this server');
    const bytes = added.reduce((n, f) => n + f.size, 0);
    assert.ok(bytes <= 4 * MiB, `stored ${bytes} bytes of extracted files, over the 4 MiB budget`);
    assert.ok(first.file_count < 67, 'the budget cut the tree');
    // Every leaf that fits was kept: the 39 zips and as many 1 MiB leaves as the budget leaves room for.
    assert.equal(added.filter((f) => f.size > MiB).length, 3);

    const errors = s.storage.datastore.collection<ErrorRecord>('error');
    const kinds = await Promise.all(first.errors.map(async (k: string) => (await errors.get(k))!));
    assert.ok(kinds.length > 0 && kinds.every((e) => e.type === 'MAX FILES REACHED'));
    assert.match(kinds[0]!.response.message, /would pass the limit of 4194304 bytes/);

    // The cut scores the submission suspicious, with a result naming the limit.
    assert.ok(first.max_score >= 300 && first.max_score < 700, `score ${first.max_score}`);
    const results = s.storage.datastore.collection<ResultRecord>('result');
    const records = await Promise.all((first.results as string[]).map((k) => results.get(k)));
    const report = records.find((r) => r?.response.service_name === 'Dispatcher');
    assert.ok(report, 'a Dispatcher result');
    assert.equal(report.sha256, first.files[0].sha256);
    assert.equal(report.result.sections[0]!.heuristic?.heur_id, 'DISPATCHER.1');
    assert.deepEqual(report.result.sections[0]!.heuristic?.signature.map((sig) => sig.name), ['limit.bytes']);

    // Same input, same tree and same refusals, cache or not.
    const expected = await shape(first.sid);
    for (const p of [params, { ...params, ignore_cache: false }, params]) {
      const again = await submit(fan, 'fan.zip', p);
      assert.deepEqual(await shape(again.sid), expected);
      assert.equal(again.max_score, first.max_score);
    }
    assert.equal(await files().count(), stored.items.length, 'resubmitting stored nothing new');
  });

  it('stops at max_extracted across the whole tree, never storing the files past it', { timeout: 300_000 }, async () => {
    // The submit endpoint takes max_extracted from the configuration, as Assemblyline does.
    s.config.submission.defaultMaxExtracted = 20;
    const sub = await submit(fan, 'fan.zip', { services: { selected: ['Extract'] }, ignore_cache: true }).finally(() => {
      s.config.submission.defaultMaxExtracted = 500;
    });
    assert.equal(sub.file_count, 21, 'the submitted file and 20 extracted ones');
    const tree = await shape(sub.sid);
    assert.equal(tree.files.length, 21);
    // Files refused by the count were not stored.
    const errors = s.storage.datastore.collection<ErrorRecord>('error');
    for (const key of sub.errors) {
      const e = (await errors.get(key))!;
      assert.equal(e.type, 'MAX FILES REACHED');
      assert.equal(await s.storage.filestore.exists(e.sha256), (await files().get(e.sha256)) !== null, 'refused files exist only if stored earlier');
    }
    assert.ok(sub.max_score >= 300, `score ${sub.max_score}`);
  });

  it('reports EICAR nested past the depth limit as suspicious, and `assay submit` exits 2', { timeout: 300_000 }, async () => {
    const bytes = await nested(10, 'eicar.com', Buffer.from(EICAR));
    const sub = await submit(bytes, 'deep.zip', {});
    const errors = s.storage.datastore.collection<ErrorRecord>('error');
    const types = await Promise.all(sub.errors.map(async (k: string) => (await errors.get(k))!.type));
    assert.ok(types.includes('MAX DEPTH REACHED'));
    assert.ok(sub.max_score >= 300 && sub.max_score < 1000, `score ${sub.max_score}`);

    const path = join(dir, 'deep.zip');
    writeFileSync(path, bytes);
    const cli = await runCliAsync(['submit', path, '--json'], remoteEnv(s));
    assert.equal(cli.status, 2, cli.stderr + cli.stdout);
    assert.equal(JSON.parse(cli.stdout).verdict, 'suspicious');
  });
});
