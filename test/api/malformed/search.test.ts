// Malformed searches: unknown indices and fields, Lucene syntax errors, queries over the limits, bad paging,
// arguments of the wrong type, and aggregations asked of fields they cannot take.
import { describe } from 'node:test';
import { BAD_JSON, JSON_TYPE, malformedServer, nested, table, type Case } from './harness.js';

const post = (body: unknown, status: number, message?: string | RegExp, index = 'submission'): Case => ({
  name: `POST search/${index} ${JSON.stringify(body).slice(0, 70)}`,
  method: 'POST',
  path: `/api/v4/search/${index}/`,
  json: body,
  status,
  message,
});
const get = (path: string, status: number, message?: string | RegExp): Case => ({ path: `/api/v4/search/${path}`, status, message });

describe('malformed search requests', () => {
  const srv = malformedServer();

  table('indices that do not exist or are not the caller’s', srv, [
    get('nope/?query=*', 400, 'Not a valid index to search in: nope'),
    get('..%2F..%2Fetc%2Fpasswd/?query=*', 400, 'Not a valid index to search in'),
    get('%F0%9F%92%A9/?query=*', 400, 'Not a valid index'),
    get('submission%00/?query=*', 400, 'Not a valid index'),
    get('SUBMISSION/?query=*', 400, 'Not a valid index'),
    get('fields/nope/', 400, 'Not a valid index'),
    get('facet/nope/id/', 400, 'Not a valid index'),
    { path: '/api/v4/search/user/?query=*', as: 'user', status: 403, message: "requires the role 'administration'" },
    { path: '/api/v4/search/apikey/?query=*', as: 'user', status: 403 },
    { path: '/api/v4/search/error/?query=*', as: 'user', status: 403 },
    { path: '/api/v4/search/submission/?query=*', as: 'anon', status: 401 },
  ]);

  table('queries that are missing or do not parse', srv, [
    get('submission/', 400, 'There was no search query.'),
    get('submission/?query=', 400, 'There was no search query.'),
    post({}, 400, 'There was no search query.'),
    post({ query: '' }, 400, 'There was no search query.'),
    post({ query: 'a:(b' }, 400, 'SearchException: Failed to parse query'),
    post({ query: '(((a)' }, 400, 'expected )'),
    post({ query: 'a)' }, 400, 'SearchException'),
    post({ query: '"unterminated' }, 400, 'unterminated phrase'),
    post({ query: 'x:/unterminated' }, 400, 'unterminated regular expression'),
    post({ query: 'x:[1 TO' }, 400, 'SearchException'),
    post({ query: 'x:[1 2]' }, 400, 'expected TO'),
    post({ query: 'a\\' }, 400, 'dangling escape'),
    post({ query: 'b*d!:x' }, 400, 'invalid field name'),
    post({ query: 'a:' }, 400, 'SearchException'),
    post({ query: 'max_score:abc' }, 400, 'failed to create query'),
    post({ query: 'times.submitted:[yesterday TO now]' }, 400, 'failed to parse date'),
    post({ query: 'times.submitted:2024-13-45' }, 400, 'failed to parse date'),
    post({ query: 'times.submitted:[now-99999999999999y TO now]' }, 400, 'failed to parse date'),
    post({ query: 'times.submitted:>9999999999999999999' }, 400, 'failed to parse date'),
    post({ query: 'max_score:/(a+)+b/' }, 400, 'regular expression refused'),
    post({ query: 'sid:/[/' }, 400, 'invalid regular expression'),
    post({ query: 'password:*' }, 400, 'is not a valid field', 'user'),
    post({ query: '(a'.repeat(300) }, 400, 'search.maxQueryDepth'),
    post({ query: `${'NOT '.repeat(100)}a` }, 400, 'search.maxQueryDepth'),
    post({ query: Array.from({ length: 20_000 }, (_, i) => `t${i}`).join(' OR ') }, 400, 'search.maxQueryClauses'),
    post({ query: '*', filters: Array.from({ length: 1000 }, (_, i) => `id:f${i}`) }, 400, 'search.maxQueryClauses'),
    post({ query: Array.from({ length: 400 }, (_, i) => `t${i}`).join(' ') }, 400, 'search.maxQueryExpansion', 'alert'),
    post({ query: `sid:${'x'.repeat(20_000)}` }, 400, 'search.maxTermLength'),
    post({ query: 'x'.repeat(2 << 20) }, 400, 'search.maxQueryLength'),
    post({ query: '*', filters: ['a:(b'] }, 400, 'Failed to parse query'),
    post({ query: '*', sort: 'nope desc' }, 400, 'No mapping found for [nope]'),
    post({ query: '*', sort: 'sid sideways' }, 400, 'Invalid sort parameter'),
    post({ query: '*', sort: 'files.name asc' }, 400, 'Cannot sort on multi-valued field'),
    post({ query: '*', deep_paging_id: 'garbage!' }, 400, 'invalid deep_paging_id'),
    post({ query: '*', deep_paging_id: Buffer.from('{"s":"x","c":[]}').toString('base64url') }, 400, 'invalid deep_paging_id'),
  ]);

  table('paging and arguments of the wrong type or out of range', srv, [
    post({ query: '*', rows: -5 }, 400, 'rows must be between 0 and 10000 (search.maxRows)'),
    post({ query: '*', rows: 10_001 }, 400, 'search.maxRows'),
    post({ query: '*', rows: 1e308 }, 400, 'search.maxRows'),
    post({ query: '*', rows: 'ten' }, 400, 'rows must be an integer'),
    post({ query: '*', rows: 2.5 }, 400, 'rows must be an integer'),
    post({ query: '*', rows: true }, 400, 'rows must be an integer'),
    post({ query: '*', rows: { n: 1 } }, 400, 'rows must be an integer'),
    post({ query: '*', offset: -1 }, 400, 'offset must be between 0'),
    post({ query: '*', offset: 1e30 }, 400, 'search.maxOffset'),
    post({ query: '*', offset: '9'.repeat(40) }, 400, 'offset must be an integer'),
    post({ query: '*', track_total_hits: -1 }, 400, 'track_total_hits'),
    post({ query: '*', track_total_hits: 'lots' }, 400, 'track_total_hits'),
    post({ query: ['a', { b: 1 }] }, 400, 'query must be a string'),
    post({ query: '*', filters: [1, 2] }, 400, 'filters must be a list of query strings'),
    post({ query: '*', fq: { a: 1 } }, 400, 'fq must be a list of query strings'),
    post({ query: '*', fl: { a: 1 } }, 400, 'fl must be a string'),
    get('submission/?query=*&rows=-1', 400, 'search.maxRows'),
    get('submission/?query=*&offset=abc', 400, 'offset must be an integer'),
  ]);

  table('aggregations over unknown fields, wrong field types, and bad arguments', srv, [
    get('facet/submission/nope/', 400, "Field 'nope' is not a valid field"),
    get('facet/submission/params.submitter/?size=0', 400, 'size must be between 1'),
    get('facet/submission/params.submitter/?size=-3', 400, 'size'),
    get('facet/submission/params.submitter/?mincount=-1', 400, 'mincount'),
    get('facet/submission/params.submitter/?query=a:(b', 400, 'Failed to parse query'),
    get('histogram/submission/sid/', 400, 'SearchException'),
    get('histogram/submission/max_score/?gap=-5', 400, 'Invalid start, end or gap'),
    get('histogram/submission/max_score/?start=0&end=1000000&gap=1', 400, 'SearchException'),
    get('histogram/submission/times.submitted/?gap=%2B0h', 400, 'Invalid gap'),
    get('histogram/submission/times.submitted/?start=garbage', 400, 'SearchException'),
    get('stats/submission/sid/', 400, 'is not a numeric field'),
    get('stats/submission/nope/', 400, 'is not a valid field'),
    get('grouped/submission/files.name/', 400, 'Cannot group on multi-valued field'),
    get('grouped/submission/nope/', 400, 'is not a valid field'),
    get('grouped/submission/params.submitter/?limit=1000', 400, 'limit must be between 1 and 100'),
    get('grouped/submission/params.submitter/?rows=-1', 400, 'rows'),
    get('grouped/submission/params.submitter/?group_sort=nope%20asc', 400, 'No mapping found'),
    get('fields/%00/', 400, 'Not a valid index'),
  ]);

  table('bodies that are not JSON objects', srv, [
    { method: 'POST', path: '/api/v4/search/submission/', headers: JSON_TYPE, body: '{"query": ', status: 400, message: BAD_JSON },
    { method: 'POST', path: '/api/v4/search/submission/', headers: JSON_TYPE, body: `{"query":"*","filters":${nested(500)}}`, status: 400, message: 'server.maxJsonDepth' },
    { method: 'POST', path: '/api/v4/search/submission/', headers: JSON_TYPE, body: '["query", "*"]', status: 400, message: 'body must be object' },
    { method: 'POST', path: '/api/v4/search/submission/', headers: JSON_TYPE, body: '"*"', status: 400, message: 'body must be object' },
    { method: 'POST', path: '/api/v4/search/submission/', headers: { 'content-type': 'text/plain' }, body: 'query=*', status: 400, message: 'takes a JSON body' },
  ]);
});
