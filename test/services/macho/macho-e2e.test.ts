// A universal Mach-O through the real server: each slice is extracted as a child, identified as Mach-O and
// analysed on its own (here: both slices are unsigned executables), while the container only lists them.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../../helpers/server.js';
import { readSample } from '../../helpers/yarax-samples.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = resolve(root, '../shared/corpus/yarax-modules/macho');

describe('universal Mach-O end to end', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
  });
  after(() => s.stop());

  it('extracts and analyses both slices', { timeout: 180_000 }, async () => {
    const bytes = await readSample(join(corpus, 'tiny_universal'));
    const r = await call(s.url, '/api/v4/submit/', { method: 'POST', headers: adminHeaders, json: { name: 'tiny_universal', base64: bytes.toString('base64') } });
    assert.equal(r.status, 200, r.text);
    const sid = r.body.api_response.sid;
    const sub = await waitForSubmission(s.url, sid, 120_000);
    assert.equal(sub.state, 'completed');
    const tree = (await call(s.url, `/api/v4/submission/tree/${sid}/`, { headers: adminHeaders })).body.api_response.tree;
    const [top] = Object.values(tree) as any[];
    assert.equal(top.type, 'executable/mach-o');
    const children = Object.entries(top.children) as Array<[string, any]>;
    assert.deepEqual(children.map(([, c]) => c.name[0]).sort(), ['tiny_universal.x86.0', 'tiny_universal.x86_64.1']);
    for (const [sha, child] of children) {
      assert.equal(child.type, 'executable/mach-o');
      const file = (await call(s.url, `/api/v4/submission/${sid}/file/${sha}/`, { headers: adminHeaders })).body.api_response;
      const macho = file.results.find((x: any) => x.response.service_name === 'MachO');
      assert.ok(macho, `MachO ran on ${child.name[0]}`);
      assert.equal(macho.result.sections[0].title_text, 'Mach-O header');
      const heuristics = macho.result.sections.flatMap((x: any) => (x.heuristic ? [x.heuristic.heur_id] : []));
      assert.ok(heuristics.includes('MACHO.2'), `unsigned slice: ${heuristics}`);
    }
  });
});
