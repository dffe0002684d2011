// Malformed safelist, badlist and signature requests: items of unknown types, broken hashes and sources,
// values of the wrong type, absurd lifetimes, unknown statuses, and ids nobody has.
import { describe } from 'node:test';
import { BAD_JSON, JSON_TYPE, SHA, malformedServer, table, type Case } from './harness.js';

const source = { name: 'admin', type: 'user', reason: ['test'] };
const fileItem = (extra: Record<string, unknown> = {}) => ({ type: 'file', hashes: { sha256: SHA }, sources: [source], ...extra });

describe('malformed list and signature requests', () => {
  const srv = malformedServer();

  for (const kind of ['safelist', 'badlist'] as const) {
    const add = (json: unknown, status: number, message?: string | RegExp, method = 'PUT'): Case => ({
      name: `${method} ${kind} ${JSON.stringify(json)?.slice(0, 70)}`,
      method,
      path: `/api/v4/${kind}/`,
      json,
      status,
      message,
    });

    table(`${kind}: items that are not items`, srv, [
      add([], 400, `Invalid ${kind} item: expected an object`),
      add('file', 400, `Invalid ${kind} item`),
      add(null, 400, `Invalid ${kind} item`),
      add({ type: 'virus', hashes: { sha256: SHA }, sources: [source] }, 400, `Invalid ${kind} type: virus`),
      add({ hashes: { sha256: SHA }, sources: [source] }, 400, `Invalid ${kind} type: undefined`),
      add(fileItem({ hashes: 'abc' }), 400, 'hashes must be an object'),
      add(fileItem({ hashes: { sha256: 'xyz' } }), 400, 'Invalid sha256 hash'),
      add(fileItem({ hashes: { md5: 'a'.repeat(33) } }), 400, 'Invalid md5 hash'),
      add(fileItem({ hashes: { sha1: 5 } }), 400, 'Invalid sha1 hash'),
      add(fileItem({ hashes: {} }), 400, 'No valid hash found'),
      add(fileItem({ sources: [] }), 400, 'No valid source found'),
      add(fileItem({ sources: 'admin' }), 400, 'No valid source found'),
      add(fileItem({ sources: [{ type: 'user', reason: ['r'] }] }), 400, 'Every source needs a name'),
      add(fileItem({ sources: [{ name: 'admin', type: 'robot', reason: ['r'] }] }), 400, 'Invalid source type for admin: robot'),
      add(fileItem({ sources: [{ name: 'admin', type: 'user', reason: [] }] }), 400, 'needs at least one reason'),
      add(fileItem({ sources: [{ name: 'admin', type: 'user', reason: [1] }] }), 400, 'reason must be a list of strings'),
      add(fileItem({ sources: [{ name: 'someone-else', type: 'user', reason: ['r'] }] }), 400, 'You cannot add a source for another user'),
      add(fileItem({ dtl: -1 }), 400, 'dtl must be a number of days'),
      add(fileItem({ dtl: 'forever' }), 400, 'dtl must be a number of days'),
      add(fileItem({ dtl: 1e300 }), 400, 'dtl must be a number of days from 0 (no expiry) to'),
      add({ type: 'tag', tag: { type: 'network.static.ip', value: 'not-an-ip' }, sources: [source] }, 400, 'Invalid tag value'),
      add({ type: 'tag', tag: 'x', sources: [source] }, 400, 'Tag data not found'),
      add({ type: 'tag', tag: { type: 'network.static.ip' }, sources: [source] }, 400, 'Tag data not found'),
      add({ type: 'signature', signature: {}, sources: [source] }, 400, kind === 'safelist' ? 'Signature data not found' : 'Invalid badlist type: signature'),
      add(fileItem({ file: { size: -5 } }), 400, 'file.size must be a non-negative integer'),
      add(fileItem({ file: { size: 'big' } }), 400, 'file.size'),
      add(fileItem({ dtl: Number.MAX_VALUE }), 400, 'dtl'),
    ]);

    table(`${kind}: lookups, bulk adds and toggles with bad input`, srv, [
      { path: `/api/v4/${kind}/abc/`, status: 400, message: 'Invalid hash length' },
      { path: `/api/v4/${kind}/${'z'.repeat(64)}/`, status: [400, 404] },
      { path: `/api/v4/${kind}/${SHA}/`, status: 404 },
      { path: `/api/v4/${kind}/..%2F..%2Fetc%2Fpasswd/`, status: 400, message: 'Invalid hash length' },
      { method: 'PUT', path: `/api/v4/${kind}/add_update_many/`, json: { items: [] }, status: 400, message: 'Could not get the list of items' },
      { method: 'PUT', path: `/api/v4/${kind}/add_update_many/`, json: 'x', status: 400, message: 'Could not get the list of items' },
      { method: 'PUT', path: `/api/v4/${kind}/enable/${SHA}/`, json: 'false', status: 400, message: 'The request body must be true or false' },
      { method: 'PUT', path: `/api/v4/${kind}/enable/${SHA}/`, json: 0, status: 400, message: 'must be true or false' },
      { method: 'PUT', path: `/api/v4/${kind}/enable/${SHA}/`, json: true, status: 404 },
      { method: 'PUT', path: `/api/v4/${kind}/enable/${SHA}/`, headers: JSON_TYPE, body: 'tru', status: 400, message: BAD_JSON },
      { method: 'DELETE', path: `/api/v4/${kind}/${SHA}/`, status: 404 },
      { method: 'DELETE', path: `/api/v4/${kind}/%F0%9F%92%A9/`, status: 404 },
    ]);
  }

  table('badlist similarity lookups: digests that are not digests, thresholds out of range', srv, [
    { path: '/api/v4/badlist/ssdeep/', status: 400 },
    { path: '/api/v4/badlist/ssdeep/garbage/', status: 400, message: 'Invalid SSDEEP value' },
    { path: '/api/v4/badlist/ssdeep/3:abc:def/?threshold=101', status: 400, message: 'threshold must be an integer between 0 and 100' },
    { path: '/api/v4/badlist/ssdeep/3:abc:def/?threshold=-1', status: 400, message: 'threshold must be an integer between 0 and 100' },
    { path: '/api/v4/badlist/ssdeep/3:abc:def/?threshold=half', status: 400, message: 'threshold' },
    { path: '/api/v4/badlist/tlsh/nope/', status: 400, message: 'Invalid TLSH value' },
    { path: `/api/v4/badlist/tlsh/T1${'A'.repeat(70)}/?threshold=9999`, status: 400, message: 'threshold must be an integer between 0 and 2000' },
  ]);

  const sig = (method: string, path: string, json: unknown, status: number | number[], message?: string): Case => ({
    name: `${method} signature/${path} ${JSON.stringify(json)?.slice(0, 60)}`,
    method,
    path: `/api/v4/signature/${path}`,
    json,
    status,
    message,
  });

  table('signatures: missing fields, rules that do not compile, unknown statuses and ids', srv, [
    sig('POST', 'add_update/', {}, 400, 'Signature id, name, type and data are mandatory fields.'),
    sig('POST', 'add_update/', [], 400, 'mandatory fields'),
    sig('POST', 'add_update/', { name: 'x', type: 'yara', source: 's' }, 400, 'mandatory fields'),
    sig('POST', 'add_update/', { name: 5, type: 'yara', source: 's', data: 'rule x { condition: true }' }, 400, 'mandatory fields'),
    sig('POST', 'add_update/', { name: 'x', type: ['yara'], source: 's', data: 'rule x { condition: true }' }, 400, 'mandatory fields'),
    sig('POST', 'add_update/', { name: 'x', type: 'yara', source: { s: 1 }, data: 'rule x { condition: true }' }, 400, 'mandatory fields'),
    sig('POST', 'add_update/', { name: 'x', type: 'yara', source: 's', data: 'rule x { condition: true }', signature_id: 7 }, 400, 'mandatory fields'),
    sig('PUT', 'add_update/', { name: 'x', type: 'yara', source: 's', data: 'rule x { condition: ' }, 400),
    sig('PUT', 'add_update/', { name: 'x', type: 'yara', source: 's', data: 'not a rule at all' }, 400),
    sig('POST', 'add_update_many/', [], 400, 'Source, source type and data are mandatory fields.'),
    sig('POST', 'add_update_many/?source=s&sig_type=yara', { a: 1 }, 400, 'mandatory fields'),
    sig('GET', 'nope/', undefined, 404, 'Signature not found. (nope)'),
    sig('GET', '..%2F..%2Fetc%2Fpasswd/', undefined, 404, 'Signature not found'),
    sig('DELETE', 'nope/', undefined, 404),
    sig('GET', 'change_status/nope/DEPLOYED/', undefined, 404),
    sig('GET', 'change_status/nope/EXPLODED/', undefined, 403, 'You cannot apply the status EXPLODED on yara rules.'),
    sig('GET', 'clear_status/nope/', undefined, 404),
    sig('GET', 'download/?query=a:(b', undefined, 400, 'SearchException'),
    sig('GET', 'download/?query=password:*', undefined, 400, 'SearchException'),
  ]);
});
