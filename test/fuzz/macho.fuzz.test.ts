// Mach-O: parseMacho and the sections of each image never throw on any bytes, record problems as warnings that
// are not the engine's, and execute() (which also writes the slices of universal binaries) is well-formed.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import * as macho from '../../src/services/macho/index.js';
import { imageSections } from '../../src/services/macho/index.js';
import { parseMacho } from '../../src/services/macho/parse.js';
import { engineError } from './engine-errors.js';
import { fuzzer, keepPrefix, mutatedInput, randomInput, type FuzzInput, type Seed } from './harness.js';
import { seed, strelkaSeeds, yaraxSeeds } from './seeds.js';
import { runService } from './service.js';

/** A 64-bit little-endian executable header with one LC_UUID command. */
function tinyMacho(): Buffer {
  const b = Buffer.alloc(32 + 24);
  b.writeUInt32BE(0xcffaedfe, 0);
  b.writeUInt32LE(0x01000007, 4); // x86-64
  b.writeUInt32LE(3, 8);
  b.writeUInt32LE(2, 12); // MH_EXECUTE
  b.writeUInt32LE(1, 16);
  b.writeUInt32LE(24, 20);
  b.writeUInt32LE(0x1b, 32); // LC_UUID
  b.writeUInt32LE(24, 36);
  return b;
}

/** A universal binary holding `thin` once. */
function fat(thin: Buffer): Buffer {
  const head = Buffer.alloc(4096);
  head.writeUInt32BE(0xcafebabe, 0);
  head.writeUInt32BE(1, 4);
  head.writeUInt32BE(0x01000007, 8);
  head.writeUInt32BE(3, 12);
  head.writeUInt32BE(4096, 16);
  head.writeUInt32BE(thin.length, 20);
  head.writeUInt32BE(12, 24);
  return Buffer.concat([head, thin]);
}

function check(input: FuzzInput): void {
  const info = parseMacho(input.buffer);
  for (const f of info?.files ?? []) {
    for (const w of f.warnings) assert.ok(!engineError(w), `parseMacho recorded an engine error: ${w}`);
    assert.ok(imageSections(f, 'image', 0, 50).length > 0);
  }
}

const property = fuzzer('macho');
const seeds: Seed[] = [
  seed('tiny', tinyMacho()), seed('fat', fat(tinyMacho())), ...strelkaSeeds(['test.macho']), ...(await yaraxSeeds('macho', 14)),
];
const MAGICS = [[0xfe, 0xed, 0xfa, 0xce], [0xfe, 0xed, 0xfa, 0xcf], [0xce, 0xfa, 0xed, 0xfe], [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]]
  .map((m) => Uint8Array.from(m));

describe('fuzz: Mach-O', () => {
  property('analysis of random bytes', randomInput({ prefixes: MAGICS }), check, { caseMs: 5000, runsFactor: 25 });
  property('analysis of mutated seeds', mutatedInput(seeds, { repair: keepPrefix(4) }), check, { caseMs: 5000, runsFactor: 10, weight: 2 });
  property('execute on mutated seeds', mutatedInput(seeds, { repair: keepPrefix(4) }), async (input: FuzzInput) => {
    await runService(macho, input.bytes, { fileType: 'executable/mach-o', fileName: 'sample' });
  }, { caseMs: 30_000, weight: 2 });
});
