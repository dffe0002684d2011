// The analysers' golden tests: each analyser's execute runs on every input of testdata/<analyser>/, the way the
// runtime would call it, and its result, made machine-independent, must equal the input's `.out` file.
// UPDATE_GOLDEN=1 rewrites the `.out` files after an intended change; testdata/README.md describes the layout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ExecuteFn } from '../src/sdk/index.js';
import * as characterize from '../src/services/characterize/index.js';
import * as elf from '../src/services/elf/index.js';
import * as email from '../src/services/email/index.js';
import * as frankenstrings from '../src/services/frankenstrings/index.js';
import * as macho from '../src/services/macho/index.js';
import * as office from '../src/services/office/index.js';
import * as pdf from '../src/services/pdf/index.js';
import * as pe from '../src/services/pe/index.js';
import * as scripts from '../src/services/scripts/index.js';
import { checkGolden, IN_CI, stableOutput } from './helpers/golden.js';
import { peSummary } from './helpers/pe-summary.js';
import { runOn, tempDir } from './helpers/service.js';
import { analyserFolders, inputAvailable, listInputs, readInput } from './helpers/testdata.js';

interface GoldenAnalyser {
  execute: ExecuteFn;
  /**
   * A second, declared projection recorded in `.out` under "parser" next to the analyser's "output": what the
   * analyser's parser reads from the input, for facts the report does not show.
   */
  parser?: (input: Buffer) => unknown;
}

const ANALYSERS: Record<string, GoldenAnalyser> = {
  characterize: { execute: characterize.execute },
  elf: { execute: elf.execute },
  email: { execute: email.execute },
  frankenstrings: { execute: frankenstrings.execute },
  macho: { execute: macho.execute },
  office: { execute: office.execute },
  pdf: { execute: pdf.execute },
  pe: { execute: pe.execute, parser: peSummary },
  scripts: { execute: scripts.execute },
};

/** Folders of testdata/ with golden files of another kind, and the test that checks them. */
const CHECKED_ELSEWHERE: Record<string, string> = { identify: 'test/core/identify/golden.test.ts' };

let scratch: Awaited<ReturnType<typeof tempDir>>;
before(async () => { scratch = await tempDir('assay-golden-'); });
after(() => scratch.cleanup());

it('testdata/ has a folder for each analyser here and no other', () => {
  const known = [...Object.keys(ANALYSERS), ...Object.keys(CHECKED_ELSEWHERE)].sort();
  assert.deepEqual(analyserFolders(), known);
});

for (const [name, analyser] of Object.entries(ANALYSERS)) {
  describe(`golden: ${name}`, () => {
    const { inputs, problems } = listInputs(name);

    it('every .out and task.json entry belongs to an input', () => {
      assert.deepEqual(problems, []);
      assert.ok(inputs.length > 0, 'no inputs');
    });

    for (const input of inputs) {
      it(input.name, async (t) => {
        if (!inputAvailable(input)) {
          if (IN_CI) assert.fail(`corpus sample missing: ${input.pointer!.path}`);
          t.skip('corpus not present');
          return;
        }
        const bytes = await readInput(input);
        const out = await runOn(analyser.execute, scratch.dir, input.name, input.task.type, bytes, input.task.config);
        const result = { output: stableOutput(out), ...(analyser.parser ? { parser: analyser.parser(bytes) } : {}) };
        if (checkGolden(input.outPath, result)) t.diagnostic(`wrote ${input.name}.out`);
      });
    }
  });
}
