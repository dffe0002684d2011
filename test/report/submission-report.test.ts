// The submission report and heuristic statistics through a real server, requested the way the Python client
// requests them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/server.js';
import { adminClient, MEMBER_TEXT, reader, startAnalysisServer, submitBundle, waitCompleted, type Client } from './support.js';

describe('submission report', () => {
  let s: TestServer;
  let admin: Client;
  let sid: string;
  let zipSha: string;
  const memberSha = createHash('sha256').update(MEMBER_TEXT).digest('hex');

  before(async () => {
    s = await startAnalysisServer();
    admin = await adminClient(s);
    ({ sid, zipSha } = await submitBundle(admin));
  });
  after(() => s.stop());

  it('reports heuristics, ATT&CK tactics, tags and important files by name', async () => {
    const r = await admin.get(`/api/v4/submission/report/${sid}/`);
    assert.equal(r.status, 200, r.raw.toString());
    const rep = r.body.api_response;
    assert.equal(rep.sid, sid);
    assert.equal(rep.state, 'completed');
    assert.equal(rep.max_score, 1400);
    assert.equal(rep.results, undefined, 'result keys are not part of the report');
    assert.equal(rep.errors, undefined, 'error keys are not part of the report');
    assert.deepEqual(rep.params.services.errors, []);
    assert.equal(rep.report_filtered, false);
    assert.equal(rep.report_partial, undefined);
    assert.equal(rep.file_info.sha256, zipSha);
    assert.deepEqual(rep.file_tree[zipSha].name, ['bundle.zip']);
    assert.deepEqual(rep.important_files, [memberSha], 'the submitted file itself is not listed');

    const named = [['docs/readme.txt', memberSha]];
    assert.deepEqual(Object.keys(rep.heuristics), ['info', 'safe', 'suspicious', 'malicious']);
    assert.deepEqual(rep.heuristics.malicious['Evil marker'], named);
    assert.deepEqual(rep.heuristics.suspicious['Rule match'], named, 'two 200-point signatures: 400, suspicious');

    assert.deepEqual(rep.attack_matrix.execution['Command and Scripting Interpreter'], { h_type: 'malicious', files: named });
    // T1547.004 is unknown to the scorer's table, so the result stores it without tactics: the report places it.
    assert.deepEqual(rep.attack_matrix.persistence['Winlogon Helper DLL'], { h_type: 'suspicious', files: named });
    assert.deepEqual(rep.attack_matrix['privilege-escalation']['Winlogon Helper DLL'], { h_type: 'suspicious', files: named });

    assert.deepEqual(rep.tags.indicators_of_compromise['network.static.domain']['c2.example'], { h_type: 'malicious', files: named });
    assert.deepEqual(rep.tags.behaviors['file.behavior']['Registers a Winlogon helper'], { h_type: 'suspicious', files: named });
    assert.deepEqual(rep.tags.attributions['attribution.family'].TESTFAM, { h_type: 'suspicious', files: named });

    assert.ok(rep.heuristic_sections['SCORER.1'].length >= 1);
    assert.deepEqual(rep.heuristic_name_map['Rule match'], ['SIGMA.1']);
  });

  it('promotes the submitted file\'s entropy graph with its body parsed', async () => {
    const rep = (await admin.get(`/api/v4/submission/report/${sid}/`)).body.api_response;
    assert.equal(rep.promoted_sections.length, 1);
    const sec = rep.promoted_sections[0];
    assert.equal(sec.promote_to, 'ENTROPY');
    assert.equal(sec.body_format, 'GRAPH_DATA');
    assert.deepEqual(sec.body, { type: 'colormap', data: { domain: [0, 8], values: [1.5, 7.9] } });
  });

  it('accepts get_full_tree and leaves the other submission routes alone', async () => {
    const full = await admin.get(`/api/v4/submission/report/${sid}/?get_full_tree`);
    assert.equal(full.status, 200);
    assert.deepEqual(Object.keys(full.body.api_response.file_tree[zipSha].children), [memberSha]);
    const plain = await admin.get(`/api/v4/submission/${sid}/`);
    assert.equal(plain.status, 200);
    assert.ok(Array.isArray(plain.body.api_response.results), 'GET /submission/<sid>/ still serves the record');
    const summary = await admin.get(`/api/v4/submission/summary/${sid}/`);
    assert.equal(summary.status, 200);
  });

  it('answers 404 for an unknown submission and 425 while it is still running', async () => {
    const missing = await admin.get('/api/v4/submission/report/NoSuchSubmission0001/');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.api_error_message, 'Submission ID NoSuchSubmission0001 does not exists.');
    const r = await admin.postJson('/api/v4/submit/', { name: 'slow.txt', plaintext: 'SLOW and steady' });
    assert.equal(r.status, 200, r.raw.toString());
    const slowSid = r.body.api_response.sid;
    const early = await admin.get(`/api/v4/submission/report/${slowSid}/`);
    assert.equal(early.status, 425);
    assert.equal(early.body.api_error_message, `It is too early to generate the report. Submission ID ${slowSid} is incomplete.`);
    assert.equal(early.body.api_response, '');
    await waitCompleted(admin, slowSid);
    assert.equal((await admin.get(`/api/v4/submission/report/${slowSid}/`)).status, 200);
  });

  it('refuses a reader outside the submission\'s groups and serves one inside them', async () => {
    const outsider = await reader(s, 'outsider', ['OTHER']);
    const denied = await outsider.get(`/api/v4/submission/report/${sid}/`);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.api_error_message, 'You are not allowed to view the data of this submission');
    assert.equal(denied.body.api_response, '');
    const colleague = await reader(s, 'colleague', ['USERS']);
    const ok = await colleague.get(`/api/v4/submission/report/${sid}/`);
    assert.equal(ok.status, 200, ok.raw.toString());
    assert.equal(ok.body.api_response.sid, sid);
  });
});

describe('heuristic statistics', () => {
  let s: TestServer;
  let admin: Client;

  before(async () => {
    s = await startAnalysisServer();
    admin = await adminClient(s);
    await submitBundle(admin);
  });
  after(() => s.stop());

  it('gives count, min, avg, max and sum of the scores of the results raising each heuristic', async () => {
    const r = await admin.get('/api/v4/heuristics/stats/');
    assert.equal(r.status, 200, r.raw.toString());
    const stats = r.body.api_response as Array<Record<string, unknown>>;
    const byId = new Map(stats.map((x) => [x.heur_id, x]));
    assert.deepEqual([...byId.keys()], ['DISPATCHER.1', 'SCORER.1', 'SCORER.2', 'SCORER.3', 'SIGMA.1'], 'the whole catalogue, the dispatcher heuristic included, sorted');
    const evil = byId.get('SCORER.1')!;
    assert.deepEqual({ count: evil.count, min: evil.min, avg: evil.avg, max: evil.max, sum: evil.sum, name: evil.name }, { count: 1, min: 1000, avg: 1000, max: 1000, sum: 1000, name: 'Evil marker' });
    assert.match(String(evil.first_hit), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const rule = byId.get('SIGMA.1')!;
    assert.deepEqual([rule.count, rule.min, rule.max, rule.avg], [1, 400, 400, 400]);
    const unused = byId.get('SCORER.2')!;
    assert.deepEqual({ count: unused.count, min: unused.min, avg: unused.avg, max: unused.max, sum: unused.sum, first_hit: unused.first_hit, last_hit: unused.last_hit }, { count: 0, min: 0, avg: 0, max: 0, sum: 0, first_hit: null, last_hit: null });
    assert.equal(evil.classification, 'TLP:C');
  });

  it('takes precedence over the heuristic-by-id route', async () => {
    const one = await admin.get('/api/v4/heuristics/SCORER.1/');
    assert.equal(one.status, 200);
    assert.equal(one.body.api_response.heur_id, 'SCORER.1');
  });
});
