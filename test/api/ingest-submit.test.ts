// The checks of POST /ingest/ and /submit/ with Assemblyline's status codes and messages, and the upload paths:
// a small upload carried in the ingest record, a large one written to disk as it arrives, a CaRT unwrapped.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { encodeCart } from '../../src/core/cart/index.js';
import { ROOT } from '../helpers/cli.js';
import { multipart } from '../helpers/raw.js';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('ingest and submit checks', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      config: {
        services: { paths: [join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 },
        submission: { maxFileSize: 8 << 20 },
        server: { bodyLimit: 16 << 20 },
      },
    });
  });
  after(() => s.stop());

  const post = (path: string, parts: Parameters<typeof multipart>[0]) => {
    const m = multipart(parts);
    return call(s.url, path, { method: 'POST', headers: { ...adminHeaders, 'content-type': m.contentType }, body: m.body });
  };
  const upload = (path: string, json: object, bytes: Buffer, filename = 'sample.bin') =>
    post(path, [
      { name: 'json', value: JSON.stringify(json) },
      { name: 'bin', value: bytes, filename },
    ]);

  async function message(nq: string): Promise<any> {
    for (let i = 0; i < 400; i++) {
      const r = await call(s.url, `/api/v4/ingest/get_message/${nq}/`, { headers: adminHeaders });
      if (r.body.api_response) return r.body.api_response;
      await sleep(50);
    }
    throw new Error(`no message on ${nq}`);
  }

  it('refuses an empty file, a missing file and an unknown sha256 with the spec messages', async () => {
    let r = await upload('/api/v4/ingest/', { name: 'empty' }, Buffer.alloc(0));
    assert.deepEqual([r.status, r.body.api_error_message], [400, 'File empty.']);
    r = await upload('/api/v4/submit/', { name: 'empty' }, Buffer.alloc(0));
    assert.equal(r.status, 400);
    r = await call(s.url, '/api/v4/ingest/', { method: 'POST', headers: adminHeaders, json: { name: 'x' } });
    assert.deepEqual([r.status, r.body.api_error_message], [400, 'Missing file to scan. No binary or fetching method provided.']);
    r = await call(s.url, '/api/v4/ingest/', { method: 'POST', headers: adminHeaders, json: { sha256: 'a'.repeat(64) } });
    assert.deepEqual([r.status, r.body.api_error_message], [404, 'SHA256 does not exist in Assemblyline and no external sources are available.']);
    r = await upload('/api/v4/ingest/', { name: 'x', notification_threshold: 'high' }, Buffer.from('data'));
    assert.deepEqual([r.status, r.body.api_error_message], [400, 'notification_threshold should be and int']);
  });

  it('answers 413 for a file over the size limit, whether kept in memory or written to disk', async () => {
    const r = await upload('/api/v4/ingest/', { name: 'big' }, randomBytes((8 << 20) + 1));
    assert.equal(r.status, 413, r.text);
  });

  it('ingests a small upload from the record and a large one from disk, each notified with its file', async () => {
    const small = Buffer.concat([Buffer.from('EVIL small\n'), randomBytes(2048)]);
    const large = Buffer.concat([Buffer.from('SUSPICIOUS large\n'), randomBytes(6 << 20)]);
    for (const [bytes, nq, score] of [[small, 'smallq', 1000], [large, 'largeq', 300]] as const) {
      const r = await upload('/api/v4/ingest/', { name: `${nq}.bin`, notification_queue: nq, metadata: { source: nq } }, bytes);
      assert.equal(r.status, 200, r.text);
      const msg = await message(nq);
      assert.equal(msg.ingest_id, r.body.api_response.ingest_id);
      assert.deepEqual(msg.submission.files, [{ name: `${nq}.bin`, sha256: sha256(bytes), size: bytes.length }]);
      assert.equal(msg.score, score);
      const dl = await fetch(`${s.url}/api/v4/file/download/${sha256(bytes)}/?encoding=raw`, { headers: adminHeaders });
      assert.equal(dl.status, 200);
      assert.equal(sha256(Buffer.from(await dl.arrayBuffer())), sha256(bytes), 'the stored file is the upload');
    }
  });

  it('unwraps a CaRT upload and takes its name from the CaRT header', async () => {
    const inner = Buffer.from('EVIL inside a cart');
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) });
    await encodeCart(Readable.from([inner]), sink, { name: 'from-cart.txt' });
    const cart = Buffer.concat(chunks);
    const r = await upload('/api/v4/ingest/', { notification_queue: 'cartq' }, cart, 'upload.cart');
    assert.equal(r.status, 200, r.text);
    const msg = await message('cartq');
    assert.deepEqual(msg.submission.files, [{ name: 'from-cart.txt', sha256: sha256(inner), size: inner.length }]);
    assert.equal(msg.score, 1000);
  });

  it('submits a large upload and returns the submission', async () => {
    const large = Buffer.concat([Buffer.from('plain large\n'), randomBytes(5 << 20)]);
    const r = await upload('/api/v4/submit/', { name: 'large.bin' }, large);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.api_response.files, [{ name: 'large.bin', sha256: sha256(large), size: large.length }]);
  });
});
