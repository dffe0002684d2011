// The safelist API through a running server: add, merge on re-add, lookups by each hash, enable/disable, delete.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

const data = Buffer.from('a file everybody agrees is harmless\n');
const digest = (algo: string) => createHash(algo).update(data).digest('hex');
const md5 = digest('md5');
const sha1 = digest('sha1');
const sha256 = digest('sha256');

const item = (source: string, reason: string, type: 'user' | 'external' = 'external') => ({
  type: 'file',
  hashes: { md5, sha1, sha256: sha256.toUpperCase() },
  file: { name: [`${source}.txt`], size: data.length, type: 'text/plain' },
  sources: [{ name: source, type, reason: [reason], classification: 'TLP:C' }],
});

describe('safelist API', () => {
  let srv: TestServer;
  const api = (path: string, init: Parameters<typeof call>[2] = {}) =>
    call(srv.url, `/api/v4/safelist${path}`, { ...init, headers: { ...adminHeaders, ...(init.headers ?? {}) } });

  before(async () => {
    srv = await startTestServer();
  });
  after(async () => srv.stop());

  it('adds a file item keyed by its sha256', async () => {
    const r = await api('/', { method: 'PUT', json: item('NSRL', 'Known OS file') });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.api_response, { success: true, op: 'add', hash: sha256 });
  });

  it('merges the sources when the same file is added again', async () => {
    const r = await api('/', { method: 'POST', json: { ...item('admin', 'Seen on every workstation', 'user'), dtl: 10 } });
    assert.deepEqual(r.body.api_response, { success: true, op: 'update', hash: sha256 });
    assert.ok((await api(`/${sha256}/`)).body.api_response.expiry_ts, 'dtl sets an expiry');
    const again = await api('/', { method: 'PUT', json: item('NSRL', 'Signed by the vendor') });
    assert.equal(again.body.api_response.op, 'update');

    const got = (await api(`/${sha256}/`)).body.api_response;
    assert.deepEqual(got.sources.map((s: { name: string }) => s.name), ['NSRL', 'admin']);
    assert.deepEqual(got.sources[0].reason, ['Known OS file', 'Signed by the vendor']);
    assert.deepEqual(got.file.name, ['NSRL.txt', 'admin.txt']);
    assert.equal(got.enabled, true);
    assert.equal(got.type, 'file');
    assert.equal(got.expiry_ts, null, 'the latest submission decides the expiry, as in Assemblyline');
  });

  it('finds the item by md5, sha1 and sha256', async () => {
    for (const h of [md5, sha1, sha256, sha256.toUpperCase()]) {
      const r = await api(`/${h}/`);
      assert.equal(r.status, 200, `${h}: ${r.text}`);
      assert.equal(r.body.api_response.hashes.sha256, sha256);
    }
  });

  it('rejects a hash of the wrong length and words the 404 like Assemblyline', async () => {
    const bad = await api('/abc123/');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.api_error_message, 'Invalid hash length');
    const missing = await api(`/${'0'.repeat(64)}/`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.api_error_message, 'The hash was not found in the safelist.');
  });

  it('keys tag and signature items by the sha256 of their text', async () => {
    const tag = await api('/', {
      method: 'PUT',
      json: { type: 'tag', tag: { type: 'network.static.domain', value: 'Example.COM' }, sources: [{ name: 'admin', type: 'user', reason: ['ours'] }] },
    });
    const tagId = createHash('sha256').update('network.static.domain: example.com').digest('hex');
    assert.deepEqual(tag.body.api_response, { success: true, op: 'add', hash: tagId });
    const sig = await api('/', { method: 'PUT', json: { type: 'signature', signature: { name: 'benign_rule' }, sources: [{ name: 'admin', type: 'user', reason: ['noisy'] }] } });
    assert.equal(sig.body.api_response.hash, createHash('sha256').update('signature: benign_rule').digest('hex'));
  });

  it('refuses items without a source, a hash or a valid type', async () => {
    const noHash = await api('/', { method: 'PUT', json: { type: 'file', hashes: {}, sources: [{ name: 'admin', type: 'user', reason: ['x'] }] } });
    assert.equal(noHash.status, 400);
    assert.equal(noHash.body.api_error_message, 'No valid hash found');
    const other = await api('/', { method: 'PUT', json: { ...item('someone', 'x', 'user') } });
    assert.equal(other.status, 400);
    assert.match(other.body.api_error_message, /another user/);
    const badType = await api('/', { method: 'PUT', json: { ...item('NSRL', 'x'), type: 'url' } });
    assert.equal(badType.status, 400);
  });

  it('adds many and reports the failures', async () => {
    const ok = { type: 'file', hashes: { md5: 'f'.repeat(32) }, sources: [{ name: 'admin', type: 'user', reason: ['x'] }] };
    const r = await api('/add_update_many/', { method: 'PUT', json: [ok, { type: 'file', hashes: {}, sources: ok.sources }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.api_response.success, 1);
    assert.deepEqual(r.body.api_response.errors, ['No valid hash found']);
    assert.equal((await api(`/${'f'.repeat(32)}/`)).status, 200);
  });

  it('disables and re-enables an item', async () => {
    assert.equal((await api(`/enable/${sha256}/`, { method: 'PUT', json: false })).status, 200);
    assert.equal((await api(`/${sha256}/`)).body.api_response.enabled, false);
    assert.equal((await api(`/enable/${sha256}/`, { method: 'PUT', json: 'no' })).status, 400);
    assert.equal((await api(`/enable/${'1'.repeat(64)}/`, { method: 'PUT', json: true })).status, 404);
  });

  it('deletes an item', async () => {
    assert.deepEqual((await api(`/${sha256}/`, { method: 'DELETE' })).body.api_response, { success: true });
    assert.equal((await api(`/${sha256}/`)).status, 404);
    assert.equal((await api(`/${sha256}/`, { method: 'DELETE' })).status, 404);
  });

  it('requires a signed-in caller', async () => {
    const r = await call(srv.url, `/api/v4/safelist/${sha256}/`);
    assert.equal(r.status, 401);
  });
});
