// Malformed HTTP itself, sent byte for byte: broken chunking, conflicting lengths, bad header names, request
// heads over the size limit, undecodable URLs, and bodies whose content type does not match them. Every one
// gets an enveloped 4xx and the server goes on serving.
import assert from 'node:assert/strict';
import net from 'node:net';
import { it, describe } from 'node:test';
import { multipart } from '../../helpers/raw.js';
import { ADMIN, BAD_JSON, malformedServer, table, type Case } from './harness.js';

interface RawCase {
  name: string;
  /** The request head and body, as sent; `\n` is sent as CRLF. */
  request: string;
  status: number;
  message?: string;
}

const auth = `X-User: admin\nX-Apikey: ${ADMIN['x-apikey']}\n`;
const post = (path: string, headers: string, body: string) => `POST ${path} HTTP/1.1\nHost: x\n${auth}${headers}\n${body}`;

/** The first answer on a fresh connection, read until the server closes it or a second passes. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    const done = () => resolve(text);
    sock.on('data', (d) => (text += d.toString('latin1')));
    sock.on('close', done);
    sock.on('error', done);
    sock.setTimeout(1000, () => sock.destroy());
    sock.end(request.replace(/\r?\n/g, '\r\n'));
  });
}

describe('malformed HTTP', () => {
  const srv = malformedServer({ config: { server: { maxHeaderSize: 8192 } } });

  const raw: RawCase[] = [
    { name: 'not HTTP at all', request: 'HELLO THERE\n\n', status: 400, message: 'Malformed HTTP request' },
    { name: 'an unknown method', request: 'BREW /api/ HTTP/1.1\nHost: x\n\n', status: 400, message: 'Malformed HTTP request' },
    { name: 'an HTTP version that does not exist', request: 'GET /api/ HTTP/7.0\nHost: x\n\n', status: 400, message: 'Malformed HTTP request' },
    { name: 'a header without a colon', request: 'GET /api/ HTTP/1.1\nHost: x\nNoColonHere\n\n', status: 400, message: 'Malformed HTTP request' },
    { name: 'a header name with spaces', request: 'GET /api/ HTTP/1.1\nHost: x\nBad Header: 1\n\n', status: 400, message: 'Malformed HTTP request' },
    { name: 'a control character in a header value', request: 'GET /api/ HTTP/1.1\nHost: x\nX-A: a\u0001b\n\n', status: 400, message: 'Malformed HTTP request' },
    { name: 'a chunk size that is not hex', request: post('/api/v4/search/submission/', 'Content-Type: application/json\nTransfer-Encoding: chunked\n', 'zz\n{}\n0\n\n'), status: 400, message: 'Malformed HTTP request' },
    { name: 'a chunk longer than announced', request: post('/api/v4/search/submission/', 'Content-Type: application/json\nTransfer-Encoding: chunked\n', '1\n{"query":"*"}\n0\n\n'), status: 400, message: 'Malformed HTTP request' },
    { name: 'both Content-Length and chunked', request: post('/api/v4/search/submission/', 'Content-Type: application/json\nContent-Length: 2\nTransfer-Encoding: chunked\n', '2\n{}\n0\n\n'), status: 400, message: 'Malformed HTTP request' },
    { name: 'two different Content-Lengths', request: post('/api/v4/search/submission/', 'Content-Type: application/json\nContent-Length: 2\nContent-Length: 3\n', '{}'), status: 400, message: 'Malformed HTTP request' },
    { name: 'a negative Content-Length', request: post('/api/v4/search/submission/', 'Content-Type: application/json\nContent-Length: -1\n', '{}'), status: 400, message: 'Malformed HTTP request' },
    { name: 'a Content-Length that is not a number', request: post('/api/v4/search/submission/', 'Content-Type: application/json\nContent-Length: lots\n', '{}'), status: 400, message: 'Malformed HTTP request' },
    { name: 'a request head over server.maxHeaderSize', request: `GET /api/ HTTP/1.1\nHost: x\nX-Big: ${'a'.repeat(10_000)}\n\n`, status: 431, message: 'server.maxHeaderSize' },
    { name: 'a URL over server.maxHeaderSize', request: `GET /api/v4/search/submission/?query=${'a'.repeat(10_000)} HTTP/1.1\nHost: x\n\n`, status: 431, message: 'server.maxHeaderSize' },
    { name: 'many small headers over the limit', request: `GET /api/ HTTP/1.1\nHost: x\n${Array.from({ length: 1200 }, (_, i) => `X-H${i}: v`).join('\n')}\n\n`, status: 431, message: 'server.maxHeaderSize' },
    { name: 'a URL that does not percent-decode', request: `GET /api/v4/submission/%ZZ%/ HTTP/1.1\nHost: x\n${auth}\n`, status: 400 },
    { name: 'a space inside the URL', request: `GET /api/v4/submission/a b/ HTTP/1.1\nHost: x\n${auth}\n`, status: 400, message: 'Malformed HTTP request' },
  ];

  it('answers malformed HTTP with an enveloped 4xx and closes the connection', async () => {
    const failures: string[] = [];
    for (const c of raw) {
      const text = await exchange(srv.s.port, c.request);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      const bodyText = text.slice(text.indexOf('\r\n\r\n') + 4);
      let body: any;
      try {
        body = JSON.parse(bodyText);
      } catch {
        body = undefined;
      }
      if (status !== c.status) failures.push(`${c.name}: expected ${c.status}, got ${JSON.stringify(text.slice(0, 100))}`);
      else if (body?.api_status_code !== status) failures.push(`${c.name}: not the envelope: ${bodyText.slice(0, 100)}`);
      else if (c.message && !String(body.api_error_message).includes(c.message)) failures.push(`${c.name}: message ${body.api_error_message}`);
    }
    assert.deepEqual(failures, []);
  });

  const m = multipart([{ name: 'json', value: '{"key_name":"k","priv":["R"]}' }]);
  table('bodies whose content type does not match them', srv, [
    { method: 'PUT', path: '/api/v4/apikey/add/', headers: { 'content-type': 'application/x-foo' }, body: '{"key_name":"k","priv":["R"]}', status: 400, message: 'This API takes a JSON body (Content-Type: application/json), not application/x-foo' },
    { method: 'PUT', path: '/api/v4/apikey/add/', headers: { 'content-type': m.contentType }, body: m.body, status: 400, message: 'not multipart/form-data' },
    { method: 'PUT', path: '/api/v4/apikey/add/', headers: { 'content-type': 'text/plain' }, body: 'key_name=k', status: 400, message: 'not text/plain' },
    { method: 'PUT', path: '/api/v4/apikey/add/', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: '\u001f\u008b garbage', status: 400, message: BAD_JSON },
    { method: 'PUT', path: '/api/v4/apikey/add/', headers: { 'content-type': 'application/json; charset=utf-16' }, body: '\u00ff\u00fe{', status: 400, message: BAD_JSON },
    { method: 'PUT', path: '/api/v4/apikey/add/', headers: { 'content-type': 'application/json' }, body: Buffer.from([0xff, 0xfe, 0xfd]), status: 400, message: BAD_JSON },
    { method: 'PUT', path: '/api/v4/apikey/add/', headers: { 'content-type': 'application/json' }, body: '{"key_name":"k","priv":["R"]} trailing', status: 400, message: BAD_JSON },
    { method: 'PUT', path: '/api/v4/apikey/add/', headers: { 'content-type': 'application/json' }, body: '{"key_name":"k","key_name":"k2","priv":["X"]}', status: 400, message: 'body/priv/0' },
    { method: 'PUT', path: '/api/v4/apikey/add/', headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"admin":true},"key_name":"k"}', status: 400, message: "must have required property 'priv'" },
    { method: 'POST', path: '/api/v4/search/submission/', headers: { 'content-type': ';;;' }, body: '{"query":"*"}', status: 415, message: 'media type this API does not take' },
    { method: 'POST', path: '/api/v4/search/submission/', headers: { 'content-type': 'multipart/form-data' }, body: '{"query":"*"}', status: 400 },
    { method: 'PUT', path: '/api/v4/safelist/enable/x/', headers: { 'content-type': 'application/json' }, body: 'NaN', status: 400, message: BAD_JSON },
    { method: 'PUT', path: '/api/v4/safelist/enable/x/', headers: { 'content-type': 'application/json' }, body: '1e999', status: 400, message: 'must be true or false' },
  ] satisfies Case[]);
});
