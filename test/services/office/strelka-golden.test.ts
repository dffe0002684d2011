// The Office analyser on the Office files of the strelka fixture corpus, compared with golden outputs kept under
// golden/ (sections, tags, heuristics, and the hash of every extracted file). `UPDATE_GOLDEN=1` rewrites them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ServiceOutput } from '../../../src/sdk/index.js';
import { execute } from '../../../src/services/office/index.js';
import { heuristicIds, runOn, tempDir } from '../../helpers/service.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = resolve(root, '../shared/corpus/strelka-fixtures');
const isCI = process.env.CI === 'true';

// File, type label, service configuration. The encrypted fixtures were saved with "Password1!" (test_password.*)
// and "aaa" (test_password_brute.*, which the candidates must not find).
const CASES: Array<[string, string, Record<string, unknown>, Array<number | string>]> = [
  ['test.doc', 'document/office/word', {}, []],
  ['test_classic.doc', 'document/office/word', {}, []],
  ['test.docx', 'document/office/word', {}, []],
  ['test.xls', 'document/office/excel', {}, [33, 51, 30, 27]],
  ['test_pe_object.doc', 'document/office/word', {}, [29]],
  ['test_pe_object_classic.doc', 'document/office/word', {}, [29]],
  ['test_password.doc', 'document/office/passwordprotected', { passwords: ['infected', 'Password1!'] }, [101]],
  ['test_password.docx', 'document/office/passwordprotected', { passwords: ['Password1!'] }, [101]],
  ['test_password_brute.doc', 'document/office/passwordprotected', { passwords: ['infected', 'password'] }, [102]],
  ['test_password_brute.docx', 'document/office/passwordprotected', { passwords: ['infected'] }, [102]],
];

function stable(out: ServiceOutput): unknown {
  return JSON.parse(JSON.stringify({
    sections: out.sections,
    extracted: (out.extracted ?? []).map((e) => ({ name: e.name, description: e.description, sha256: createHash('sha256').update(readFileSync(e.path)).digest('hex') })),
    partial: out.partial ?? false,
  }));
}

let scratch: { dir: string; cleanup: () => Promise<void> };
before(async () => { scratch = await tempDir('office-golden-'); });
after(async () => { await scratch.cleanup(); });

describe('strelka Office fixtures', () => {
  for (const [file, type, config, expected] of CASES) {
    it(`${file} matches its golden output`, async (t) => {
      const path = join(fixtures, file);
      if (!existsSync(path)) {
        if (isCI) assert.fail(`fixture missing: ${path}`);
        t.skip('fixture corpus not present');
        return;
      }
      const out = await runOn(execute, scratch.dir, file, type, readFileSync(path), config);
      const ids = heuristicIds(out);
      for (const id of expected) assert.ok(ids.includes(id), `${file}: heuristic ${id} in ${ids.join(',')}`);
      const golden = join(here, 'golden', `${file}.json`);
      const actual = stable(out);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) {
        if (isCI && !existsSync(golden)) assert.fail(`golden file missing: ${golden}`);
        writeFileSync(golden, `${JSON.stringify(actual, null, 2)}\n`);
        return;
      }
      assert.deepEqual(actual, JSON.parse(readFileSync(golden, 'utf8')));
    });
  }

  it('extracts the executable of the embedded Package object', async (t) => {
    const path = join(fixtures, 'test_pe_object.doc');
    if (!existsSync(path)) {
      if (isCI) assert.fail(`fixture missing: ${path}`);
      return t.skip('fixture corpus not present');
    }
    const out = await runOn(execute, scratch.dir, 'test_pe_object.doc', 'document/office/word', readFileSync(path));
    const exe = out.extracted?.find((e) => e.name === 'test.exe');
    assert.ok(exe);
    assert.equal(readFileSync(exe.path).subarray(0, 2).toString(), 'MZ');
  });
});
