// Scripts on the strelka fixture scripts, compared with golden outputs (regenerate with UPDATE_GOLDEN=1 after
// reviewing the change): sections with their heuristics and tags, and the extracted child by content hash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { execute } from '../../../src/services/scripts/index.js';
import type { ServiceOutput } from '../../../src/sdk/index.js';
import { runFile, tempDir } from '../../helpers/service.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/strelka-fixtures/', import.meta.url));
// The type-label oracle's samples add a real PowerShell script.
const AL_SAMPLES = fileURLToPath(new URL('../../../../shared/corpus/al-identify/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));

const FIXTURES: Array<[string, string]> = [
  ['test.bat', 'code/batch'], ['test.js', 'code/javascript'], ['test.vba', 'code/vbs'], ['test.html', 'code/html'],
  ['test_hyperlinks.html', 'code/html'], ['test_whitespace.html', 'code/html'],
  [`${AL_SAMPLES}powershell.ps1`, 'code/ps1'], [`${AL_SAMPLES}javascript.js`, 'code/javascript'],
];

function summary(out: ServiceOutput): unknown {
  return {
    sections: out.sections.map((s) => ({ title: s.title, depth: s.depth ?? 0, heuristic: s.heuristic ?? null, tags: s.tags ?? {}, body: s.body ?? null })),
    extracted: (out.extracted ?? []).map((e) => ({ name: e.name, sha256: createHash('sha256').update(readFileSync(e.path)).digest('hex') })),
    partial: out.partial ?? false,
  };
}

describe('Scripts golden outputs on strelka fixtures', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir('assay-scripts-golden-');
  });
  after(() => dir.cleanup());

  for (const [file, type] of FIXTURES) {
    const name = file.split('/').pop()!;
    it(`${name} (${type})`, async () => {
      const out = await runFile(execute, file.startsWith('/') ? file : CORPUS + file, dir.dir, name, type);
      const got = summary(out);
      const path = `${GOLDEN}${name}.json`;
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, `${JSON.stringify(got, null, 2)}\n`);
      assert.ok(existsSync(path), `no golden output for ${name}: run with UPDATE_GOLDEN=1`);
      assert.deepEqual(got, JSON.parse(readFileSync(path, 'utf8')));
    });
  }

  it('the fixtures say what they should', async () => {
    // Independent of the golden files: the VBA macro's PowerShell downloads and starts what it fetched.
    const vba = await runFile(execute, `${CORPUS}test.vba`, dir.dir, 'test.vba', 'code/vbs');
    const ids = vba.sections.flatMap((s) => (s.heuristic ? [s.heuristic.id] : []));
    assert.ok(ids.includes(2) && ids.includes(4), JSON.stringify(ids));
    assert.ok(vba.sections.some((s) => s.tags?.['network.static.uri']?.includes('https://www.test.com/test.bat')));
    // Plain, unobfuscated scripts yield no child.
    const bat = await runFile(execute, `${CORPUS}test.bat`, dir.dir, 'test.bat', 'code/batch');
    assert.equal(bat.extracted, undefined);
  });
});
