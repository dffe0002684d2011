// The worked example of docs/architecture.md ("Adding an analyser") is real code: this test takes the block from
// the document, installs it as an analyser in a services directory of its own, and runs a script through a real
// server. If the SDK or the runtime changes under the example, this fails and the document gets fixed.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ServiceModule } from '../../src/sdk/index.js';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../helpers/server.js';
import { runOn, tempDir } from '../helpers/service.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const MARKER = '// src/services/long-lines/index.ts\n';

/** The example's source, with its SDK import pointed at this checkout's SDK. */
function exampleSource(): string {
  const doc = readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8');
  const start = doc.indexOf('```ts\n' + MARKER);
  assert.ok(start >= 0, 'the worked example is in docs/architecture.md');
  const code = doc.slice(start + 6, doc.indexOf('\n```', start));
  const sdk = pathToFileURL(join(repoRoot, 'src/sdk/index.js')).href;
  assert.ok(code.includes("'../../sdk/index.js'"), 'the example imports the SDK as a built-in analyser does');
  return code.replace("'../../sdk/index.js'", `'${sdk}'`);
}

/** A small decoder with one 12,000-character line: the shape obfuscated droppers have. */
const SCRIPT = [
  'function decode(s) {',
  '  var out = "";',
  '  for (var i = 0; i < s.length; i++) out += String.fromCharCode(s.charCodeAt(i) ^ 7);',
  '  return out;',
  '}',
  `var payload = "${'A'.repeat(12_000)}";`,
  'eval(decode(payload));',
  '',
].join('\n');

describe('docs: the worked analyser example', () => {
  let dir: { dir: string; cleanup: () => Promise<void> };
  let server: TestServer;

  before(async () => {
    dir = await tempDir('assay-example-');
    mkdirSync(join(dir.dir, 'services', 'long-lines'), { recursive: true });
    writeFileSync(join(dir.dir, 'services', 'long-lines', 'index.ts'), exampleSource());
    server = await startTestServer({ config: { services: { builtin: false, paths: [join(dir.dir, 'services')] } } });
  });
  after(async () => {
    await server?.stop();
    await dir?.cleanup();
  });

  it('analyses on its own: a short script gives nothing, a long line raises the heuristic', async () => {
    const mod = (await import(pathToFileURL(join(dir.dir, 'services', 'long-lines', 'index.ts')).href)) as ServiceModule;
    assert.deepEqual((await runOn(mod.execute, dir.dir, 'a.js', 'code/javascript', 'ok();\n', { max_line: 10_000 })).sections, []);
    const out = await runOn(mod.execute, dir.dir, 'b.js', 'code/javascript', SCRIPT, { max_line: 10_000 });
    assert.deepEqual(out.sections.map((s) => [s.title, s.body, s.heuristic?.id]), [['Very long line', { longest_line: 12_017, limit: 10_000 }, 1]]);
  });

  it('can import the SDK as the package export `assay/sdk`, as analysers outside the tree do', async () => {
    const built = (await import('assay/sdk')) as Record<string, unknown>;
    const source = (await import('../../src/sdk/index.js')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(built).sort(), Object.keys(source).sort());
  });

  it('is found, run and scored by the server, as the document says', async () => {
    const services = await call(server.url, '/api/v4/service/all/', { headers: adminHeaders });
    assert.ok((services.body.api_response as Array<{ name: string }>).some((s) => s.name === 'LongLines'));
    const submitted = await call(server.url, '/api/v4/submit/', {
      method: 'POST',
      headers: adminHeaders,
      json: { name: 'dropper.js', plaintext: SCRIPT, params: { services: { selected: ['LongLines'] } } },
    });
    assert.equal(submitted.status, 200);
    const sid = submitted.body.api_response.sid as string;
    await waitForSubmission(server.url, sid, 60_000);
    const full = (await call(server.url, `/api/v4/submission/full/${sid}/`, { headers: adminHeaders })).body.api_response;
    const result = Object.values(full.results as Record<string, any>).find((r) => r.response.service_name === 'LongLines');
    assert.ok(result, 'a LongLines result');
    assert.equal(result.result.score, 100);
    assert.equal(result.result.sections[0].heuristic.heur_id, 'LONGLINES.1');
    assert.equal(full.max_score, 100);
  });
});
