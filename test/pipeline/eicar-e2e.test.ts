// The built-in analysers end to end: EICAR inside a password-protected zip inside a 7z, ingested like a sensor
// would, scores as malicious and the file tree shows all three levels.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { ingestAndWait, pythonClientSession } from '../helpers/raw.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../helpers/server.js';

// The EICAR anti-virus test file, assembled here so no scanner flags this source file.
const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EICAR in a protected zip in a 7z, end to end', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'assay-eicar-'));
  before(async () => {
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scores 1000 with the tree outer 7z → zip → eicar', { timeout: 120_000 }, async (t) => {
    if (spawnSync('which', ['7z']).status !== 0) {
      if (process.env.CI === 'true') assert.fail('7z is required in CI');
      t.skip('7z not installed');
      return;
    }
    assert.equal(EICAR.length, 68);
    const zw = new ZipWriter(new Uint8ArrayWriter(), { password: 'infected', zipCrypto: true });
    await zw.add('eicar.com', new Uint8ArrayReader(Buffer.from(EICAR)));
    writeFileSync(join(dir, 'inner.zip'), Buffer.from(await zw.close()));
    const seven = spawnSync('7z', ['a', '-bd', '-y', join(dir, 'outer.7z'), join(dir, 'inner.zip')], { encoding: 'utf8' });
    assert.equal(seven.status, 0, seven.stderr);
    const bytes = readFileSync(join(dir, 'outer.7z'));

    const client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
    const msg = await ingestAndWait(client, 'outer.7z', bytes, 'eicar');
    assert.ok(msg.score >= 1000, `score ${msg.score}`);
    const tree = (await client.get(`/api/v4/submission/tree/${msg.submission.sid}/`)).body.api_response.tree;
    const [outer] = Object.values(tree) as any[];
    assert.deepEqual(outer.name, ['outer.7z']);
    assert.equal(outer.type, 'archive/7-zip');
    const [zip] = Object.values(outer.children) as any[];
    assert.deepEqual(zip.name, ['inner.zip']);
    const [eicar] = Object.values(zip.children) as any[];
    assert.deepEqual(eicar.name, ['eicar.com']);
    assert.ok(eicar.score >= 1000);
  });
});
