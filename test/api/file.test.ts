// File records, downloads and viewers over real HTTP, with files from the shared corpus.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeCart, encodeCartFile } from '../../src/core/cart/index.js';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ROOT } from '../helpers/cli.js';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'strelka-fixtures');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hasTool = (t: string) => spawnSync('which', [t]).status === 0;

describe('file records and downloads', () => {
  let s: TestServer;
  const tmp = mkdtempSync(join(tmpdir(), 'assay-file-api-'));
  const exe = readFileSync(join(CORPUS, 'test.exe'));
  const exeSha = sha256(exe);

  before(async () => {
    s = await startTestServer();
    await s.ctx.intake.intake(join(CORPUS, 'test.exe'), { name: 'test.exe' });
  });
  after(async () => {
    await s.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('returns the file record with hashes, type and sightings', async () => {
    const r = await call(s.url, `/api/v4/file/info/${exeSha}/`, { headers: adminHeaders });
    assert.equal(r.status, 200, r.text);
    const f = r.body.api_response;
    assert.equal(f.sha256, exeSha);
    assert.equal(f.md5, createHash('md5').update(exe).digest('hex'));
    assert.equal(f.sha1, createHash('sha1').update(exe).digest('hex'));
    assert.equal(f.size, exe.length);
    assert.equal(f.type, 'executable/windows/pe64');
    assert.match(f.magic, /PE32\+/);
    assert.match(f.ssdeep, /^\d+:[^:]+:[^:]+$/);
    assert.ok(f.entropy > 0 && f.entropy <= 8);
    assert.equal(f.hex, exe.subarray(0, 64).toString('hex'));
    assert.equal(f.ascii.length, 64);
    assert.equal(f.seen.count, 1);
    const missing = await call(s.url, `/api/v4/file/info/${'0'.repeat(64)}/`, { headers: adminHeaders });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.api_error_message, 'This file does not exists.');
    const bad = await call(s.url, '/api/v4/file/info/not-a-hash/', { headers: adminHeaders });
    assert.equal(bad.status, 400);
  });

  it('freshens the record on every upload and unwraps uploaded CaRT files', async () => {
    const cartPath = join(tmp, 'wrapped.cart');
    await encodeCartFile(join(CORPUS, 'test.exe'), cartPath, { name: 'renamed.exe', metadata: { origin: 'mail' } });
    const res = await s.ctx.intake.intake(cartPath);
    assert.equal(res.record.sha256, exeSha, 'the record is of the wrapped file');
    assert.equal(res.cartHeader?.name, 'renamed.exe');
    assert.equal(res.cartHeader?.origin, 'mail');
    assert.equal(res.isNew, false);
    const r = await call(s.url, `/api/v4/file/info/${exeSha}/`, { headers: adminHeaders });
    assert.equal(r.body.api_response.seen.count, 2);
    assert.ok(r.body.api_response.seen.last >= r.body.api_response.seen.first);
  });

  it('downloads as CaRT by default, with the AL headers', async () => {
    const r = await fetch(`${s.url}/api/v4/file/download/${exeSha}/`, { headers: adminHeaders });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    assert.equal(r.headers.get('content-disposition'), `attachment; filename=file.bin; filename*=UTF-8''${exeSha}.cart`);
    const body = Buffer.from(await r.arrayBuffer());
    assert.equal(body.subarray(0, 4).toString(), 'CART');
    const out = new PassThrough();
    const [meta, plain] = await Promise.all([decodeCart(Readable.from([body]), out), buffer(out)]);
    assert.ok(plain.equals(exe));
    assert.equal(meta.header.name, exeSha);
    assert.equal(meta.footer.sha256, exeSha);
  });

  it('downloads raw bytes with a chosen name', async () => {
    const r = await fetch(`${s.url}/api/v4/file/download/${exeSha}/?encoding=raw&name=../../evil name.exe`, { headers: adminHeaders });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-disposition'), "attachment; filename=file.bin; filename*=UTF-8''evil%20name.exe");
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(exe));
  });

  it('downloads a zip that Debian unzip and 7z open with the password', async (t) => {
    const r = await fetch(`${s.url}/api/v4/file/download/${exeSha}/?encoding=zip`, { headers: adminHeaders });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition') ?? '', /\.zip$/);
    const zipPath = join(tmp, 'dl.zip');
    writeFileSync(zipPath, Buffer.from(await r.arrayBuffer()));
    const custom = await fetch(`${s.url}/api/v4/file/download/${exeSha}/?encoding=zip&password=s3cret`, { headers: adminHeaders });
    const customPath = join(tmp, 'custom.zip');
    writeFileSync(customPath, Buffer.from(await custom.arrayBuffer()));
    if (!hasTool('unzip') || !hasTool('7z')) {
      if (process.env.CI === 'true') assert.fail('unzip and 7z are required in CI');
      t.skip('unzip/7z not installed');
      return;
    }
    const unzip = spawnSync('unzip', ['-p', '-P', 'infected', zipPath], { maxBuffer: 1 << 26 });
    assert.equal(unzip.status, 0, unzip.stderr?.toString());
    assert.ok(unzip.stdout.equals(exe));
    const seven = spawnSync('7z', ['e', '-so', '-ps3cret', customPath], { maxBuffer: 1 << 26 });
    assert.equal(seven.status, 0);
    assert.ok(seven.stdout.equals(exe));
    assert.notEqual(spawnSync('unzip', ['-p', '-P', 'wrong', customPath]).status, 0);
  });

  it('refuses unknown encodings and bad passwords in AL words', async () => {
    const enc = await call(s.url, `/api/v4/file/download/${exeSha}/?encoding=base64`, { headers: adminHeaders });
    assert.equal(enc.status, 403);
    assert.equal(enc.body.api_error_message, 'BASE64 is not in the valid encoding types: ["cart","raw","zip"]');
    const pw = await call(s.url, `/api/v4/file/download/${exeSha}/?encoding=zip&password=${'x'.repeat(129)}`, { headers: adminHeaders });
    assert.equal(pw.status, 400);
    const missing = await call(s.url, `/api/v4/file/download/${'1'.repeat(64)}/`, { headers: adminHeaders });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.api_error_message, 'The file was not found in the system.');
  });

  it('shows ASCII, hex and strings of the first MiB', async () => {
    const ascii = await call(s.url, `/api/v4/file/ascii/${exeSha}/`, { headers: adminHeaders });
    assert.equal(ascii.status, 200);
    assert.ok(ascii.body.api_response.content.startsWith('MZ'));
    assert.equal(ascii.body.api_response.content.length, Math.min(exe.length, 1 << 20));
    assert.equal(ascii.body.api_response.truncated, exe.length > 1 << 20);
    const hex = await call(s.url, `/api/v4/file/hex/${exeSha}/`, { headers: adminHeaders });
    assert.ok(hex.body.api_response.content.startsWith('00000000:  4d 5a '));
    const bytes = await call(s.url, `/api/v4/file/hex/${exeSha}/?bytes_only&length=8`, { headers: adminHeaders });
    assert.ok(bytes.body.api_response.content.startsWith('4d 5a '));
    const strings = await call(s.url, `/api/v4/file/strings/${exeSha}/?len=8`, { headers: adminHeaders });
    assert.match(strings.body.api_response.content, /This program cannot be run in DOS mode/);
    assert.ok(strings.body.api_response.content.split('\n').every((l: string) => l.length >= 8));
  });

  it('purges bytes but keeps the record (file_purge only)', async () => {
    await call(s.url, '/api/v4/user/ann/', { method: 'PUT', headers: adminHeaders, json: { name: 'ann', type: ['user'] } });
    const k = await call(s.url, '/api/v4/apikey/add/', { method: 'PUT', headers: adminHeaders, json: { key_name: 'k', priv: ['R', 'W', 'E'], uname: 'ann' } });
    const ann = { 'x-user': 'ann', 'x-apikey': k.body.api_response.keypassword };
    assert.equal((await call(s.url, `/api/v4/file/filestore/${exeSha}/`, { method: 'DELETE', headers: ann })).status, 403);
    const del = await call(s.url, `/api/v4/file/filestore/${exeSha}/`, { method: 'DELETE', headers: adminHeaders });
    assert.deepEqual(del.body.api_response, { success: true });
    assert.equal((await call(s.url, `/api/v4/file/info/${exeSha}/`, { headers: adminHeaders })).status, 200);
    assert.equal((await call(s.url, `/api/v4/file/download/${exeSha}/`, { headers: adminHeaders })).status, 404);
  });
});
