// Compatibility with Assemblyline's own identification test set, plus API behaviour.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createIdentifier, IDENTIFY_HEADER_BYTES, type Identifier } from '../../../src/core/identify/index.js';
import { CORPUS, corpusAvailable } from './test-support.js';

const AL_DIR = join(CORPUS, 'al-identify');

describe('identify: Assemblyline id_file_base', { skip: !corpusAvailable('al-identify') }, () => {
  let identifier: Identifier;
  before(async () => {
    identifier = await createIdentifier();
  });

  it('labels all 14 reference files as Assemblyline does', () => {
    const expected = JSON.parse(readFileSync(join(AL_DIR, 'id_file_base.json'), 'utf8')) as Record<string, string>;
    const files = readdirSync(AL_DIR).filter((f) => f in expected);
    assert.equal(files.length, 14);
    const wrong: string[] = [];
    for (const f of files) {
      const path = join(AL_DIR, f);
      const data = readFileSync(path);
      const r = identifier.identify(data.subarray(0, IDENTIFY_HEADER_BYTES), { size: data.length, name: f, path });
      if (r.type !== expected[f]) wrong.push(`${f}: got ${r.type}, want ${expected[f]}`);
    }
    assert.deepEqual(wrong, []);
  });
});

describe('identify: API', () => {
  let identifier: Identifier;
  before(async () => {
    identifier = await createIdentifier();
  });

  it('reports empty files as empty without consulting content', () => {
    assert.deepEqual(identifier.identify(new Uint8Array(0), { size: 0 }), {
      type: 'empty',
      magic: 'empty',
      mime: 'application/x-empty',
    });
  });

  it('returns the libmagic description and MIME type alongside the label', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const r = identifier.identify(png, { size: png.length });
    assert.equal(r.type, 'image/png');
    assert.equal(r.mime, 'image/png');
    assert.match(r.magic, /^PNG image data/);
  });

  it('only looks at the first IDENTIFY_HEADER_BYTES of a longer buffer', () => {
    const big = Buffer.alloc(IDENTIFY_HEADER_BYTES + 4096, 'a');
    big.write('{"key": 1,', 0);
    const r = identifier.identify(big, { size: big.length });
    assert.equal(typeof r.type, 'string');
  });

  it('is deterministic across calls on the same instance', () => {
    const text = Buffer.from('Get-ChildItem | Where-Object { $_.Length -gt 0 }\n');
    const a = identifier.identify(text, { size: text.length });
    const b = identifier.identify(text, { size: text.length });
    assert.deepEqual(a, b);
    assert.equal(a.type, 'code/ps1');
  });

  it('labels random binary data unknown', () => {
    const noise = Buffer.alloc(4096);
    let x = 12345;
    for (let i = 0; i < noise.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      noise[i] = x >>> 24;
    }
    assert.equal(identifier.identify(noise, { size: noise.length }).type, 'unknown');
  });
});
