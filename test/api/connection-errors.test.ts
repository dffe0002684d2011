// Requests refused before any route runs (an oversized request head, a request that is not HTTP, a URL that
// does not decode, an overlong path parameter) get the Assemblyline envelope, and a refused connection ends
// cleanly so the client can reconnect. A client that hangs up mid-upload is logged quietly.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ADMIN_APIKEY, adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

/** Everything the server sends on one connection, and how the connection ended. */
function exchange(port: number, data: string): Promise<{ text: string; ended: 'end' | 'error'; error?: string }> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    let outcome: { ended: 'end' | 'error'; error?: string } | undefined;
    sock.on('data', (d) => (text += d.toString('latin1')));
    sock.on('end', () => (outcome ??= { ended: 'end' }));
    sock.on('error', (e: NodeJS.ErrnoException) => (outcome ??= { ended: 'error', error: e.code }));
    sock.on('close', () => resolve({ text, ...(outcome ?? { ended: 'end' }) }));
    sock.write(data);
  });
}

function envelopeOf(text: string): any {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
}

describe('connection-level refusals', () => {
  let s: TestServer;
  const logs = new PassThrough();
  const lines: Array<{ level: number; msg: string }> = [];
  logs.on('data', (d: Buffer) => {
    for (const l of d.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
  });
  before(async () => {
    s = await startTestServer({ logLevel: 'info', logStream: logs, config: { server: { maxHeaderSize: 8192, maxParamLength: 200 } } });
  });
  after(() => s.stop());

  it('answers an oversized request head with an enveloped 431 and Connection: close; the same agent then reconnects', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }>((resolve, reject) => {
        const req = http.get(`${s.url}/api/`, { agent, headers: { ...adminHeaders, ...headers } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
        });
        req.on('error', reject);
      });
    assert.equal((await get({})).status, 200, 'the connection is open and kept alive');
    const big = await get({ 'x-big': 'a'.repeat(20_000) });
    assert.equal(big.status, 431);
    assert.equal(big.headers.connection, 'close');
    assert.deepEqual(Object.keys(big.body).sort(), ['api_error_message', 'api_response', 'api_server_version', 'api_status_code']);
    assert.equal(big.body.api_status_code, 431);
    assert.equal(big.body.api_error_message, 'The request line and headers are larger than the 8192 bytes allowed (server.maxHeaderSize)');
    for (let i = 0; i < 3; i++) assert.equal((await get({})).status, 200, 'the next requests on the agent succeed');
    agent.destroy();
  });

  it('ends a keep-alive connection cleanly after the 431, even with a request pipelined behind it', async () => {
    const huge = `GET /api/ HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`;
    const r = await exchange(s.port, `${huge}GET /api/ HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(r.text, /^HTTP\/1\.1 431 /);
    assert.match(r.text, /\r\nConnection: close\r\n/i);
    assert.equal(r.ended, 'end', `the connection was reset (${r.error}) instead of closed`);
    assert.equal(envelopeOf(r.text).api_status_code, 431);
    assert.equal(r.text.match(/HTTP\/1\.1/g)?.length, 1, 'the pipelined request is not answered on the refused connection');
  });

  it('answers a request that is not HTTP with an enveloped 400', async () => {
    for (const garbage of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nBad Header\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n']) {
      const r = await exchange(s.port, garbage);
      assert.match(r.text, /^HTTP\/1\.1 400 /, garbage);
      const body = envelopeOf(r.text);
      assert.equal(body.api_status_code, 400);
      assert.match(body.api_error_message, /^Malformed HTTP request/);
    }
  });

  it('answers a URL that does not decode and an overlong path parameter in the envelope', async () => {
    const bad = await call(s.url, '/api/v4/submission/%E0%A4%A/', { headers: adminHeaders });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.api_status_code, 400);
    assert.match(bad.body.api_error_message, /does not decode/);
    const long = await call(s.url, `/api/v4/submission/${'a'.repeat(500)}/`, { headers: adminHeaders });
    assert.equal(long.status, 414);
    assert.equal(long.body.api_error_message, 'A path parameter is longer than the 200 characters allowed (server.maxParamLength)');
  });

  it('logs an upload cut off by the client at info level, with a clear message, not as an error', async () => {
    const boundary = 'b0undary';
    const head =
      `POST /api/v4/ingest/ HTTP/1.1\r\nHost: x\r\nX-User: admin\r\nX-Apikey: ${ADMIN_APIKEY}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 10000000\r\n\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="json"\r\n\r\n{}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="bin"; filename="a.bin"\r\n\r\n`;
    const sock = net.connect(s.port, '127.0.0.1');
    sock.on('error', () => undefined);
    sock.write(head + 'x'.repeat(200_000));
    await new Promise((r) => setTimeout(r, 300));
    sock.destroy();
    const deadline = Date.now() + 10_000;
    while (!lines.some((l) => /aborted upload/.test(l.msg)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const aborted = lines.find((l) => /aborted upload/.test(l.msg));
    assert.ok(aborted, 'the abort is logged');
    assert.equal(aborted.level, 30, 'at info level');
    assert.deepEqual(lines.filter((l) => l.level >= 50), [], 'nothing is logged as an error');
    assert.equal((await call(s.url, '/healthz/live')).status, 200);
  });
});
