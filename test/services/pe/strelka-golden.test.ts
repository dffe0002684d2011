// The strelka fixture executables (plain, UPX-packed, XOR-obfuscated strings, zip overlay, a base64-wrapped
// PE): a golden JSON per sample under golden/ records what the parser and the analyser report, and YARA-X's pe
// module, run live on the same bytes, confirms the imphash, entry point, sections, resources, rich header and
// overlay in it. Set UPDATE_PE_GOLDEN=1 to rewrite the golden files after an intended change.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { yarax } from '../../../src/sdk/yarax.js';
import { execute, parsePe } from '../../../src/services/pe/index.js';
import type { PeInfo } from '../../../src/services/pe/parse.js';
import { languageName } from '../../../src/services/pe/report.js';
import { typeName } from '../../../src/services/pe/resources.js';
import { heuristicIds, runOn } from '../../helpers/service.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = resolve(root, '../shared/corpus/strelka-fixtures');
const goldenDir = fileURLToPath(new URL('./golden/', import.meta.url));
const haveFixtures = existsSync(fixtures);
const update = process.env.UPDATE_PE_GOLDEN === '1';

const SAMPLES: Array<{ file: string; decode?: 'base64' }> = [
  { file: 'test.exe' }, { file: 'test_upx.exe' }, { file: 'test_xor.exe' }, { file: 'test_overlay_zip.exe' },
  { file: 'test_pe.b64', decode: 'base64' },
];

const hexs = (n: number | bigint) => `0x${n.toString(16)}`;

function summary(pe: PeInfo) {
  return {
    machine: hexs(pe.coff.machine), is64: pe.is64, isDll: pe.isDll, timestamp: pe.coff.timestamp,
    entryPointRva: pe.optional ? hexs(pe.optional.entryPointRva) : null, entryPoint: pe.entryPoint ?? null,
    imageBase: pe.optional ? hexs(pe.optional.imageBase) : null, subsystem: pe.optional?.subsystem ?? null,
    linker: pe.optional ? `${pe.optional.linkerVersion.major}.${pe.optional.linkerVersion.minor}` : null,
    sections: pe.sections.map((s) => ({
      name: s.fullName ?? s.name, va: hexs(s.virtualAddress), vsize: hexs(s.virtualSize), raw: hexs(s.rawOffset),
      rawSize: hexs(s.rawSize), characteristics: hexs(s.characteristics), entropy: Math.round(s.entropy * 1000) / 1000, md5: s.md5,
    })),
    imports: Object.fromEntries(pe.imports.map((d) => [d.dll, d.functions.map((f) => f.name ?? `ord${f.ordinal}`)])),
    delayImports: Object.fromEntries(pe.delayImports.map((d) => [d.dll, d.functions.map((f) => f.name ?? `ord${f.ordinal}`)])),
    imphash: pe.imphash ?? null, importsSortedSha1: pe.importsSortedSha1 ?? null,
    exports: pe.exports ? { dll: pe.exports.dllName ?? null, functions: pe.exports.functions.map((f) => [f.ordinal, f.name ?? null]) } : null,
    resources: (pe.resources?.resources ?? []).map((r) => ({ type: typeName(r.type), name: r.name ?? null, language: languageName(r.language), size: r.size })),
    versionInfo: pe.versionInfo,
    rich: pe.rich ? { hash: pe.rich.hash, tools: pe.rich.tools.length } : null,
    pdb: pe.debug?.pdbPath ?? null,
    tlsCallbacks: pe.tls?.callbacks.length ?? null,
    dotnet: pe.dotnet?.metadataVersion ?? null,
    overlay: pe.overlay ?? null,
    signatures: pe.signatures.map((s) => ({ subject: s.signer?.subject ?? null, digestMatches: s.digestMatches })),
    errors: pe.errors,
  };
}

describe('PE analyser on the strelka fixtures (golden files)', () => {
  let scratch = '';
  before(async () => { scratch = await mkdtemp(join(tmpdir(), 'pe-strelka-')); });
  after(async () => { await rm(scratch, { recursive: true, force: true }); });

  for (const { file, decode } of SAMPLES) {
    it(`${file} matches its golden file and YARA-X`, async (t) => {
      if (!haveFixtures) {
        if (process.env.CI === 'true') assert.fail(`fixtures missing at ${fixtures}`);
        t.skip('fixtures not present');
        return;
      }
      const raw = readFileSync(join(fixtures, file));
      const bytes = decode === 'base64' ? Buffer.from(raw.toString('latin1'), 'base64') : raw;
      const pe = parsePe(bytes);
      assert.ok(pe.isPe, `${file} is a PE`);
      const out = await runOn(execute, scratch, file, pe.is64 ? 'executable/windows/pe64' : 'executable/windows/pe32', bytes);
      const tags: Record<string, string[]> = {};
      for (const s of out.sections) for (const [k, v] of Object.entries(s.tags ?? {})) tags[k] = [...new Set([...(tags[k] ?? []), ...v])].sort();
      const actual = {
        ...summary(pe),
        heuristics: [...new Set(heuristicIds(out))].map(String).sort(),
        extracted: (out.extracted ?? []).map((e) => e.name).sort(),
        tags: Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1))),
      };
      const goldenPath = join(goldenDir, `${file}.json`);
      if (update) writeFileSync(goldenPath, `${JSON.stringify(actual, null, 2)}\n`);
      assert.deepEqual(actual, JSON.parse(readFileSync(goldenPath, 'utf8')));

      // Independent check of the golden values by YARA-X's own PE parser.
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
