// ELF: parseElf and the whole analysis (elfSections) never throw on any bytes, record problems as warnings that
// are not the engine's, and execute() returns a well-formed output.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import * as elf from '../../src/services/elf/index.js';
import { elfSections } from '../../src/services/elf/index.js';
import { parseElf } from '../../src/services/elf/parse.js';
import { engineError } from './engine-errors.js';
import { fuzzer, keepPrefix, mutatedInput, randomInput, type FuzzInput, type Seed } from './harness.js';
import { seed, strelkaSeeds, yaraxSeeds } from './seeds.js';
import { runService } from './service.js';

/** A 64-bit little-endian executable header with one program header and no sections. */
function tinyElf(): Buffer {
  const b = Buffer.alloc(64 + 56 + 16);
  b.write('\x7fELF\x02\x01\x01', 0, 'latin1');
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(0x3e, 18); // x86-64
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(0x400078n, 24); // entry
  b.writeBigUInt64LE(64n, 32); // phoff
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(1, 56);
  b.writeUInt16LE(64, 58);
  b.writeUInt32LE(1, 64); // PT_LOAD
  b.writeUInt32LE(5, 68); // R+X
  b.writeBigUInt64LE(0x400000n, 80);
  b.writeBigUInt64LE(BigInt(b.length), 96);
  b.writeBigUInt64LE(BigInt(b.length), 104);
  return b;
}

function check(input: FuzzInput): void {
  const info = parseElf(input.buffer);
  for (const w of info?.warnings ?? []) assert.ok(!engineError(w), `parseElf recorded an engine error: ${w}`);
  const sections = elfSections(input.buffer, 50);
  assert.ok(sections.length > 0);
}

const property = fuzzer('elf');
const seeds: Seed[] = [seed('tiny', tinyElf()), ...strelkaSeeds(['test.elf']), ...(await yaraxSeeds('elf', 12))];
const MAGICS = ['\x7fELF\x01\x01\x01', '\x7fELF\x02\x01\x01', '\x7fELF\x01\x02\x01', '\x7fELF\x02\x02\x01'];

describe('fuzz: ELF', () => {
  property('analysis of random bytes', randomInput({ prefixes: MAGICS }), check, { caseMs: 5000, runsFactor: 25 });
  property('analysis of mutated seeds', mutatedInput(seeds, { repair: keepPrefix(6) }), check, { caseMs: 5000, runsFactor: 10, weight: 2 });
  property('execute on mutated seeds', mutatedInput(seeds, { repair: keepPrefix(6) }), async (input: FuzzInput) => {
    await runService(elf, input.bytes, { fileType: 'executable/linux/elf64', fileName: 'sample' });
  }, { caseMs: 30_000, weight: 2 });
});
