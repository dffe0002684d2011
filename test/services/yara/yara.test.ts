import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobReader, TextWriter, ZipReader } from '@zip.js/zip.js';
import { execute, manifest } from '../../../src/services/yara/index.js';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { rulesDir } from '../../../src/core/signatures/store.js';
import { adminHeaders, call, startTestServer, type TestServer } from '../../helpers/server.js';
import { allTags, runOn, tempDir } from '../../helpers/service.js';

// The standard 68-byte EICAR text, assembled here so this source file itself never trips a scanner.
const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-', 'TEST-FILE!$H+H*'].join('');

let root: string;
let cleanup: () => Promise<void>;
let server: TestServer;
before(async () => {
  ({ dir: root, cleanup } = await tempDir('yara-'));
  server = await startTestServer();
});
after(async () => {
  await server.stop();
  await cleanup();
});

test('manifest is valid', () => {
  assert.equal(EICAR.length, 68);
  validateManifest(manifest);
});

test('EICAR gives a malicious section with the rule and a matched-string excerpt', async () => {
  const out = await runOn(execute, root, 'eicar.com', 'text/plain', EICAR);
  const sec = out.sections.find((s) => s.title.includes('EICAR_Test_File'));
  assert.ok(sec, JSON.stringify(out.sections.map((s) => s.title)));
  assert.equal(sec.heuristic?.id, 1);
  assert.deepEqual(allTags(out, 'file.rule.yara'), ['starter.EICAR_Test_File']);
  assert.deepEqual(allTags(out, 'attribution.family'), ['EICAR']);
  const table = out.sections[out.sections.indexOf(sec) + 1]!;
  assert.equal(table.bodyFormat, 'TABLE');
  const row = (table.body as Array<Record<string, unknown>>)[0]!;
  assert.equal(row.identifier, '$eicar');
  assert.equal(row.offset, 0);
  assert.ok(String(row.printable).startsWith('X5O!P%@AP'));
  assert.ok(String(row.hex).startsWith(Buffer.from('X5O!').toString('hex')));
});

test('a file without matches gives no sections', async () => {
  const out = await runOn(execute, root, 'plain.txt', 'text/plain', 'nothing to see here\n'.repeat(100));
  assert.deepEqual(out.sections, []);
});

test('rules from rules_dir are scanned; meta score and ATT&CK ids are used; a broken file is skipped', async () => {
  const dir = join(root, 'rules');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'local.yar'), 'rule Local_Marker { meta: score = 100 attack_id = "T1027" strings: $m = "ASSAY-MARKER" condition: $m }');
  await writeFile(join(dir, 'broken.yar'), 'rule Broken { condition: $nope }');
  const out = await runOn(execute, root, 'm.bin', 'unknown', Buffer.from('\x00\x01ASSAY-MARKER\xff'), { rules_dir: dir });
  const sec = out.sections.find((s) => s.title.includes('Local_Marker'))!;
  assert.equal(sec.heuristic?.id, 4);
  assert.deepEqual(sec.heuristic?.attack, ['T1027']);
  assert.deepEqual(sec.tags?.['file.rule.yara'], ['local.Local_Marker']);
});

const RULE = 'rule Api_Test_Rule { meta: verdict = "suspicious" strings: $a = "api-test-needle" condition: $a }';

test('an invalid rule is refused with the compiler message', async () => {
  const r = await call(server.url, '/api/v4/signature/add_update/', {
    method: 'POST', headers: adminHeaders, json: { name: 'bad', type: 'yara', source: 'local', data: 'rule bad { condition: $x }' },
  });
  assert.equal(r.status, 400);
  assert.match(r.body.api_error_message, /E025|unknown pattern/);
});

test('add_update, get, change_status, download and delete', async () => {
  const add = await call(server.url, '/api/v4/signature/add_update/', {
    method: 'POST', headers: adminHeaders, json: { name: 'Api_Test_Rule', type: 'yara', source: 'local', data: RULE, status: 'TESTING' },
  });
  assert.equal(add.status, 200, add.text);
  const id = add.body.api_response.signature_id;
  assert.equal(id, 'yara_local_Api_Test_Rule');
  assert.equal(add.body.api_response.success, true);

  const dup = await call(server.url, '/api/v4/signature/add_update/', {
    method: 'POST', headers: adminHeaders, json: { name: 'Api_Test_Rule', signature_id: 'other', type: 'yara', source: 'local', data: RULE },
  });
  assert.equal(dup.status, 400);
  assert.equal(dup.body.api_error_message, 'A signature with that name already exists');

  const got = await call(server.url, `/api/v4/signature/${id}/`, { headers: adminHeaders });
  assert.equal(got.body.api_response.status, 'TESTING');

  const st = await call(server.url, `/api/v4/signature/change_status/${id}/DEPLOYED/`, { headers: adminHeaders });
  assert.deepEqual(st.body.api_response, { success: true });
  const after = (await call(server.url, `/api/v4/signature/${id}/`, { headers: adminHeaders })).body.api_response;
  assert.equal(after.status, 'DEPLOYED');
  assert.equal(after.state_change_user, 'admin');
  const back = await call(server.url, `/api/v4/signature/change_status/${id}/TESTING/`, { headers: adminHeaders });
  assert.equal(back.status, 403);

  const cleared = await call(server.url, `/api/v4/signature/clear_status/${id}/`, { headers: adminHeaders });
  assert.deepEqual(cleared.body.api_response, { success: true });

  const stats = await call(server.url, '/api/v4/signature/stats/', { headers: adminHeaders });
  assert.ok(stats.body.api_response.some((s: { id: string }) => s.id === id));

  const dl = await fetch(`${server.url}/api/v4/signature/download/`, { headers: adminHeaders });
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/zip');
  assert.match(dl.headers.get('content-disposition') ?? '', /al_signatures_[0-9a-f]{7}\.zip/);
  const zip = new ZipReader(new BlobReader(await dl.blob()));
  const entries = await zip.getEntries();
  assert.deepEqual(entries.map((e) => e.filename), ['yara/local']);
  const entry = entries[0]!;
  assert.ok(!entry.directory);
  const text = await entry.getData(new TextWriter());
  await zip.close();
  assert.ok(text.includes('rule Api_Test_Rule'));

  const del = await call(server.url, `/api/v4/signature/${id}/`, { method: 'DELETE', headers: adminHeaders });
  assert.deepEqual(del.body.api_response, { success: true });
  const gone = await call(server.url, `/api/v4/signature/${id}/`, { headers: adminHeaders });
  assert.equal(gone.status, 404);
  assert.equal(gone.body.api_error_message, `Signature not found. (${id})`);
});

test('a change through the API is in the rule files the analyser reads by the time it is answered', async () => {
  const file = join(rulesDir(server.dataDir), 'exported.yar');
  const rule = 'rule Export_Check { strings: $a = "export-check-needle" condition: $a }';
  const add = await call(server.url, '/api/v4/signature/add_update/', {
    method: 'POST', headers: adminHeaders, json: { name: 'Export_Check', type: 'yara', source: 'exported', data: rule },
  });
  assert.equal(add.status, 200, add.text);
  assert.match(await readFile(file, 'utf8'), /rule Export_Check/);
  const off = await call(server.url, `/api/v4/signature/change_status/${add.body.api_response.id}/DISABLED/`, { headers: adminHeaders });
  assert.deepEqual(off.body.api_response, { success: true });
  assert.equal(existsSync(file), false, 'a source without active rules has no file');
});
