// The encoded PowerShell download cradle end to end: ingested as a .ps1 through the real server with the
// built-in analysers, it lands in the malicious band and the file tree shows the deobfuscated script.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ingestAndWait, pythonClientSession } from '../../helpers/raw.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../../helpers/server.js';
import { powershellOneLiner } from './samples.js';

describe('Scripts through the real pipeline', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
  });
  after(() => s.stop());

  it('scores the encoded hidden download cradle as malicious', { timeout: 180_000 }, async () => {
    const client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
    const msg = await ingestAndWait(client, 'update.ps1', Buffer.from(powershellOneLiner()), 'scripts', 120000);
    assert.ok(msg.score >= 1000, `score ${msg.score}`);

    const sid = msg.submission.sid;
    const tree = (await client.get(`/api/v4/submission/tree/${sid}/`)).body.api_response.tree;
    const [[rootSha, root]] = Object.entries(tree) as Array<[string, any]>;
    assert.equal(root.type, 'code/ps1');
    const children = Object.values(root.children) as any[];
    assert.ok(children.some((c) => c.name.includes('update.deobfuscated.ps1')), JSON.stringify(children.map((c) => c.name)));

    const file = (await client.get(`/api/v4/submission/${sid}/file/${rootSha}/`)).body.api_response;
    const scripts = file.results.find((x: any) => x.response.service_name === 'Scripts');
    assert.ok(scripts, 'Scripts analysed the file');
    assert.ok(scripts.result.score >= 1000, `Scripts score ${scripts.result.score}`);
    const heurs = scripts.result.sections.flatMap((x: any) => (x.heuristic ? [x.heuristic.heur_id] : []));
    for (const h of ['SCRIPTS.1', 'SCRIPTS.2', 'SCRIPTS.11']) assert.ok(heurs.includes(h), `${h} in ${heurs.join(',')}`);
    const uris = scripts.result.sections.flatMap((x: any) => x.tags.filter((t: any) => t.type === 'network.static.uri').map((t: any) => t.value));
    assert.ok(uris.includes('http://evil.example.com/a.ps1'));
  });
});
