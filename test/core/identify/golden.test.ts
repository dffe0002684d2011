// Golden labels for the shared corpora (strelka fixtures and the YARA-X module samples), one table per corpus
// set in testdata/identify/<set>.out. Every row of the golden files has been reviewed by hand; a change here
// means identification changed. Regenerate with UPDATE_GOLDEN=1 after checking that the new labels are right.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createIdentifier, FileView, IDENTIFY_HEADER_BYTES, type Identifier, parsePeHeader } from '../../../src/core/identify/index.js';
import { checkGolden } from '../../helpers/golden.js';
import { TESTDATA } from '../../helpers/testdata.js';
import { CORPUS, corpusAvailable, corpusSample } from './test-support.js';

type Golden = Record<string, { type: string; mime: string }>;

// Files with no recognisable format: position-independent shellcode (donut loaders), one of them
// compressed. "unknown" is the correct answer for these.
const EXPECTED_UNKNOWN = new Set(['test_donut.bin', 'test_donut_compressed.bin']);

function compare(set: string, actual: Golden): void {
  checkGolden(join(TESTDATA, 'identify', `${set}.out`), actual);
}

function checkSpecific(table: Golden): void {
  const unknown = Object.entries(table)
    .filter(([k, v]) => v.type === 'unknown' && !EXPECTED_UNKNOWN.has(k))
    .map(([k]) => k);
  assert.deepEqual(unknown, [], 'known formats labelled unknown');
}

describe('identify: golden corpora', () => {
  let identifier: Identifier;
  before(async () => {
    identifier = await createIdentifier();
  });

  it('strelka fixtures', { skip: !corpusAvailable('strelka-fixtures') }, () => {
    const dir = join(CORPUS, 'strelka-fixtures');
    const table: Golden = {};
    for (const f of readdirSync(dir).sort()) {
      if (f === 'LICENSE') continue;
      const path = join(dir, f);
      const data = readFileSync(path);
      const r = identifier.identify(data.subarray(0, IDENTIFY_HEADER_BYTES), { size: data.length, name: f, path });
      table[f] = { type: r.type, mime: r.mime };
    }
    assert.equal(Object.keys(table).length, 134);
    checkSpecific(table);
    compare('strelka', table);
  });

  it('YARA-X module samples', { skip: !corpusAvailable('yarax-modules') }, () => {
    const root = join(CORPUS, 'yarax-modules');
    const table: Golden = {};
    for (const module of readdirSync(root).sort()) {
      const dir = join(root, module);
      if (!statSync(dir).isDirectory()) continue;
      for (const f of readdirSync(dir).sort()) {
        if (!f.endsWith('.in.zip')) continue;
        const data = corpusSample(join(dir, f));
        const r = identifier.identify(data.subarray(0, IDENTIFY_HEADER_BYTES), { size: data.length });
        table[`${module}/${f.slice(0, -'.in.zip'.length)}`] = { type: r.type, mime: r.mime };
      }
    }
    assert.equal(Object.keys(table).length, 138);
    checkSpecific(table);
    compare('yarax', table);
  });

  it('.NET detection agrees with the YARA-X dotnet module', { skip: !corpusAvailable('yarax-modules') }, () => {
    const dir = join(CORPUS, 'yarax-modules', 'dotnet');
    const wrong: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.in.zip'))) {
      const data = corpusSample(join(dir, f));
      const oracle = /^is_dotnet: true$/m.test(readFileSync(join(dir, f.replace(/\.in\.zip$/, '.out')), 'utf8'));
      const ours = parsePeHeader(new FileView(data, data.length))?.isDotnet ?? false;
      if (ours !== oracle) wrong.push(`${f}: ours ${ours}, YARA-X ${oracle}`);
    }
    assert.deepEqual(wrong, []);
  });
});
