// Malformed requests for stored records: files and their views, results and errors by key, submissions,
// live watch queues, ontology exports, heuristics and reports. Ids are overlong, mistyped, traversal
// attempts or unicode junk; query arguments are out of range.
import { describe } from 'node:test';
import { rawRequest } from '../../helpers/raw.js';
import { ADMIN, JSON_TYPE, SHA, malformedServer, table, type Case } from './harness.js';

const seeded = { sid: '', sha256: '' };

/** Ids nobody has: traversal, unicode, NUL, overlong (under the parameter limit), SQL and glob characters. */
const JUNK_IDS = [
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc',
  '%F0%9F%92%A9%E2%80%AE%E2%80%8B',
  'a%00b',
  'x'.repeat(900),
  "1'%20OR%20'1'='1",
  '*',
  '%25',
];

describe('malformed requests for stored records', () => {
  const srv = malformedServer({}, async (s) => {
    const r = await rawRequest(`${s.url}/api/v4/submit/`, { method: 'POST', headers: { ...ADMIN, ...JSON_TYPE }, body: JSON.stringify({ plaintext: 'seeded file' }) });
    seeded.sid = r.body.api_response.sid;
    seeded.sha256 = r.body.api_response.files[0].sha256;
  });

  table('file routes: hashes that are not sha256, unknown files', srv, [
    ...['info', 'download', 'ascii', 'hex', 'strings', 'result', 'score', 'children'].flatMap((view): Case[] => [
      { path: `/api/v4/file/${view}/not-a-hash/`, status: 400, message: 'params/sha256 must match pattern' },
      { path: `/api/v4/file/${view}/${'g'.repeat(64)}/`, status: 400, message: 'params/sha256' },
      { path: `/api/v4/file/${view}/${'a'.repeat(65)}/`, status: 400, message: 'params/sha256' },
      { path: `/api/v4/file/${view}/${SHA}/`, status: 404 },
    ]),
    { method: 'DELETE', path: '/api/v4/file/filestore/..%2F..%2Fetc%2Fpasswd/', status: 400, message: 'params/sha256' },
    { method: 'DELETE', path: `/api/v4/file/filestore/${SHA}/`, status: 404 },
    { path: `/api/v4/file/result/${SHA}/..%2F..%2F/`, status: 404 },
  ]);

  table('file views and downloads: arguments out of range', srv, () => [
    { path: `/api/v4/file/hex/${seeded.sha256}/?length=0`, status: 400, message: 'length must be between 1 and 256' },
    { path: `/api/v4/file/hex/${seeded.sha256}/?length=-1`, status: 400, message: 'length must be between 1 and 256' },
    { path: `/api/v4/file/hex/${seeded.sha256}/?length=99999999999999999999`, status: 400, message: 'length must be between' },
    { path: `/api/v4/file/hex/${seeded.sha256}/?length=abc`, status: 400, message: 'length must be between' },
    { path: `/api/v4/file/strings/${seeded.sha256}/?len=0`, status: 400, message: 'len must be between 1 and 1024' },
    { path: `/api/v4/file/strings/${seeded.sha256}/?len=5000`, status: 400, message: 'len must be between 1 and 1024' },
    { path: `/api/v4/file/download/${seeded.sha256}/?encoding=exe`, status: 403, message: 'EXE is not in the valid encoding types' },
    { path: `/api/v4/file/download/${seeded.sha256}/?encoding=%F0%9F%92%A9`, status: 403, message: 'is not in the valid encoding types' },
    { path: `/api/v4/file/download/${seeded.sha256}/?encoding=zip&password=`, status: 403, message: 'No password given' },
    { path: `/api/v4/file/download/${seeded.sha256}/?encoding=zip&password=a%0Ab`, status: 400, message: 'Invalid password' },
    { path: `/api/v4/file/download/${seeded.sha256}/?encoding=zip&password=${'p'.repeat(200)}`, status: 400, message: 'Invalid password' },
  ]);

  table('results and errors by key: unknown, traversal, junk', srv, [
    ...JUNK_IDS.flatMap((id): Case[] => [
      { path: `/api/v4/result/${id}/`, status: [403, 404] },
      { path: `/api/v4/result/error/${id}/`, status: 404 },
      { path: `/api/v4/error/${id}/`, status: 404 },
    ]),
    { path: '/api/v4/result/../../../../etc/passwd', status: 404 },
    { method: 'POST', path: '/api/v4/result/multiple_keys/', json: { result: { key: 1 } }, status: 400, message: 'body/result must be array' },
    { method: 'POST', path: '/api/v4/result/multiple_keys/', json: { error: [{ a: 1 }] }, status: 400, message: 'body/error/0 must be string' },
    { method: 'POST', path: '/api/v4/result/multiple_keys/', json: [], status: 400, message: 'body must be object' },
    { method: 'POST', path: '/api/v4/result/multiple_keys/', json: { result: Array.from({ length: 5 }, () => ({})) }, status: 400 },
    { path: '/api/v4/error/list/?rows=-1', status: 400, message: 'search.maxRows' },
    { path: '/api/v4/error/list/?offset=1e99', status: 400, message: 'offset' },
    { path: '/api/v4/error/list/?query=a:(b', status: 400, message: 'Failed to parse query' },
    { path: '/api/v4/error/list/?track_total_hits=many', status: 400, message: 'track_total_hits' },
    { path: '/api/v4/error/list/?sort=nope%20asc', status: 400, message: 'No mapping found' },
  ]);

  table('submissions: unknown and overlong ids, bad verdicts, bad list arguments', srv, () => [
    ...JUNK_IDS.slice(0, 4).flatMap((id): Case[] => [
      { path: `/api/v4/submission/${id}/`, status: 404, message: 'does not exists' },
      { path: `/api/v4/submission/full/${id}/`, status: 404 },
      { path: `/api/v4/submission/summary/${id}/`, status: 404 },
      { path: `/api/v4/submission/tree/${id}/`, status: 404 },
      { path: `/api/v4/submission/is_completed/${id}/`, status: 404 },
      { path: `/api/v4/submission/report/${id}/`, status: 404 },
    ]),
    { path: `/api/v4/submission/${'s'.repeat(65)}/`, status: 400, message: 'params/sid must NOT have more than 64 characters' },
    { method: 'DELETE', path: `/api/v4/submission/${'s'.repeat(65)}/`, status: 400, message: 'params/sid' },
    { method: 'DELETE', path: '/api/v4/submission/nope/', status: 404 },
    { method: 'PUT', path: `/api/v4/submission/verdict/${seeded.sid}/evil/`, status: 400, message: "Invalid verdict 'evil'" },
    { method: 'PUT', path: `/api/v4/submission/verdict/${seeded.sid}/MALICIOUS/`, status: 400, message: 'Invalid verdict' },
    { method: 'PUT', path: '/api/v4/submission/verdict/nope/malicious/', status: 404 },
    { path: `/api/v4/submission/${seeded.sid}/file/not-a-hash/`, status: 400, message: 'params/sha256' },
    { path: `/api/v4/submission/${seeded.sid}/file/${SHA}/`, status: 404, message: 'does not exist in submission' },
    { method: 'POST', path: `/api/v4/submission/${seeded.sid}/file/${seeded.sha256}/`, json: { extra_result_keys: { k: 1 } }, status: 400, message: 'must be array' },
    { method: 'POST', path: `/api/v4/submission/${seeded.sid}/file/${seeded.sha256}/`, json: { extra_error_keys: [{}] }, status: 400, message: 'must be string' },
    { path: '/api/v4/submission/list/user/admin/?rows=-5', status: 400, message: 'search.maxRows' },
    { path: '/api/v4/submission/list/user/admin/?rows=ten', status: 400, message: 'querystring/rows must be integer' },
    { path: '/api/v4/submission/list/group/ALL/?offset=-1', status: 400, message: 'offset' },
    { path: '/api/v4/submission/list/group/ALL/?offset=1e20', status: 400, message: 'offset' },
  ]);

  table('live watch queues: ids that are not watch queues', srv, [
    ...JUNK_IDS.flatMap((id): Case[] => [
      { path: `/api/v4/live/get_message/${id}/`, status: 400, message: 'invalid watch queue' },
      { path: `/api/v4/live/get_message_list/${id}/`, status: 400, message: 'invalid watch queue' },
    ]),
    { path: '/api/v4/live/setup_watch_queue/nope/', status: 404, message: 'No dispatchers are processing this submission.' },
    { path: '/api/v4/live/setup_watch_queue/..%2F..%2F/', status: 404 },
  ]);

  table('ontology exports and heuristics: unknown ids, bad arguments', srv, [
    { path: '/api/v4/ontology/submission/nope/', status: 404 },
    { path: '/api/v4/ontology/alert/nope/', status: 404, message: 'There is no alert with this ID' },
    { path: '/api/v4/ontology/file/nope/', status: 404, message: 'There is no file with this hash' },
    { path: `/api/v4/ontology/file/${'a'.repeat(129)}/`, status: 400, message: 'params/sha256' },
    { path: '/api/v4/ontology/submission/..%2F..%2Fetc/', status: 404 },
    { path: '/api/v4/heuristics/nope/', status: 404, message: 'Heuristic not found' },
    { path: '/api/v4/heuristics/..%2F..%2F/', status: 404 },
    { path: '/api/v4/service/nope/', status: 404, message: 'nope service does not exist' },
    { path: '/api/v4/service/%F0%9F%92%A9/', status: 404 },
  ]);
});
