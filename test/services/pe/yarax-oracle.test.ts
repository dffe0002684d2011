// The PE parser against YARA-X's pe module: for every sample of YARA-X's own test suite, each field both
// report (headers, sections, imports and the imphash built from them, exports, rich header, resources,
// version info, PDB path, overlay, signatures with the recomputed Authenticode digest) must agree. The analyser
// itself must also produce a valid result on every sample, most of which are real, often malformed, malware.
// On the PE inputs of the golden tests (testdata/pe/), YARA-X runs live and confirms the imphash, entry point,
// sections, resources, rich header and overlay the parser reads.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { yarax } from '../../../src/sdk/yarax.js';
import { execute, manifest, parsePe } from '../../../src/services/pe/index.js';
import { runFile } from '../../helpers/service.js';
import { inputAvailable, listInputs, readInput } from '../../helpers/testdata.js';
import { parseYaraxOut } from '../../helpers/yarax-out.js';
import { readSample, unzipSingle } from '../../helpers/yarax-samples.js';
import { compareWithYarax } from './compare.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = resolve(root, '../shared/corpus/yarax-modules/pe');
const haveCorpus = existsSync(dir);
const isCI = process.env.CI === 'true';
const samples = haveCorpus ? readdirSync(dir).filter((f) => f.endsWith('.out')).map((f) => f.slice(0, -4)).sort() : [];

describe('PE parser agrees with the YARA-X module outputs', () => {
  let scratch = '';
  before(async () => { scratch = await mkdtemp(join(tmpdir(), 'pe-yarax-')); });
  after(async () => { await rm(scratch, { recursive: true, force: true }); });

  it('declares a valid manifest taking Windows PE labels only', () => {
    validateManifest(manifest);
    const takes = (label: string) => new RegExp(`^(?:${manifest.accepts})`).test(label) && !new RegExp(`^(?:${manifest.rejects})`).test(label);
    for (const label of ['executable/windows/pe32', 'executable/windows/pe64', 'executable/windows/dll32', 'executable/windows/dll64', 'executable/windows/dotnet', 'executable/windows/pe']) {
      assert.ok(takes(label), label);
    }
    for (const label of ['executable/windows/dos', 'executable/windows/com', 'executable/linux/elf64', 'document/pdf']) assert.ok(!takes(label), label);
    assert.equal(manifest.stage, 'CORE');
    assert.equal(manifest.category, 'Static Analysis');
    for (const h of manifest.heuristics) for (const id of h.attack ?? []) assert.match(id, /^T\d{4}(\.\d{3})?$/, `heuristic ${h.id}`);
    assert.deepEqual(manifest.heuristics.find((h) => h.id === 103)?.attack, ['T1055']);
  });

  it('has the corpus', (t) => {
    if (!haveCorpus) {
      if (isCI) assert.fail(`corpus missing at ${dir}`);
      t.skip('corpus not present');
      return;
    }
    assert.equal(samples.length, 50);
  });

  const agreeing: string[] = [];
  for (const name of samples) {
    it(`${name.slice(0, 16)}: every field agrees`, async () => {
      const bytes = await readSample(join(dir, name));
      const theirs = parseYaraxOut(readFileSync(join(dir, `${name}.out`), 'utf8'));
      const pe = parsePe(bytes);
      assert.equal(theirs.is_pe, true);
      assert.ok(pe.isPe, 'parsed as PE');
      const { diffs, checked } = compareWithYarax(pe, theirs);
      assert.ok(checked >= 30, `only ${checked} fields compared`);
      assert.deepEqual(diffs, []);
      agreeing.push(name);
      // The service result for the same bytes passes the runtime's output and tag checks.
      const file = join(scratch, name);
      await writeFile(file, bytes);
      const out = await runFile(execute, file, await mkdtemp(join(scratch, 'w-')), `${name}.exe`, 'executable/windows/pe32');
      assert.ok(out.sections.some((s) => s.title === 'PE: Header'));
    });
  }

  it('an empty file (which YARA-X reports as no PE) is not a PE and does not crash', async (t) => {
    const zip = join(dir, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.zip');
    if (!existsSync(zip)) {
      if (isCI) assert.fail('empty sample missing');
      t.skip('corpus not present');
      return;
    }
    const bytes = await unzipSingle(zip);
    assert.equal(bytes.length, 0);
    const pe = parsePe(bytes);
    assert.equal(pe.isPe, false);
    const file = join(scratch, 'empty');
    await writeFile(file, bytes);
    const out = await runFile(execute, file, await mkdtemp(join(scratch, 'w-')), 'empty.exe', 'executable/windows/pe32');
    assert.equal(out.sections[0].heuristic?.id, 7);
  });

  it('reports how many samples agree fully', (t) => {
    if (!haveCorpus) { t.skip('corpus not present'); return; }
    t.diagnostic(`${agreeing.length}/${samples.length} YARA-X samples agree on every compared field`);
    assert.equal(agreeing.length, samples.length);
  });
});

describe('YARA-X confirms the parser on the PE inputs of the golden tests', () => {
  for (const input of listInputs('pe').inputs) {
    it(input.name, async (t) => {
      if (!inputAvailable(input)) {
        if (isCI) assert.fail(`corpus sample missing: ${input.pointer?.path}`);
        t.skip('corpus not present');
        return;
      }
      const bytes = await readInput(input);
      const pe = parsePe(bytes);
      assert.ok(pe.isPe, `${input.name} is a PE`);
      const conds = [
        `pe.number_of_sections == ${pe.sections.length}`, `pe.timestamp == ${pe.coff.timestamp}`,
        `pe.number_of_resources == ${pe.resources?.resources.length ?? 0}`,
        `pe.overlay.size == ${pe.overlay?.size ?? 0}`,
        pe.entryPoint !== undefined ? `pe.entry_point == ${pe.entryPoint}` : 'true',
        pe.imphash ? `pe.imphash() == "${pe.imphash}"` : 'pe.number_of_imports == 0',
        pe.rich ? `hash.md5(pe.rich_signature.clear_data) == "${pe.rich.hash}"` : 'true',
        ...pe.sections.map((s, i) => `pe.sections[${i}].raw_data_size == ${s.rawSize} and pe.sections[${i}].virtual_address == ${s.virtualAddress}`),
      ];
      const rule = `import "pe"\nimport "hash"\nrule same { condition: ${conds.join(' and\n ')} }`;
      const matches = yarax().compile(rule).scan(Buffer.from(bytes));
      assert.deepEqual(matches.map((m) => m.ruleIdentifier), ['same'], rule);
    });
  }
});
