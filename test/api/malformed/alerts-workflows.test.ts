// Malformed alert and workflow requests: bad time windows and queries, unknown enum values for priorities,
// statuses and verdicts, labels of the wrong type, and workflow bodies missing what they need.
import { describe } from 'node:test';
import { BAD_JSON, JSON_TYPE, malformedServer, table, type Case } from './harness.js';

const alert = (path: string, status: number, message?: string | RegExp): Case => ({ path: `/api/v4/alert/${path}`, status, message });
const change = (method: string, path: string, json: unknown, status: number, message?: string): Case => ({
  name: `${method} alert/${path} ${JSON.stringify(json)?.slice(0, 60)}`,
  method,
  path: `/api/v4/alert/${path}`,
  json,
  status,
  message,
});

describe('malformed alert and workflow requests', () => {
  const srv = malformedServer();

  table('alert listings: time windows, queries and paging', srv, [
    alert('list/?tc=yesterday', 400, 'Invalid time constraint: yesterday'),
    alert('list/?tc=-1d', 400, 'Invalid time constraint'),
    alert('list/?tc=99999999999999y', 400, 'Invalid time constraint'),
    alert('list/?tc_start=garbage', 400, 'Invalid tc_start: garbage'),
    alert('list/?tc_start=%F0%9F%92%A9', 400, 'Invalid tc_start'),
    alert('list/?q=a:(b', 400, 'Failed to parse query'),
    alert('list/?fq=%22unterminated', 400, 'unterminated phrase'),
    alert('list/?q=nofield:x&fq=al.score:abc', 400, 'SearchException'),
    alert('list/?rows=-5', 400, 'rows must be between 0 and 10000 (search.maxRows)'),
    alert('list/?rows=ten', 400, 'rows must be an integer'),
    alert('list/?offset=-1', 400, 'offset'),
    alert('list/?offset=1e300', 400, 'offset'),
    alert('list/?track_total_hits=-2', 400, 'track_total_hits'),
    alert('grouped/nope/', 400, "Field 'nope' is not a valid field"),
    alert('grouped/file.sha256/?rows=-1', 400, 'rows'),
    alert('grouped/file.sha256/?rows=5000', 400, 'rows must be between 0 and 1000'),
    alert('grouped/file.sha256/?tc=bogus', 400, 'Invalid time constraint'),
    alert('labels/?q=a:(b', 400, 'Failed to parse query'),
    alert('priorities/?tc=1x', 400, 'Invalid time constraint'),
    alert('statuses/?fq=a:[1', 400, 'SearchException'),
    alert('statistics/?q=((((a', 400, 'SearchException'),
    alert('related/?q=a:(b', 400, 'Failed to parse query'),
  ]);

  table('single alerts: unknown and overlong ids', srv, [
    alert('nope/', 404, 'Alert ID nope not found'),
    alert(`${'a'.repeat(129)}/`, 400, 'params/alert_id must NOT have more than 128 characters'),
    alert('..%2F..%2Fetc%2Fpasswd/', 404),
    alert('%F0%9F%92%A9/', 404),
    alert('ownership/nope/', 404, 'not found'),
    { method: 'PUT', path: '/api/v4/alert/verdict/nope/evil/', status: 400, message: 'Invalid verdict: evil' },
    { method: 'PUT', path: '/api/v4/alert/verdict/nope/MALICIOUS/', status: 400, message: 'Invalid verdict' },
    { method: 'PUT', path: '/api/v4/alert/verdict/nope/malicious/', status: 404, message: 'not found' },
  ]);

  table('triage bodies: unknown priorities and statuses, labels of the wrong type', srv, [
    change('POST', 'priority/nope/', 'URGENT', 400, 'Priority has to be one of: LOW, MEDIUM, HIGH, CRITICAL'),
    change('POST', 'priority/nope/', 5, 400, 'Priority has to be one of'),
    change('POST', 'priority/nope/', { priority: 'LOW' }, 400, 'Priority has to be one of'),
    change('POST', 'status/nope/', 'DONE', 400, 'Status has to be one of'),
    change('POST', 'status/nope/', ['MALICIOUS'], 400, 'Status has to be one of'),
    change('POST', 'label/nope/', [''], 400, 'Labels must be a list of non-empty strings'),
    change('POST', 'label/nope/', [1, 2], 400, 'Labels must be a list of non-empty strings'),
    change('POST', 'label/nope/', { label: 'x' }, 400, 'Labels must be a list of non-empty strings'),
    change('POST', 'label/nope/', ['x'.repeat(300)], 400, 'Labels must be a list of non-empty strings'),
    change('DELETE', 'label/nope/', null, 400, 'Labels must be a list'),
    change('POST', 'label/nope/', ['ok'], 404, 'not found'),
    change('POST', 'priority/batch/?q=*', 'SOMEDAY', 400, 'Priority has to be one of'),
    change('POST', 'status/batch/?q=*', 7, 400, 'Status has to be one of'),
    change('POST', 'label/batch/?q=*', {}, 400, 'Labels must be a list'),
    change('DELETE', 'label/batch/?q=*', [null], 400, 'Labels must be a list'),
    change('POST', 'label/batch/?q=a:(b', ['ok'], 400, 'Failed to parse query'),
    change('POST', 'status/batch/?tc=forever', 'TRIAGE', 400, 'Invalid time constraint'),
    alert('ownership/batch/?q=a:(b', 400, 'Failed to parse query'),
    { method: 'POST', path: '/api/v4/alert/priority/nope/', headers: JSON_TYPE, body: '"LOW', status: 400, message: BAD_JSON },
    { method: 'POST', path: '/api/v4/alert/label/nope/', headers: { 'content-type': 'text/plain' }, body: 'label', status: 400, message: 'takes a JSON body' },
  ]);

  const wf = (method: string, path: string, json: unknown, status: number, message?: string): Case => ({
    name: `${method} workflow/${path} ${JSON.stringify(json)?.slice(0, 60)}`,
    method,
    path: `/api/v4/workflow/${path}`,
    json,
    status,
    message,
  });

  table('workflows: bodies missing what they need, bad queries and values, unknown ids', srv, [
    wf('PUT', '', {}, 400, 'Name field is required.'),
    wf('PUT', '', [], 400, 'Invalid workflow'),
    wf('PUT', '', 'workflow', 400, 'Invalid workflow'),
    wf('PUT', '', { name: '   ', query: '*', labels: ['x'] }, 400, 'Name field is required.'),
    wf('PUT', '', { name: 5, query: '*', labels: ['x'] }, 400, 'Name field is required.'),
    wf('PUT', '', { name: 'w', labels: ['x'] }, 400, 'Query field is required.'),
    wf('PUT', '', { name: 'w', query: ['*'], labels: ['x'] }, 400, 'Query field is required.'),
    wf('PUT', '', { name: 'w', query: 'a:(b', labels: ['x'] }, 400, 'Failed to parse query'),
    wf('PUT', '', { name: 'w', query: '*' }, 400, 'Workflow must either have a label, a priority or a status.'),
    wf('PUT', '', { name: 'w', query: '*', labels: [5] }, 400, 'Labels must be a list of non-empty strings'),
    wf('PUT', '', { name: 'w', query: '*', priority: 'P0' }, 400, 'Priority has to be one of'),
    wf('PUT', '', { name: 'w', query: '*', status: 'OPEN' }, 400, 'Status has to be one of'),
    wf('GET', 'nope/', undefined, 404, 'Workflow ID nope not found'),
    wf('GET', `${'w'.repeat(129)}/`, undefined, 400, 'params/workflow_id'),
    wf('GET', '..%2F..%2Fetc/', undefined, 404),
    wf('POST', 'nope/', { name: 'w', query: '*', labels: ['x'] }, 404, 'not found'),
    wf('DELETE', 'nope/', undefined, 404, 'not found'),
    wf('GET', 'nope/run/', undefined, 404, 'not found'),
  ]);
});
