// Ontology downloads through a real server, requested the way the Python client requests them (repeated
// sha256=/service= parameters, a bare `all` flag) and read the way it reads them: split into lines, each JSON.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/server.js';
import { adminClient, MEMBER_TEXT, reader, sleep, startAnalysisServer, submitBundle, type Client } from '../report/support.js';

const lines = (raw: Buffer): any[] => raw.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('ontology downloads', () => {
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

  it('serves a submission as newline-delimited records in an attachment', async () => {
    const r = await admin.get(`/api/v4/ontology/submission/${sid}/`);
    assert.equal(r.status, 200, r.raw.toString());
    assert.equal(r.headers['content-type'], 'application/octet-stream');
    assert.equal(r.headers['content-disposition'], `attachment; filename=file.bin; filename*=UTF-8''submission_${sid}.ontology`);
    assert.ok(r.raw.toString('utf8').endsWith('\n'));
    const records = lines(r.raw);
    for (const rec of records) {
      assert.equal(rec.odm_type, 'Assemblyline Result Ontology');
      assert.equal(rec.odm_version, '1.10');
      assert.equal(rec.submission.sid, sid);
      assert.equal(rec.submission.submitter, 'admin');
      assert.equal(rec.submission.max_score, 1400);
      assert.equal(rec.submission.source_system, 'localhost');
      assert.equal(rec.submission.original_source, 'unit');
      assert.deepEqual(rec.submission.metadata, { source: 'test', original_source: 'unit' });
      assert.deepEqual(rec.submission.groups, ['USERS', 'ADMIN']);
      assert.equal(typeof rec.results.score, 'number');
    }
    const scorer = records.find((x) => x.file.sha256 === memberSha && x.service.name === 'Scorer');
    assert.deepEqual(scorer.service, { name: 'Scorer', version: '1.0.0', tool_version: '' });
    assert.deepEqual(
      { ...scorer.file, md5: undefined, sha1: undefined },
      { md5: undefined, sha1: undefined, sha256: memberSha, type: 'text/plain', size: MEMBER_TEXT.length, parent: zipSha },
      'an extracted file has its root as parent and no names',
    );
    assert.equal(scorer.file.md5, createHash('md5').update(MEMBER_TEXT).digest('hex'));
    assert.equal(scorer.file.sha1, createHash('sha1').update(MEMBER_TEXT).digest('hex'));
    assert.deepEqual(scorer.results.heuristics, [
      { heur_id: 'SCORER_1', score: 1000, times_raised: 1, name: 'Evil marker', tags: { 'network.static.domain': ['c2.example'] } },
    ]);
    assert.deepEqual(scorer.results.tags, { 'network.static.domain': ['c2.example'] });
    assert.equal(scorer.results.score, 1000);
    assert.deepEqual(scorer.results.other, { 'Marker check of docs/readme.txt': JSON.stringify({ type: 'text/plain', size: MEMBER_TEXT.length }) });
  });

  it('lists rule matches as signature parts with Assemblyline object ids', async () => {
    const records = lines((await admin.get(`/api/v4/ontology/submission/${sid}/?sha256=${memberSha}&service=Sigma`)).raw);
    assert.equal(records.length, 1);
    const sigma = records[0];
    assert.equal(sigma.results.score, 400);
    assert.deepEqual(sigma.results.heuristics[0], {
      heur_id: 'SIGMA_1', score: 100, times_raised: 1, name: 'Rule match',
      tags: { 'file.behavior': ['Registers a Winlogon helper'], 'attribution.family': ['TESTFAM'] },
    });
    // The scorer stored the technique bare (unknown to its table); the record names and places it.
    const attacks = [{ attack_id: 'T1547.004', pattern: 'Winlogon Helper DLL', categories: ['persistence', 'privilege-escalation'] }];
    assert.deepEqual(sigma.results.signature, [
      // Object ids computed with CPython from Assemblyline's fingerprint of {name, type}.
      { objectid: { tag: 'SIGMA.evil_rule', ontology_id: 'signature_4CAu7V4ONDkys4V4sqZB0N', service_name: 'Sigma' }, name: 'evil_rule', type: 'SIGMA', classification: 'TLP:C', attacks },
      { objectid: { tag: "SIGMA.it's_rule", ontology_id: 'signature_3gZJMLl4JBZKXncjAiTmFD', service_name: 'Sigma' }, name: "it's_rule", type: 'SIGMA', classification: 'TLP:C', attacks },
    ]);
  });

  it('prefers a service-written record and gives root files their submitted names', async () => {
    const records = lines((await admin.get(`/api/v4/ontology/submission/${sid}/?sha256=${zipSha}`)).raw);
    assert.ok(records.length >= 1);
    for (const rec of records) {
      assert.deepEqual(rec.file.names, ['bundle.zip']);
      assert.equal(rec.file.parent, undefined, 'a root file is its own parent, which is left out');
      assert.equal(rec.file.sha256, zipSha);
    }
    const sigma = records.find((x) => x.service.name === 'Sigma');
    assert.deepEqual(sigma.results.antivirus, [{ objectid: { tag: 'TestAV.Test.Clean', ontology_id: 'antivirus_test', service_name: 'Sigma' }, engine_name: 'TestAV', category: 'undetected' }]);
    assert.equal(sigma.results.score, 0, 'score taken from the result when the service gave none');
    assert.equal(sigma.submission.sid, sid);
    assert.equal(records.some((x) => x.service.name === 'Unzipper'), false, 'a result with nothing but text has no record');
  });

  it('filters by repeated sha256 and service parameters, and answers an empty body when nothing matches', async () => {
    const both = lines((await admin.get(`/api/v4/ontology/submission/${sid}/?service=Sigma&service=Scorer&sha256=${memberSha}&sha256=${zipSha}`)).raw);
    assert.deepEqual([...new Set(both.map((x) => x.service.name))].sort(), ['Scorer', 'Sigma']);
    const none = await admin.get(`/api/v4/ontology/submission/${sid}/?service=Nope`);
    assert.equal(none.status, 200);
    assert.equal(none.raw.length, 0);
  });

  it('serves a file across submissions: newest result per service, or all of them', async () => {
    const r = await admin.get(`/api/v4/ontology/file/${memberSha}/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-disposition'], `attachment; filename=file.bin; filename*=UTF-8''file_${memberSha}.ontology`);
    const records = lines(r.raw);
    assert.deepEqual(records.map((x) => x.service.name).sort(), ['Scorer', 'Sigma']);
    for (const rec of records) {
      assert.deepEqual(Object.keys(rec.submission).sort(), ['classification', 'date', 'source_system']);
      assert.equal(rec.file.names, undefined);
    }
    const all = lines((await admin.get(`/api/v4/ontology/file/${memberSha}/?all&service=Scorer`)).raw);
    assert.deepEqual(all.map((x) => x.service.name), ['Scorer']);
    assert.equal((await admin.get(`/api/v4/ontology/file/${'0'.repeat(64)}/`)).body.api_error_message, `There is no file with this hash: ${'0'.repeat(64)}`);
  });

  it('answers 404 for unknown submissions and alerts, and 403 to a reader outside the submission\'s groups', async () => {
    const missing = await admin.get('/api/v4/ontology/submission/NoSuchSubmission0001/');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.api_error_message, 'There is no submission with sid: NoSuchSubmission0001');
    const noAlert = await admin.get('/api/v4/ontology/alert/NoSuchAlert0001/');
    assert.equal(noAlert.status, 404);
    assert.equal(noAlert.body.api_error_message, 'There is no alert with this ID: NoSuchAlert0001');
    const outsider = await reader(s, 'outsider', ['OTHER']);
    const denied = await outsider.get(`/api/v4/ontology/submission/${sid}/`);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.api_error_message, `Your are not allowed get ontology files for this submission: ${sid}`);
    const colleague = await reader(s, 'colleague', ['USERS']);
    assert.equal((await colleague.get(`/api/v4/ontology/submission/${sid}/`)).status, 200);
  });

  it('serves the submission behind an alert with the alert\'s date and file as parent', async () => {
    const r = await admin.postMultipart('/api/v4/ingest/', [
      { name: 'json', value: JSON.stringify({ name: 'bad.txt', metadata: {}, type: 'AL_CLIENT', generate_alert: true, notification_queue: 'onto-q' }) },
      { name: 'bin', value: Buffer.from('EVIL payload calling home.example'), filename: 'bad.txt' },
    ]);
    assert.equal(r.status, 200, r.raw.toString());
    const alertId = r.body.api_response.ingest_id;
    let msgs: any[] = [];
    for (let i = 0; i < 300 && msgs.length === 0; i++) {
      msgs = (await admin.get('/api/v4/ingest/get_message_list/onto-q/')).body.api_response;
      if (!msgs.length) await sleep(100);
    }
    assert.equal(msgs.length, 1, 'ingest notified');
    let alert;
    for (let i = 0; i < 100; i++) {
      alert = await admin.get(`/api/v4/alert/${alertId}/`);
      if (alert.status === 200) break;
      await sleep(100);
    }
    assert.equal(alert!.status, 200);
    const got = await admin.get(`/api/v4/ontology/alert/${alertId}/?service=Scorer`);
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-disposition'], `attachment; filename=file.bin; filename*=UTF-8''alert_${alertId}.ontology`);
    const records = lines(got.raw);
    assert.equal(records.length, 1);
    assert.equal(records[0].submission.sid, alert!.body.api_response.sid);
    assert.equal(records[0].submission.date, alert!.body.api_response.ts);
    assert.deepEqual(records[0].file.names, ['bad.txt']);
    assert.equal(records[0].results.heuristics[0].heur_id, 'SCORER_1');
  });
});
