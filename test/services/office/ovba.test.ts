// MS-OVBA 2.4.1 decompression: the specification's worked example, round trips through the test compressor,
// uncompressed chunks, and damaged containers (partial output, never an exception unless asked for).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decompress, OvbaError } from '../../../src/services/office/ovba.js';
import { compressLiteral } from './build.js';

// MS-OVBA 3.2.1 (compressed and decompressed forms of the example text).
const SPEC_COMPRESSED = '01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C';
const SPEC_TEXT = '#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa';

describe('MS-OVBA decompression', () => {
  it("decodes the specification's example, copy tokens included", () => {
    const out = decompress(Buffer.from(SPEC_COMPRESSED.replace(/ /g, ''), 'hex'), 0, { strict: true });
    assert.equal(out.toString('latin1'), SPEC_TEXT);
  });

  it('round-trips literal-only compression across several chunks', () => {
    const text = Buffer.from(Array.from({ length: 9000 }, (_, i) => String.fromCharCode(32 + ((i * 7) % 90))).join(''), 'latin1');
    const packed = compressLiteral(text);
    assert.equal(packed[0], 0x01);
    assert.ok(packed.length > text.length, 'literal-only output is larger than its input');
    assert.deepEqual(decompress(packed, 0, { strict: true }), text);
  });

  it('reads an uncompressed 4096-byte chunk', () => {
    const raw = Buffer.alloc(4096, 0x41);
    const header = Buffer.from([0xff, 0x3f]); // size 4095+3, signature 0b011, compressed flag clear
    const out = decompress(Buffer.concat([Buffer.from([0x01]), header, raw]), 0, { strict: true });
    assert.equal(out.length, 4096);
    assert.ok(out.every((b) => b === 0x41));
  });

  it('starts at an offset (module streams put p-code before the source)', () => {
    const packed = Buffer.concat([Buffer.alloc(10, 0xee), compressLiteral(Buffer.from('Sub AutoOpen()'))]);
    assert.equal(decompress(packed, 10).toString(), 'Sub AutoOpen()');
  });

  it('gives partial output for truncated or corrupt containers, and throws in strict mode', () => {
    const full = Buffer.from(SPEC_COMPRESSED.replace(/ /g, ''), 'hex');
    const cut = decompress(full.subarray(0, 20));
    assert.ok(SPEC_TEXT.startsWith(cut.toString('latin1')) && cut.length > 0);
    assert.equal(decompress(Buffer.from([0x02, 0x00])).length, 0, 'bad signature');
    assert.throws(() => decompress(Buffer.from([0x02]), 0, { strict: true }), OvbaError);
    // A copy token reaching before the start of the chunk.
    const bad = Buffer.from([0x01, 0x03, 0xb0, 0x01, 0xff, 0xff]);
    assert.equal(decompress(bad).length, 0);
    assert.throws(() => decompress(bad, 0, { strict: true }), OvbaError);
  });

  it('stops at the output limit', () => {
    const packed = compressLiteral(Buffer.alloc(20_000, 0x61));
    assert.equal(decompress(packed, 0, { maxOut: 5000 }).length, 5000);
  });
});
