// Strict checks of ingest and submit requests, each with the message naming the field or the limit: nesting
// depth, metadata shape and size, base64, URL schemes, file parts, file size.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { multipart, rawRequest } from '../helpers/raw.js';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

const jsonHeaders = { ...adminHeaders, 'content-type': 'application/json' };
const nestedArrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
const nestedObjects = (n: number) => '{"a":'.repeat(n) + '"x"' + '}'.repeat(n);

describe('ingest and submit input checks', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { submission: { maxFileSize: 4096 } } });
  });
  after(() => s.stop());

  const upload = (path: string, json: string, files: Array<{ bytes: Buffer; name?: string; field?: string }> = [{ bytes: Buffer.from('abc') }]) => {
    const m = multipart([{ name: 'json', value: json }, ...files.map((f) => ({ name: f.field ?? 'bin', value: f.bytes, filename: f.name ?? 'a.txt' }))]);
    return rawRequest(`${s.url}${path}`, { method: 'POST', headers: { ...adminHeaders, 'content-type': m.contentType }, body: m.body });
  };
  const post = (path: string, body: string) => call(s.url, path, { method: 'POST', headers: jsonHeaders, body });

  for (const path of ['/api/v4/submit/', '/api/v4/ingest/']) {
    it(`${path}: metadata nested 5,000 levels is a 400 naming the depth limit, in a json part or a JSON body`, async () => {
      for (const deep of [nestedArrays(5000), nestedObjects(5000)]) {
        const r = await upload(path, `{"name":"a.txt","metadata":{"k":${deep}}}`);
        assert.equal(r.status, 400, r.raw.toString());
        assert.match(r.body.api_error_message, /more than 100 levels deep.*server\.maxJsonDepth/);
        const j = await post(path, `{"plaintext":"x","metadata":{"k":${deep}}}`);
        assert.equal(j.status, 400);
        assert.match(j.body.api_error_message, /server\.maxJsonDepth/);
      }
    });

    it(`${path}: nested metadata within the limit is flattened to dotted keys`, async () => {
      const r = await upload(path, JSON.stringify({ name: 'a.txt', metadata: { a: { b: { c: 'd' } }, n: 5, t: true } }));
      assert.equal(r.status, 200, r.raw.toString());
    });

    it(`${path}: metadata must be an object of scalar values`, async () => {
      for (const [metadata, pattern] of [
        [['a', 'b'], /metadata must be an object.*not a list/],
        ['text', /metadata must be an object.*not a string/],
        [{ a: [1, 2] }, /metadata\.a is a list: metadata values must be strings, numbers or booleans/],
        [{ a: { b: [] } }, /metadata\.a\.b is a list/],
      ] as const) {
        const r = await post(path, JSON.stringify({ plaintext: 'x', metadata }));
        assert.equal(r.status, 400, JSON.stringify(metadata));
        assert.match(r.body.api_error_message, pattern);
      }
    });

    it(`${path}: invalid base64 is refused, valid base64 with or without padding is accepted`, async () => {
      for (const bad of ['!!!not base64$$$', 'QUJD=QUJD', 'Q', 'QUI=x', 'QU==='] as const) {
        const r = await post(path, JSON.stringify({ base64: bad }));
        assert.equal(r.status, 400, bad);
        assert.match(r.body.api_error_message, /^base64 is not valid base64/);
      }
      for (const good of ['QUJD', 'QUI=', 'QUI', 'QU\nJD']) {
        const r = await post(path, JSON.stringify({ base64: good }));
        assert.equal(r.status, 200, `${good}: ${r.text}`);
      }
    });

    it(`${path}: only http and https URLs are taken, at intake`, async () => {
      for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'gopher://example.com/', 'javascript://x/%0aalert(1)']) {
        const r = await post(path, JSON.stringify({ url }));
        assert.equal(r.status, 400, url);
        assert.match(r.body.api_error_message, /cannot be submitted: only http, https URLs are accepted \(ui\.urlSubmissionSchemes\)/);
      }
      const ok = await post(path, JSON.stringify({ url: 'hxxps://example[.]com/x' }));
      assert.equal(ok.status, 200, ok.text);
    });

    it(`${path}: fields of the wrong type are named`, async () => {
      for (const [body, pattern] of [
        [{ plaintext: 5 }, /^plaintext must be a string$/],
        [{ plaintext: 'x', params: [] }, /^params must be an object$/],
        [{ plaintext: 'x', params: 'deep_scan' }, /^params must be an object$/],
        [{ sha256: 'zz' }, /^sha256 is not a valid SHA256 hash/],
        [{ plaintext: 'x', generate_alert: 'yes' }, /^generate_alert should be a boolean$/],
        [{ url: ['http://a/'] }, /^url must be a string$/],
      ] as const) {
        const r = await post(path, JSON.stringify(body));
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.match(r.body.api_error_message, pattern);
      }
    });

    it(`${path}: two file parts are a 400 saying only one file is allowed`, async () => {
      const r = await upload(path, '{}', [{ bytes: Buffer.from('abc') }, { bytes: Buffer.from('def'), name: 'b.txt' }]);
      assert.equal(r.status, 400);
      assert.equal(r.body.api_error_message, 'Only one file can be submitted per request: the upload has more than one file part');
    });

    it(`${path}: a file over the maximum size names the setting`, async () => {
      const r = await upload(path, '{}', [{ bytes: Buffer.alloc(10_000, 0x41) }]);
      assert.equal(r.status, 413);
      assert.equal(r.body.api_error_message, 'File too large: The file is larger than the configured maximum file size of 4096 bytes (submission.maxFileSize)');
      const inline = await post(path, JSON.stringify({ plaintext: 'A'.repeat(5000) }));
      assert.equal(inline.status, 413);
      assert.match(inline.body.api_error_message, /The file \(5000 bytes\) is larger than the configured maximum file size of 4096 bytes \(submission\.maxFileSize\)/);
    });

    it(`${path}: oversized metadata names the limit it breaks`, async () => {
      const long = await post(path, JSON.stringify({ plaintext: 'x', metadata: { a: 'x'.repeat(10 << 20) } }));
      assert.equal(long.status, 400);
      assert.match(long.body.api_error_message, /metadata\.a is 10485760 characters long, more than the 4096 allowed \(submission\.maxMetadataLength\)/);
      const many = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, 'v'.repeat(4000)]));
      const big = await post(path, JSON.stringify({ plaintext: 'x', metadata: many }));
      assert.equal(big.status, 400);
      assert.match(big.body.api_error_message, /^metadata is \d+ bytes, more than the 1048576 allowed \(submission\.maxMetadataBytes\)$/);
      const part = await upload(path, JSON.stringify({ metadata: { a: 'x'.repeat(10 << 20) } }));
      assert.equal(part.status, 400);
      assert.match(part.body.api_error_message, /json part of the upload is larger than the \d+ bytes allowed.*submission\.maxMetadataBytes/);
    });
  }

  it('any JSON body nested past the limit is a 400 before a route walks it', async () => {
    for (const [path, body] of [
      ['/api/v4/search/submission/', `{"query":"*","filters":${nestedArrays(5000)}}`],
      ['/api/v4/user/settings/admin/', `{"x":${nestedArrays(5000)}}`],
      ['/api/v4/workflow/', `{"name":"w","query":"*","labels":${nestedArrays(1000)}}`],
    ] as const) {
      const r = await call(s.url, path, { method: path.includes('workflow') ? 'PUT' : 'POST', headers: jsonHeaders, body });
      assert.equal(r.status, 400, path);
      assert.equal(r.body.api_error_message, 'The JSON body nests arrays and objects more than 100 levels deep, the limit set by server.maxJsonDepth');
    }
    // Malformed JSON keeps Assemblyline's message, brackets inside strings do not count.
    const bad = await post('/api/v4/search/submission/', '{"query": "[[[[", ');
    assert.equal(bad.body.api_error_message, "No data block provided or data block not in JSON format.'");
    const strings = await post('/api/v4/search/submission/', JSON.stringify({ query: 'id:*', sort: '['.repeat(5000) }));
    assert.notEqual(strings.status, 500);
    assert.doesNotMatch(strings.body.api_error_message, /maxJsonDepth/);
  });
});

describe('input limits are configurable', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      config: { server: { maxJsonDepth: 5 }, submission: { maxMetadataLength: 10, maxMetadataBytes: 100 }, ui: { urlSubmissionSchemes: ['https'] } },
    });
  });
  after(() => s.stop());
  const post = (body: unknown) => call(s.url, '/api/v4/submit/', { method: 'POST', headers: jsonHeaders, body: JSON.stringify(body) });

  it('uses the configured depth, metadata and scheme limits', async () => {
    assert.match((await post({ plaintext: 'x', metadata: { a: { b: { c: { d: { e: 'f' } } } } } })).body.api_error_message, /more than 5 levels deep/);
    assert.equal((await post({ plaintext: 'x', metadata: { a: { b: 'c' } } })).status, 200);
    assert.match((await post({ plaintext: 'x', metadata: { a: '12345678901' } })).body.api_error_message, /more than the 10 allowed \(submission\.maxMetadataLength\)/);
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v']));
    assert.match((await post({ plaintext: 'x', metadata: many })).body.api_error_message, /more than the 100 allowed \(submission\.maxMetadataBytes\)/);
    assert.match((await post({ url: 'http://example.com/' })).body.api_error_message, /only https URLs are accepted/);
  });
});

describe('limits other code relies on', () => {
  it('are refused at start-up when out of their safe range', () => {
    const load = (overrides: unknown) => () => loadConfig({ env: {}, configFile: undefined, overrides: { dataDir: '/nonexistent-assay', ...(overrides as object) } });
    assert.throws(load({ server: { maxJsonDepth: 5000 } }), /server\.maxJsonDepth must be an integer from 1 to 500, got 5000/);
    assert.throws(load({ server: { maxJsonDepth: 0 } }), /server\.maxJsonDepth/);
    assert.throws(load({ search: { maxQueryDepth: 10_000 } }), /search\.maxQueryDepth/);
    assert.throws(load({ search: { maxQueryExpansion: 100_000 } }), /search\.maxQueryExpansion must be an integer from 1 to 16000/);
    assert.equal(load({ server: { maxJsonDepth: 500 } })().server.maxJsonDepth, 500);
  });
});
