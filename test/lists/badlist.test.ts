// The badlist API through a running server (attribution, ssdeep and TLSH similarity lookups), and the Safelist
// and Badlist services reading a snapshot written from the stored lists.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppContext } from '../../src/api/context.js';
import { ssdeepHash, tlshHash } from '../../src/sdk/hashes/index.js';
import { execute as badlistExecute } from '../../src/services/badlist/index.js';
import { execute as safelistExecute } from '../../src/services/safelist/index.js';
import { checkOutput } from '../../src/core/runtime/output.js';
import { validateTags } from '../../src/sdk/tags/validate.js';
import type { ServiceOutput, ServiceTask } from '../../src/sdk/index.js';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

/** Deterministic text-like bytes: ssdeep needs varied content to cut its pieces. */
function sample(size: number, seed: number): Buffer {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
  let x = seed;
  const parts: string[] = [];
  let len = 0;
  while (len < size) {
    x = (x * 1103515245 + 12345) >>> 0;
    const w = `${words[x % words.length]}${(x >>> 8) % 1000}${x % 7 === 0 ? '\n' : ' '}`;
    parts.push(w);
    len += w.length;
  }
  return Buffer.from(parts.join('').slice(0, size));
}

const hashesOf = (data: Buffer) => {
  const h = (algo: string) => createHash(algo).update(data).digest('hex');
  return { md5: h('md5'), sha1: h('sha1'), sha256: h('sha256'), ssdeep: ssdeepHash(data), tlsh: tlshHash(data)! };
};

const bad = sample(20_000, 7);
const near = Buffer.from(bad);
near[10_000] ^= 0x20; // one byte changed: same family, different file
const unrelated = sample(20_000, 99);
const badHashes = hashesOf(bad);
const nearHashes = hashesOf(near);

describe('badlist API', () => {
  let srv: TestServer;
  let ctx: AppContext;
  const api = (path: string, init: Parameters<typeof call>[2] = {}) =>
    call(srv.url, `/api/v4/badlist${path}`, { ...init, headers: { ...adminHeaders, ...(init.headers ?? {}) } });

  before(async () => {
    srv = await startTestServer({
      routes: (_app, c) => {
        ctx = c;
      },
    });
    const r = await api('/', {
      method: 'PUT',
      json: {
        type: 'file',
        hashes: badHashes,
        file: { name: ['dropper.txt'], size: bad.length },
        attribution: { family: ['Emotet'], actor: ['ta542'] },
        sources: [{ name: 'admin', type: 'user', reason: ['Seen in a campaign'] }],
      },
    });
    assert.deepEqual(r.body.api_response, { success: true, op: 'add', hash: badHashes.sha256 });
    const other = hashesOf(unrelated);
    await api('/', { method: 'PUT', json: { type: 'file', hashes: other, sources: [{ name: 'admin', type: 'user', reason: ['other'] }] } });
  });
  after(async () => srv.stop());

  it('stores attribution upper-cased and merges it on update', async () => {
    const r = await api('/', {
      method: 'PUT',
      json: { type: 'file', hashes: { md5: badHashes.md5 }, attribution: { family: ['emotet', 'Heodo'] }, sources: [{ name: 'admin', type: 'user', reason: ['more'] }] },
    });
    // Keyed by md5 alone this is another item; by sha256 it merges into the first.
    assert.equal(r.body.api_response.hash, badHashes.md5);
    const merged = await api('/', {
      method: 'PUT',
      json: { type: 'file', hashes: { sha256: badHashes.sha256 }, attribution: { family: ['Heodo'] }, sources: [{ name: 'admin', type: 'user', reason: ['more'] }] },
    });
    assert.equal(merged.body.api_response.op, 'update');
    const got = (await api(`/${badHashes.sha1}/`)).body.api_response;
    assert.deepEqual(got.attribution, { family: ['EMOTET', 'HEODO'], actor: ['TA542'] });
    assert.deepEqual(got.sources[0].reason, ['Seen in a campaign', 'more']);
    assert.equal(got.hashes.tlsh, badHashes.tlsh);
    await api(`/${badHashes.md5}/`, { method: 'DELETE' });
  });

  it('words its 404 for the badlist', async () => {
    const r = await api(`/${'0'.repeat(40)}/`);
    assert.equal(r.status, 404);
    assert.equal(r.body.api_error_message, 'The hash was not found in the badlist.');
  });

  it('finds a near-identical file by ssdeep, digest slashes and all', async () => {
    assert.notEqual(nearHashes.ssdeep, badHashes.ssdeep);
    assert.ok(nearHashes.ssdeep.includes('/'), 'the digest exercises the wildcard route');
    const r = await api(`/ssdeep/${nearHashes.ssdeep}/`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.api_response.length, 1);
    assert.equal(r.body.api_response[0].hashes.sha256, badHashes.sha256);
    assert.ok(r.body.api_response[0].similarity >= 50);
    const strict = await api(`/ssdeep/${hashesOf(sample(20_000, 1234)).ssdeep}/`);
    assert.deepEqual(strict.body.api_response, []);
    assert.equal((await api('/ssdeep/not-an-ssdeep/')).status, 400);
  });

  it('finds a near-identical file by TLSH distance', async () => {
    const r = await api(`/tlsh/${nearHashes.tlsh}/`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.api_response.map((i: { id: string }) => i.id), [badHashes.sha256]);
    assert.ok(r.body.api_response[0].distance <= 50);
    assert.equal((await api(`/tlsh/${nearHashes.tlsh}/?threshold=0`)).body.api_response.length, 0);
    assert.equal((await api('/tlsh/zzzz/')).status, 400);
  });

  describe('services on a snapshot', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'assay-lists-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const task = (data: Buffer, snapshot_path: string): ServiceTask => {
      const h = hashesOf(data);
      return {
        sid: '1', sha256: h.sha256, fileType: 'text/plain', fileName: 'f.txt', depth: 0, maxFiles: 10, deepScan: false, ignoreCache: false,
        fileInfo: { ...h, size: data.length, type: 'text/plain', magic: 'ASCII text', mime: 'text/plain' },
        serviceConfig: { snapshot_path }, tempSubmissionData: {}, tags: [], metadata: {},
      };
    };
    const sctx = { filePath: '', workDir: '', signal: new AbortController().signal, log: () => {} };
    /** The checks the runtime applies to what a service returns. */
    const valid = async (out: ServiceOutput) => {
      const checked = await checkOutput(JSON.parse(JSON.stringify(out)), dir);
      assert.ok(checked.ok, checked.ok ? '' : checked.message);
      for (const s of out.sections) assert.deepEqual(validateTags(s.tags ?? {}).invalid, []);
      return out;
    };

    it('drops a safelisted file and lets others through', async () => {
      const safe = sample(5_000, 3);
      await call(srv.url, '/api/v4/safelist/', {
        method: 'PUT', headers: adminHeaders,
        json: { type: 'file', hashes: { sha1: hashesOf(safe).sha1 }, sources: [{ name: 'admin', type: 'user', reason: ['Vendor file'] }] },
      });
      // The host rewrites the snapshot before answering the change.
      const path = ctx.lists.snapshotPath('safelist');
      assert.equal(JSON.parse(readFileSync(path, 'utf8')).items.length, 1);
      const out = await valid(await safelistExecute(task(safe, path), sctx));
      assert.equal(out.dropFile, true);
      assert.equal(out.sections[0]!.title, 'This file is safelisted');
      assert.equal(out.sections[0]!.heuristic, undefined);
      const other = await safelistExecute(task(bad, path), sctx);
      assert.equal(other.dropFile, undefined);
      assert.deepEqual(other.sections, []);
    });

    it('scores a badlisted file 1000 with its attribution as tags, and skips disabled items', async () => {
      const path = ctx.lists.snapshotPath('badlist');
      const out = await valid(await badlistExecute(task(bad, path), sctx));
      assert.equal(out.sections.length, 1);
      assert.deepEqual(out.sections[0]!.heuristic, { id: 1 });
      assert.deepEqual(out.sections[0]!.tags, { 'attribution.actor': ['TA542'], 'attribution.family': ['EMOTET', 'HEODO'] });
      assert.deepEqual((await badlistExecute(task(near, path), sctx)).sections, []);

      await api(`/enable/${badHashes.sha256}/`, { method: 'PUT', json: false });
      assert.deepEqual((await badlistExecute(task(bad, path), sctx)).sections, []);
    });

    it('treats a missing snapshot as an empty list', async () => {
      const out = await badlistExecute(task(bad, join(dir, 'absent.json')), sctx);
      assert.deepEqual(out.sections, []);
    });
  });
});
