import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixtureService } from '../../fixtures/services/index.js';
import { loadManifest, ManifestError, validateManifest } from '../../../src/core/runtime/manifest.js';

const valid = () => ({
  name: 'Sample',
  version: '4.5.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  accepts: 'executable/.*',
  rejects: 'empty|metadata/.*',
  timeoutSeconds: 30,
  memoryMb: 512,
  submissionParams: [{ name: 'deep', type: 'bool', default: false }],
  heuristics: [
    { id: 1, name: 'One', score: 100 },
    { id: 'packed', name: 'Packed', score: 500, attack: ['T1027'], signatureScoreMap: { upx: 10 } },
  ],
});

function problems(m: unknown): string[] {
  try {
    validateManifest(m, 'test');
  } catch (err) {
    assert.ok(err instanceof ManifestError);
    return err.problems;
  }
  assert.fail('the manifest was accepted');
}

describe('validateManifest', () => {
  it('accepts a well-formed manifest', () => {
    assert.equal(validateManifest(valid()).name, 'Sample');
  });

  it('lists every problem at once', () => {
    const m = { ...valid(), name: 'bad name', stage: 'LATE', accepts: '(', timeoutSeconds: 0, memoryMb: 16 };
    const found = problems(m);
    assert.equal(found.length, 5, found.join('\n'));
    assert.match(found.join('\n'), /name must start/);
    assert.match(found.join('\n'), /stage must be one of FILTER/);
    assert.match(found.join('\n'), /accepts is not a valid regular expression/);
    assert.match(found.join('\n'), /timeoutSeconds must be a positive number/);
    assert.match(found.join('\n'), /memoryMb must be an integer of at least 64/);
  });

  it('checks heuristics: unique ids (1 and "1" collide), names, scores', () => {
    const m = { ...valid(), heuristics: [{ id: 1, name: 'a', score: 1 }, { id: '1', name: 'b', score: 1 }, { id: 2, name: '', score: 'x' }] };
    assert.deepEqual(problems(m), ['heuristics[1].id 1 is used twice', 'heuristics[2].name must be a non-empty string', 'heuristics[2].score must be a number']);
    assert.deepEqual(problems({ ...valid(), heuristics: undefined }), ['heuristics must be an array']);
  });

  it('checks rejects, submission params and optional fields', () => {
    assert.match(problems({ ...valid(), rejects: '[' }).join(), /rejects is not a valid regular expression/);
    assert.match(problems({ ...valid(), submissionParams: [{ name: 'x', type: 'float' }] }).join(), /type must be one of.*default is required/);
    assert.match(problems({ ...valid(), enabled: 'yes' }).join(), /enabled must be a boolean/);
    assert.match(problems({ ...valid(), config: [] }).join(), /config must be an object/);
    assert.deepEqual(problems(undefined), ['the module does not export a `manifest` object']);
  });
});

describe('loadManifest', () => {
  it('loads and checks a service module in the host', async () => {
    const m = await loadManifest(fixtureService('ok-service'));
    assert.equal(m.name, 'OkService');
    assert.equal(m.heuristics[0].id, 1);
  });

  it('fails clearly for a missing module, a missing execute and a bad manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'assay-manifest-'));
    try {
      await assert.rejects(loadManifest(join(dir, 'nope.mjs')), /cannot load service module/);
      await writeFile(join(dir, 'no-execute.mjs'), `export const manifest = ${JSON.stringify(valid())};`);
      await assert.rejects(loadManifest(join(dir, 'no-execute.mjs')), /does not export an execute function/);
      await writeFile(join(dir, 'bad.mjs'), `export const manifest = { name: 'x' }; export async function execute() {}`);
      await assert.rejects(loadManifest(join(dir, 'bad.mjs')), (err: Error) => err instanceof ManifestError && /bad\.mjs.*version must be/.test(err.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
