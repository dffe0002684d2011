// The compound-file and VBA parsers against YARA-X's olecf and vba modules: for every sample of the corpus, each
// field both report must agree (stream names and sizes; macro presence, project name, version, references,
// module names, types and source code).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { displayName, isOle, openOle, type OleDoc } from '../../../src/services/office/ole.js';
import { isZip, readPackage } from '../../../src/services/office/ooxml.js';
import { readVbaProjects, type VbaProject } from '../../../src/services/office/vba-project.js';
import { readSample } from '../../helpers/yarax-samples.js';
import { normaliseCode, parseOlecfOut, parseVbaOut } from './yarax.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = resolve(root, '../shared/corpus/yarax-modules');
const have = existsSync(corpus);
const isCI = process.env.CI === 'true';

function samples(module: string): string[] {
  const dir = join(corpus, module);
  return readdirSync(dir).filter((f) => f.endsWith('.out')).map((f) => join(dir, f.slice(0, -4))).sort();
}

function skipWithoutCorpus(t: { skip: (m: string) => void }): boolean {
  if (have) return false;
  if (isCI) assert.fail(`corpus missing: ${corpus}`);
  t.skip('corpus not present');
  return true;
}

async function vbaProjectsOf(buf: Buffer): Promise<VbaProject[]> {
  if (isOle(buf)) return readVbaProjects(openOle(buf));
  if (isZip(buf)) {
    const pkg = await readPackage(buf, 50 * 1024 * 1024, new AbortController().signal);
    return pkg.parts.filter((p) => p.data && /vbaProject\.bin$/i.test(p.name)).flatMap((p) => readVbaProjects(openOle(p.data!)));
  }
  return [];
}

const YARAX_TYPES = { standard: 'MODULE_TYPE_STANDARD', class: 'MODULE_TYPE_CLASS' } as const;

describe('olecf module oracle', () => {
  it('agrees on is_olecf, stream names and sizes for every sample', async (t) => {
    if (skipWithoutCorpus(t)) return;
    let fields = 0;
    let agree = 0;
    const bad: string[] = [];
    const check = (what: string, ours: unknown, theirs: unknown) => {
      fields++;
      if (JSON.stringify(ours) === JSON.stringify(theirs)) agree++;
      else bad.push(`${what}: ours ${JSON.stringify(ours)}, YARA-X ${JSON.stringify(theirs)}`);
    };
    const list = samples('olecf');
    for (const base of list) {
      const golden = parseOlecfOut(readFileSync(`${base}.out`, 'utf8'));
      const buf = await readSample(base);
      const id = base.split('/').pop()!.slice(0, 16);
      let doc: OleDoc | undefined;
      try {
        doc = openOle(buf);
      } catch {
        doc = undefined;
      }
      check(`${id} is_olecf`, doc !== undefined, golden.is_olecf);
      if (!doc) continue;
      for (const s of golden.streams) {
        const ours = s.type === 'ROOT'
          ? doc.entries.find((e) => e.type === 'root')
          : doc.entries.find((e) => e.type === 'stream' && displayName(e.name) === s.name);
        check(`${id} ${s.type} "${s.name}" size`, ours?.size, s.size);
      }
    }
    console.log(`olecf oracle: ${agree}/${fields} fields agree over ${list.length} samples`);
    assert.ok(list.length >= 12, 'olecf samples found');
    assert.deepEqual(bad, []);
  });
});

describe('vba module oracle', () => {
  it('agrees on macros, project info, module names, types and code for every sample', async (t) => {
    if (skipWithoutCorpus(t)) return;
    let fields = 0;
    let agree = 0;
    let modules = 0;
    const bad: string[] = [];
    const check = (what: string, ours: unknown, theirs: unknown) => {
      fields++;
      if (JSON.stringify(ours) === JSON.stringify(theirs)) agree++;
      else bad.push(`${what}: ours ${JSON.stringify(ours)?.slice(0, 200)}, YARA-X ${JSON.stringify(theirs)?.slice(0, 200)}`);
    };
    const list = samples('vba');
    for (const base of list) {
      const golden = parseVbaOut(readFileSync(`${base}.out`, 'utf8'));
      const id = base.split('/').pop()!.slice(0, 16);
      const projects = await vbaProjectsOf(await readSample(base));
      const ourModules = projects.flatMap((p) => p.modules.filter((m) => m.code !== undefined));
      check(`${id} has_macros`, ourModules.length > 0, golden.has_macros);
      if (!golden.has_macros) continue;
      const p = projects[0]!;
      check(`${id} project name`, p.name, golden.project?.name);
      check(`${id} project version`, p.version, golden.project?.version);
      check(`${id} references`, p.references, golden.project?.references);
      check(`${id} module_count`, p.modules.length, golden.project?.module_count);
      check(`${id} module names`, p.modules.map((m) => m.name), golden.modules.map((m) => m.name));
      for (const g of golden.modules) {
        const m = p.modules.find((x) => x.name === g.name);
        modules++;
        assert.ok(g.code.includes('Attribute VB_Name'), `${id} ${g.name}: golden source read`);
        check(`${id} ${g.name} type`, m ? YARAX_TYPES[m.type] : undefined, g.type);
        check(`${id} ${g.name} code`, normaliseCode(m?.code ?? ''), normaliseCode(g.code));
      }
    }
    console.log(`vba oracle: ${agree}/${fields} fields agree over ${list.length} samples (${modules} modules with source)`);
    assert.ok(list.length >= 10, 'vba samples found');
    assert.deepEqual(bad, []);
  });
});
