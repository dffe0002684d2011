import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkOutput } from '../../../src/core/runtime/output.js';

let base: string;
let workDir: string;

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'assay-output-'));
  workDir = join(base, 'work');
  await mkdir(join(workDir, 'sub'), { recursive: true });
  await writeFile(join(workDir, 'child.bin'), 'x');
  await writeFile(join(workDir, 'sub', 'nested.bin'), 'y');
  await writeFile(join(base, 'outside.bin'), 'z');
  await symlink(join(base, 'outside.bin'), join(workDir, 'link-out'));
  await symlink(join(workDir, 'child.bin'), join(workDir, 'link-in'));
});
after(() => rm(base, { recursive: true, force: true }));

async function problem(output: unknown): Promise<string> {
  const r = await checkOutput(output, workDir);
  assert.equal(r.ok, false, `accepted ${JSON.stringify(output)}`);
  return (r as { message: string }).message;
}

const extracted = (path: string) => ({ sections: [], extracted: [{ name: 'f', path, description: 'd' }] });

describe('checkOutput', () => {
  it('accepts a full output and rebuilds it with absolute extracted paths', async () => {
    const output = {
      sections: [
        {
          title: 'T',
          body: { a: [1, 'x', null, true] },
          bodyFormat: 'KEY_VALUE',
          bodyConfig: { column_order: ['a'] },
          depth: 1,
          heuristic: { id: 'H1', signatures: { sig: 2 }, attack: ['T1059'], frequency: 1 },
          tags: { 'network.static.domain': ['evil.example'] },
          classification: 'TLP:C',
          autoCollapse: false,
          zeroizeOnTagSafe: true,
          promoteTo: 'ENTROPY',
        },
      ],
      extracted: [
        { name: 'child.bin', path: 'child.bin', description: 'relative', supplementary: true, parentRelation: 'EXTRACTED' },
        { name: 'nested.bin', path: join(workDir, 'sub', 'nested.bin'), description: 'absolute', allowDynamicRecursion: true, isSectionImage: false },
        { name: 'link-in', path: 'link-in', description: 'a link that stays inside' },
      ],
      dropFile: false,
      partial: true,
      tempSubmissionData: { passwords: ['infected'] },
      serviceToolVersion: '1.2',
      serviceContext: 'ctx',
    };
    const r = await checkOutput(output, workDir);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.output, {
      ...output,
      extracted: [
        { ...output.extracted[0], path: join(workDir, 'child.bin') },
        output.extracted[1],
        { ...output.extracted[2], path: join(workDir, 'link-in') },
      ],
    });
  });

  it('rejects shapes that are not ServiceOutput', async () => {
    assert.match(await problem(null), /output must be an object/);
    assert.match(await problem({}), /output.sections must be an array/);
    assert.match(await problem({ sections: [], extra: 1 }), /output.extra is not a known field/);
    assert.match(await problem({ sections: [{}] }), /sections\[0\].title must be a string/);
    assert.match(await problem({ sections: [{ title: 't', bodyFormat: 'HTML' }] }), /bodyFormat must be one of/);
    assert.match(await problem({ sections: [{ title: 't', depth: -1 }] }), /depth must be an integer >= 0/);
    assert.match(await problem({ sections: [{ title: 't', tags: { 'a.b': 'x' } }] }), /tags.a.b must be an array of strings/);
    assert.match(await problem({ sections: [{ title: 't', heuristic: { id: 1.5 } }] }), /heuristic.id must be/);
    assert.match(await problem({ sections: [{ title: 't', heuristic: { id: 1, signatures: { s: 'x' } } }] }), /signatures.s must be an integer/);
    assert.match(await problem({ sections: [], dropFile: 'yes' }), /dropFile must be a boolean/);
    assert.match(await problem({ sections: [], extracted: [{ name: '', path: 'child.bin', description: '' }] }), /name must not be empty/);
  });

  it('accepts only plain JSON in bodies and shared data', async () => {
    assert.match(await problem({ sections: [{ title: 't', body: { n: Infinity } }] }), /body.n must be a finite number/);
    assert.match(await problem({ sections: [{ title: 't', body: new Map() }] }), /must be plain JSON/);
    assert.match(await problem({ sections: [], tempSubmissionData: { d: new Date() } }), /must be plain JSON/);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.match(await problem({ sections: [{ title: 't', body: deep }] }), /nested too deeply/);
  });

  it('rejects extracted paths outside the work directory, missing files and non-files', async () => {
    assert.match(await problem(extracted('../outside.bin')), /escapes the work directory/);
    assert.match(await problem(extracted(join(base, 'outside.bin'))), /escapes the work directory/);
    assert.match(await problem(extracted('/etc/passwd')), /escapes the work directory/);
    assert.match(await problem(extracted('.')), /escapes the work directory/);
    assert.match(await problem(extracted('sub/../../outside.bin')), /escapes the work directory/);
    assert.match(await problem(extracted('link-out')), /resolves outside the work directory/);
    assert.match(await problem(extracted('missing.bin')), /does not exist/);
    assert.match(await problem(extracted('sub')), /is not a regular file/);
    assert.match(await problem(extracted('child.bin\0')), /must not contain NUL/);
  });

  it('accepts an empty extracted list from a service that never made its work directory', async () => {
    const r = await checkOutput({ sections: [], extracted: [] }, join(base, 'never-made'));
    assert.deepEqual(r, { ok: true, output: { sections: [], extracted: [] } });
  });
});
