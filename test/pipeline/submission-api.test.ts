// Submission and result APIs on a real analysis: a zip whose member carries a domain and an evil marker.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { ROOT } from '../helpers/cli.js';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('submission and result APIs', () => {
  let s: TestServer;
  let sid: string;
  let zipSha: string;
  let memberSha: string;

  before(async () => {
    s = await startTestServer({ config: { services: { paths: [join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 } } });
    const w = new ZipWriter(new Uint8ArrayWriter());
    await w.add('docs/readme.txt', new Uint8ArrayReader(Buffer.from('beacon to c2.example, EVIL inside')));
    const zip = Buffer.from(await w.close());
    const r = await call(s.url, '/api/v4/submit/', {
      method: 'POST',
      headers: adminHeaders,
      json: { name: 'bundle.zip', base64: zip.toString('base64'), metadata: { source: 'test' } },
    });
    assert.equal(r.status, 200, r.text);
    sid = r.body.api_response.sid;
    zipSha = r.body.api_response.files[0].sha256;
    for (let i = 0; i < 200; i++) {
      if ((await call(s.url, `/api/v4/submission/is_completed/${sid}/`, { headers: adminHeaders })).body.api_response === true) break;
      await sleep(100);
    }
  });
  after(() => s.stop());

  it('returns the full submission with tree, file infos and formatted results', async () => {
    const r = await call(s.url, `/api/v4/submission/full/${sid}/`, { headers: adminHeaders });
    assert.equal(r.status, 200, r.text);
    const full = r.body.api_response;
    assert.equal(full.state, 'completed');
    assert.equal(full.max_score, 1000);
    assert.equal(full.file_count, 2);
    assert.deepEqual(full.metadata, { source: 'test' });
    const root = full.file_tree[zipSha];
    assert.deepEqual(root.name, ['bundle.zip']);
    assert.equal(root.type, 'archive/zip');
    const [childSha, child] = Object.entries(root.children)[0] as [string, { name: string[]; score: number; type: string }];
    memberSha = childSha;
    assert.deepEqual(child.name, ['docs/readme.txt']);
    assert.equal(child.score, 1000);
    assert.deepEqual(Object.keys(full.file_infos).sort(), [zipSha, memberSha].sort());
    assert.deepEqual(full.missing_result_keys, []);
    const keys = Object.keys(full.results);
    assert.equal(keys.length, full.results.length ?? keys.length);
    const scorer = Object.values(full.results).find((x: any) => x.sha256 === memberSha && x.response.service_name === 'Scorer') as any;
    assert.ok(scorer, 'Scorer result of the member');
    assert.equal(scorer.result.score, 1000);
    const sec = scorer.result.sections[0];
    assert.equal(sec.heuristic.heur_id, 'SCORER.1');
    assert.equal(sec.heuristic.name, 'Evil marker');
    assert.deepEqual(sec.body, { type: child.type, size: 33 }, 'structured bodies come back parsed');
    assert.deepEqual(sec.tags, [{ type: 'network.static.domain', value: 'c2.example', short_type: 'domain', safelisted: false }]);
  });

  it('summarises tags, heuristics and the ATT&CK matrix', async () => {
    const r = await call(s.url, `/api/v4/submission/summary/${sid}/`, { headers: adminHeaders });
    assert.equal(r.status, 200, r.text);
    const sum = r.body.api_response;
    assert.deepEqual(sum.tags.ioc['network.static.domain'].map((t: unknown[]) => t[0]), ['c2.example']);
    assert.ok(sum.map[memberSha].includes('network.static.domain__c2.example'));
    assert.ok(sum.map['network.static.domain__c2.example'].includes(memberSha));
    assert.ok(sum.heuristics.malicious.some((h: string[]) => h[0] === 'SCORER.1'));
    assert.ok(Object.values(sum.attack_matrix).flat().some((a: any) => a[0] === 'T1059'));
  });

  it('serves the tree, one file, results by key and several keys at once', async () => {
    const tree = await call(s.url, `/api/v4/submission/tree/${sid}/`, { headers: adminHeaders });
    assert.deepEqual(Object.keys(tree.body.api_response.tree), [zipSha]);
    const file = await call(s.url, `/api/v4/submission/${sid}/file/${memberSha}/`, { headers: adminHeaders });
    assert.equal(file.status, 200);
    assert.equal(file.body.api_response.file_info.sha256, memberSha);
    assert.ok(file.body.api_response.results.length >= 1);
    assert.ok(file.body.api_response.heuristics.malicious);
    const sub = (await call(s.url, `/api/v4/submission/${sid}/`, { headers: adminHeaders })).body.api_response;
    const key = sub.results.find((k: string) => k.startsWith(memberSha) && k.includes('.Scorer.'));
    const one = await call(s.url, `/api/v4/result/${key}/`, { headers: adminHeaders });
    assert.equal(one.status, 200);
    assert.equal(one.body.api_response.sha256, memberSha);
    assert.ok(Array.isArray(one.body.api_response.section_hierarchy));
    const many = await call(s.url, '/api/v4/result/multiple_keys/', { method: 'POST', headers: adminHeaders, json: { result: sub.results, error: [] } });
    assert.deepEqual(Object.keys(many.body.api_response.result).sort(), [...sub.results].sort());
    const missing = await call(s.url, `/api/v4/result/${memberSha}.Nope.v1.c0/`, { headers: adminHeaders });
    assert.equal(missing.status, 404);
    const list = await call(s.url, '/api/v4/submission/list/user/admin/', { headers: adminHeaders });
    assert.equal(list.body.api_response.total, 1);
    assert.equal(list.body.api_response.items[0].sid, sid);
  });

  it('reuses cached results for the same file', async () => {
    const again = await call(s.url, '/api/v4/submit/', { method: 'POST', headers: adminHeaders, json: { name: 'again.zip', sha256: zipSha } });
    assert.equal(again.status, 200, again.text);
    const sid2 = again.body.api_response.sid;
    const sub = await waitForSubmission(s.url, sid2, 10_000, 100);
    const first = (await call(s.url, `/api/v4/submission/${sid}/`, { headers: adminHeaders })).body.api_response;
    assert.deepEqual([...sub.results].sort(), [...first.results].sort(), 'same result keys: served from cache');
    assert.equal(sub.max_score, 1000);
  });

  it('serves file results, score and children across submissions', async () => {
    const fr = await call(s.url, `/api/v4/file/result/${zipSha}/`, { headers: adminHeaders });
    assert.equal(fr.status, 200, fr.text);
    assert.deepEqual(fr.body.api_response.childrens, [{ sha256: memberSha, name: 'docs/readme.txt' }]);
    assert.deepEqual(fr.body.api_response.results.map((r: any) => r.response.service_name).sort(), ['Scorer', 'Unzipper']);
    const children = await call(s.url, `/api/v4/file/children/${zipSha}/`, { headers: adminHeaders });
    assert.deepEqual(children.body.api_response, [{ sha256: memberSha, name: 'docs/readme.txt' }]);
    const score = await call(s.url, `/api/v4/file/score/${memberSha}/`, { headers: adminHeaders });
    assert.equal(score.body.api_response.score, 1000);
    const one = await call(s.url, `/api/v4/file/result/${memberSha}/Scorer/`, { headers: adminHeaders });
    assert.equal(one.body.api_response.results.length, 1);
  });

  it('describes services, heuristics, configuration and constants', async () => {
    const all = await call(s.url, '/api/v4/service/all/', { headers: adminHeaders });
    assert.deepEqual(all.body.api_response.map((x: any) => x.name), ['Scorer', 'Unzipper']);
    const one = await call(s.url, '/api/v4/service/Unzipper/', { headers: adminHeaders });
    assert.equal(one.body.api_response.stage, 'EXTRACT');
    assert.equal(one.body.api_response.accepts, 'archive/zip');
    assert.equal((await call(s.url, '/api/v4/service/Nope/', { headers: adminHeaders })).status, 404);
    const h = await call(s.url, '/api/v4/heuristics/SCORER.1/', { headers: adminHeaders });
    assert.equal(h.body.api_response.score, 1000);
    assert.deepEqual(h.body.api_response.attack_id, ['T1059']);
    // Statistics over the stored results that raised it: at least the member's 1000-point result.
    const st = h.body.api_response.stats;
    assert.ok(st.count >= 1 && st.max === 1000 && st.last_hit, JSON.stringify(st));
    const cfg = await call(s.url, '/api/v4/help/configuration/', { headers: adminHeaders });
    assert.equal(cfg.body.api_response['submission.max_file_size'], s.config.submission.maxFileSize);
    assert.deepEqual(cfg.body.api_response['services.stages'].find((x: any) => x[0] === 'EXTRACT'), ['EXTRACT', ['Unzipper']]);
    const constants = await call(s.url, '/api/v4/help/constants/', { headers: adminHeaders });
    assert.equal(constants.body.api_response.max_priority, 1500);
    assert.deepEqual(constants.body.api_response.file_types[0], ['*', ['Scorer']]);
    assert.deepEqual(constants.body.api_response.file_types.find((x: any) => x[0] === 'archive/zip'), ['archive/zip', ['Unzipper']]);
    assert.ok(constants.body.api_response.tag_types.includes('network.static.domain'));
  });

  it('resubmits a submission and a file for dynamic analysis', async () => {
    const re = await call(s.url, `/api/v4/submit/resubmit/${sid}/`, { headers: adminHeaders });
    assert.equal(re.status, 200, re.text);
    assert.notEqual(re.body.api_response.sid, sid);
    assert.equal(re.body.api_response.params.description, 'Resubmit bundle.zip for analysis');
    assert.deepEqual(re.body.api_response.files, (await call(s.url, `/api/v4/submission/${sid}/`, { headers: adminHeaders })).body.api_response.files);
    const dyn = await call(s.url, `/api/v4/submit/dynamic/${zipSha}/?copy_sid=${sid}&name=bundle.zip`, { headers: adminHeaders });
    assert.equal(dyn.status, 200, dyn.text);
    const p = dyn.body.api_response.params;
    assert.ok(p.services.selected.includes('Dynamic Analysis'));
    assert.equal(p.description, 'Resubmit bundle.zip for Dynamic Analysis');
    assert.ok(p.priority >= 401);
    assert.equal(p.psid, sid);
    assert.equal((await call(s.url, `/api/v4/submit/dynamic/${'0'.repeat(64)}/`, { headers: adminHeaders })).status, 404);
    assert.equal((await call(s.url, '/api/v4/submit/resubmit/nope/', { headers: adminHeaders })).status, 404);
  });
});
