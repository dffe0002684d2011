// Malformed submissions: JSON bodies and multipart uploads to /submit/ and /ingest/ with fields of the wrong
// type, broken encodings, refused URLs, bad params and metadata, broken multipart, and the side routes.
import { describe } from 'node:test';
import { multipart, rawRequest } from '../../helpers/raw.js';
import { ADMIN, BAD_JSON, JSON_TYPE, SHA, malformedServer, nested, table, type Case } from './harness.js';

const MAX_FILE = 64 * 1024;

/** A multipart body; `contentType` overrides the header (e.g. to drop the boundary). */
function upload(path: string, fields: Parameters<typeof multipart>[0], status: number, message?: string, contentType?: string): Case {
  const m = multipart(fields);
  return { name: `${path} multipart: ${message ?? status}`, method: 'POST', path, headers: { 'content-type': contentType ?? m.contentType }, body: m.body, status, message };
}
const json = (value: string) => ({ name: 'json', value });
const bin = (bytes: Buffer | string, filename = 'a.txt', name = 'bin') => ({ name, value: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, filename });

describe('malformed submit and ingest requests', () => {
  let submitter: Record<string, string> = {};
  const srv = malformedServer({ config: { submission: { maxFileSize: MAX_FILE } } }, async (s) => {
    // A key without submission_customize: such callers must name a submission profile.
    const r = await rawRequest(`${s.url}/api/v4/apikey/add/`, {
      method: 'PUT',
      headers: { ...ADMIN, ...JSON_TYPE },
      body: JSON.stringify({ key_name: 'sub', priv: ['C'], roles: ['submission_create'], uname: 'mallory' }),
    });
    submitter = { 'x-user': 'mallory', 'x-apikey': r.body.api_response.keypassword };
  });

  for (const path of ['/api/v4/submit/', '/api/v4/ingest/']) {
    const post = (body: unknown, status: number, message?: string | RegExp): Case => ({ name: `${path} ${JSON.stringify(body).slice(0, 80)}`, method: 'POST', path, json: body, status, message });
    const raw = (body: string, contentType: string, status: number, message?: string): Case => ({ method: 'POST', path, headers: { 'content-type': contentType }, body, status, message });

    table(`${path}: what to scan is missing, of the wrong type or not what it claims`, srv, [
      post({}, 400, 'Missing file to scan'),
      post({ plaintext: '' }, 400, 'Missing file to scan'),
      post({ url: '' }, 400, 'Missing file to scan'),
      post({ name: 'x' }, 400, 'Missing file to scan'),
      post({ plaintext: 5 }, 400, 'plaintext must be a string'),
      post({ plaintext: ['a'] }, 400, 'plaintext must be a string'),
      post({ base64: { a: 1 } }, 400, 'base64 must be a string'),
      post({ base64: '!!!' }, 400, 'base64 is not valid base64'),
      post({ base64: 'QQ=a' }, 400, 'base64 is not valid base64'),
      post({ base64: 'Q' }, 400, 'not that of encoded data'),
      post({ base64: 'QUJD\u0000' }, 400, 'base64 is not valid base64'),
      post({ base64: 'QUJD-_' }, 400, 'base64 is not valid base64'),
      post({ sha256: 'a'.repeat(63) }, 400, 'not a valid SHA256 hash'),
      post({ sha256: 'g'.repeat(64) }, 400, 'not a valid SHA256 hash'),
      post({ sha256: SHA }, 404, 'SHA256 does not exist'),
      post({ sha256: 12 }, 400, 'sha256 must be a string'),
      post({ md5: 'zz' }, 400, 'not a valid MD5 hash'),
      post({ sha1: 'a'.repeat(41) }, 400, 'not a valid SHA1 hash'),
      post({ ssdeep: 'nope' }, 404, 'SSDEEP does not exist'),
      post({ plaintext: 'A'.repeat(MAX_FILE + 1) }, 413, `maximum file size of ${MAX_FILE} bytes (submission.maxFileSize)`),
      post({ base64: Buffer.alloc(MAX_FILE + 10).toString('base64') }, 413, 'submission.maxFileSize'),
      post({ plaintext: 'x', name: 5 }, 400, 'name must be a string'),
    ]);

    table(`${path}: URLs that cannot be fetched are refused at intake`, srv, [
      post({ url: 'file:///etc/passwd' }, 400, "URL scheme 'file' cannot be submitted"),
      post({ url: 'FILE:///etc/shadow' }, 400, "URL scheme 'file'"),
      post({ url: 'ftp://example.com/a' }, 400, "URL scheme 'ftp'"),
      post({ url: 'gopher://example.com:70/1' }, 400, "URL scheme 'gopher'"),
      post({ url: 'data://text/plain,hello' }, 400, "URL scheme 'data'"),
      post({ url: 'javascript:alert(1)' }, 400, 'Url provided is invalid.'),
      post({ url: 'not a url' }, 400, 'Url provided is invalid.'),
      post({ url: 'http://' }, 400, 'Url provided is invalid.'),
      post({ url: 'http://exa mple.com/' }, 400, 'Url provided is invalid.'),
      post({ url: 42 }, 400, 'url must be a string'),
      post({ url: ['http://example.com/'] }, 400, 'url must be a string'),
    ]);

    table(`${path}: metadata that is not an object of scalar values, or too big`, srv, [
      post({ plaintext: 'x', metadata: ['a', 'b'] }, 400, 'metadata must be an object of key/value pairs, not a list'),
      post({ plaintext: 'x', metadata: 'a=b' }, 400, 'not a string'),
      post({ plaintext: 'x', metadata: 5 }, 400, 'not a number'),
      post({ plaintext: 'x', metadata: { a: [1] } }, 400, 'metadata.a is a list'),
      post({ plaintext: 'x', metadata: { a: { b: { c: [] } } } }, 400, 'metadata.a.b.c is a list'),
      post({ plaintext: 'x', metadata: { a: 'x'.repeat(5000) } }, 400, 'submission.maxMetadataLength'),
      post({ plaintext: 'x', metadata: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 'v'.repeat(4000)])) }, 400, 'submission.maxMetadataBytes'),
      raw(`{"plaintext":"x","metadata":{"a":${nested(5000)}}}`, 'application/json', 400, 'server.maxJsonDepth'),
      raw(`{"plaintext":"x","metadata":${'{"a":'.repeat(150)}1${'}'.repeat(150)}}`, 'application/json', 400, 'server.maxJsonDepth'),
    ]);

    table(`${path}: params of the wrong shape`, srv, [
      post({ plaintext: 'x', params: [] }, 400, 'params must be an object'),
      post({ plaintext: 'x', params: 'deep_scan' }, 400, 'params must be an object'),
      // The ingest defaults are merged into params only once params is known to be an object.
      post({ plaintext: 'x', params: null }, 400, 'params must be an object'),
      upload(path, [json('{"params": "deep_scan"}'), bin('abc')], 400, 'params must be an object'),
      upload(path, [json('{"params": null}'), bin('abc')], 400, 'params must be an object'),
      post({ plaintext: 'x', params: { priority: 'high' } }, 400, 'params.priority must be an integer'),
      post({ plaintext: 'x', params: { priority: -1 } }, 400, 'params.priority must be between 0 and 1500'),
      post({ plaintext: 'x', params: { priority: 1e9 } }, 400, 'params.priority must be between 0 and 1500'),
      post({ plaintext: 'x', params: { ttl: 1.5 } }, 400, 'params.ttl must be an integer'),
      post({ plaintext: 'x', params: { deep_scan: 'yes' } }, 400, 'params.deep_scan must be true or false'),
      post({ plaintext: 'x', params: { services: 'all' } }, 400, 'params.services must be an object'),
      post({ plaintext: 'x', params: { services: { selected: 'Extract' } } }, 400, 'params.services.selected must be a list of strings'),
      post({ plaintext: 'x', params: { services: { selected: [1, 2] } } }, 400, 'params.services.selected must be a list of strings'),
      post({ plaintext: 'x', params: { service_spec: [] } }, 400, 'params.service_spec must be an object'),
      post({ plaintext: 'x', params: { classification: 5 } }, 400, 'params.classification must be a string'),
      post({ plaintext: 'x', params: { psid: 5 } }, 400, 'params.psid must be a string or null'),
      post({ plaintext: 'x', submission_profile: 5 }, 400, 'submission_profile must be a string'),
      post({ plaintext: 'x', generate_alert: 'yes' }, 400, 'generate_alert should be a boolean'),
      post({ plaintext: 'x', type: { a: 1 } }, 400, 'type must be a string'),
    ]);

    table(`${path}: callers who may not customise must name an existing profile`, srv, () => [
      { method: 'POST', path, headers: { ...submitter, ...JSON_TYPE }, body: JSON.stringify({ plaintext: 'x' }), status: 400, message: 'You must specify a submission profile' },
      { method: 'POST', path, headers: { ...submitter, ...JSON_TYPE }, body: JSON.stringify({ plaintext: 'x', submission_profile: 'nope' }), status: 400, message: "Submission profile 'nope' does not exist" },
      {
        method: 'POST', path, headers: { ...submitter, ...JSON_TYPE }, status: 400, message: 'You are not allowed to change services',
        body: JSON.stringify({ plaintext: 'x', submission_profile: 'static', params: { services: { selected: ['x'] } } }),
      },
    ]);

    table(`${path}: bodies that are not a JSON object or a multipart upload`, srv, [
      raw('{"plaintext": "x", ', 'application/json', 400, BAD_JSON),
      raw('[1, 2, 3]', 'application/json', 400, BAD_JSON),
      raw('"plaintext"', 'application/json', 400, BAD_JSON),
      raw('null', 'application/json', 400, BAD_JSON),
      raw('plaintext=x', 'application/x-www-form-urlencoded', 400, 'Invalid content type'),
      raw('hello', 'text/plain', 400, 'Invalid content type'),
      raw('<a/>', 'application/xml', 400, 'Invalid content type'),
      raw('\u0000\u0001\u0002', 'application/octet-stream', 400, 'Invalid content type'),
    ]);

    table(`${path}: broken multipart uploads`, srv, [
      upload(path, [json('{"name": ')], 400, BAD_JSON),
      upload(path, [json('[1]'), bin('abc')], 400, BAD_JSON),
      upload(path, [json(`{"metadata":{"a":${nested(4000)}}}`), bin('abc')], 400, 'server.maxJsonDepth'),
      upload(path, [json('{}'), bin('abc'), bin('def', 'b.txt')], 400, 'Only one file can be submitted per request'),
      upload(path, [json('{}'), bin('abc', 'a.txt', 'file'), bin('def')], 400, 'Only one file can be submitted per request'),
      upload(path, [json('{}'), bin('')], 400, 'File empty.'),
      upload(path, [json('{}'), bin(Buffer.alloc(MAX_FILE + 1, 0x41))], 413, `maximum file size of ${MAX_FILE} bytes (submission.maxFileSize)`),
      upload(path, [json(JSON.stringify({ metadata: { a: 'x'.repeat(3 << 20) } })), bin('abc')], 400, 'submission.maxMetadataBytes'),
      upload(path, [...Array.from({ length: 25 }, (_, i) => ({ name: `f${i}`, value: 'x' })), bin('abc')], 400, 'form fields allowed'),
      upload(path, [{ name: '__proto__', value: '{}' }, bin('abc')], 400, 'form field name'),
      upload(path, [json('{}'), bin('abc')], 400, 'Malformed multipart body', 'multipart/form-data'),
      upload(path, [json('{}')], 400, 'Missing file to scan'),
      { method: 'POST', path, headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nContent-Disposition: form-data; name="bin"; filename="a"\r\n\r\nabc', status: 400 },
      { method: 'POST', path, headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, body: 'not multipart at all', status: 400 },
      { method: 'POST', path, headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nno headers here\r\n\r\n--xyz--\r\n', status: 400 },
    ]);
  }

  table('/ingest/ only: notification fields', srv, [
    { method: 'POST', path: '/api/v4/ingest/', json: { plaintext: 'x', notification_threshold: 'high' }, status: 400, message: 'notification_threshold should be and int' },
    { method: 'POST', path: '/api/v4/ingest/', json: { plaintext: 'x', notification_threshold: 1.5 }, status: 400, message: 'notification_threshold should be and int' },
    { method: 'POST', path: '/api/v4/ingest/', json: { plaintext: 'x', notification_queue: 5 }, status: 400, message: 'notification_queue must be a string' },
    { method: 'POST', path: '/api/v4/ingest/', json: { plaintext: 'x', notification_queue: 'q'.repeat(300) }, status: 400, message: 'longer than the 256 characters' },
    { path: `/api/v4/ingest/get_message/${'q'.repeat(257)}/`, status: 400 },
    { path: '/api/v4/ingest/get_message_list/q/?page_size=abc', status: 400, message: 'page_size' },
    { path: '/api/v4/ingest/get_message_list/q/?page_size=-5', status: 400, message: 'page_size' },
  ]);

  table('/submit/ side routes: unknown or malformed ids', srv, [
    { path: '/api/v4/submit/resubmit/nope/', status: 404, message: 'does not exists' },
    { path: '/api/v4/submit/resubmit/..%2F..%2Fetc%2Fpasswd/', status: 404 },
    { path: '/api/v4/submit/dynamic/xyz/', status: 400, message: 'params/sha256' },
    { path: `/api/v4/submit/dynamic/${SHA}/`, status: 404, message: 'cannot be found on the server' },
    { path: `/api/v4/submit/dynamic/${SHA}/?copy_sid=nope`, status: 404 },
  ]);
});
