// PE: parsePe never throws (each structure is parsed on its own and a failure becomes an `errors` entry that
// is not the engine's), and execute() turns any file into a well-formed output.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import * as pe from '../../src/services/pe/index.js';
import { parsePe } from '../../src/services/pe/index.js';
import { engineError } from './engine-errors.js';
import { fuzzer, mutatedInput, randomInput, type FuzzInput, type Seed } from './harness.js';
import { seed, strelkaSeeds, yaraxSeeds } from './seeds.js';
import { runService } from './service.js';

/** DOS header whose e_lfanew points right behind it, then the PE signature: random bytes become NT headers. */
function peStub(): Buffer {
  const b = Buffer.alloc(0x44);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x40, 0x3c);
  b.write('PE\0\0', 0x40, 'latin1');
  return b;
}

function checkParse(input: FuzzInput): void {
  const r = parsePe(input.bytes);
  if (!r.isPe) {
    assert.equal(typeof r.reason, 'string');
    return;
  }
  assert.ok(Array.isArray(r.sections) && Array.isArray(r.imports) && Array.isArray(r.errors));
  for (const e of r.errors) assert.ok(!engineError(e), `parsePe recorded an engine error: ${e}`);
}

/** Puts back the DOS header and the PE signature it points to. */
function repairPe(b: Uint8Array, o: Uint8Array): Uint8Array {
  const lfanew = o.length >= 0x40 ? Buffer.from(o.buffer, o.byteOffset, o.length).readUInt32LE(0x3c) : 0;
  for (const [at, n] of [[0, 0x40], [lfanew, 4]] as const) {
    if (at + n <= b.length && at + n <= o.length) b.set(o.subarray(at, at + n), at);
  }
  return b;
}

const property = fuzzer('pe');
const seeds: Seed[] = [
  seed('stub', peStub()),
  ...strelkaSeeds(['test.exe', 'test_upx.exe', 'test_xor.exe', 'test_overlay_zip.exe']),
  ...(await yaraxSeeds('pe', 16)),
];

describe('fuzz: PE', () => {
  property('parsePe on random bytes', randomInput({ prefixes: [peStub(), 'MZ'] }), checkParse, { caseMs: 5000, runsFactor: 25 });
  property('parsePe on mutated seeds', mutatedInput(seeds, { repair: repairPe }), checkParse, { caseMs: 5000, runsFactor: 10, weight: 2 });
  property('execute on mutated seeds', mutatedInput(seeds, { repair: repairPe }), async (input: FuzzInput) => {
    await runService(pe, input.bytes, { fileType: 'executable/windows/pe32', fileName: 'sample.exe' });
  }, { caseMs: 30_000, weight: 2 });
});
