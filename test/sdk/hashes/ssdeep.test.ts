// Unit checks of the ssdeep hasher and of the similarity score. The expected digests were produced by
// the `ssdeep` 2.14.1 tool on the same generated inputs (cli-parity.test.ts compares against the tool
// itself on many more).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ssdeep, ssdeepCompare, ssdeepHash } from '../../../src/sdk/hashes/ssdeep.js';
import { seededBytes } from './test-support.js';


/** 257 random bytes repeated to 300000 bytes, then 7 zero bytes. */
function periodicZeroTail(): Buffer {
  const block = seededBytes(257, 257);
  const b = Buffer.alloc(300_007);
  for (let i = 0; i < 300_000; i++) b[i] = block[i % 257];
  return b;
}

const GOLDEN: Array<[string, () => Buffer, string]> = [
  ['empty', () => Buffer.alloc(0), '3::'],
  ['one byte', () => Buffer.from('A'), '3:k:k'],
  ['100 random bytes', () => seededBytes(100, 4), '3:pC61ORrXI9coAxTSE35Y3aGiVQ4Nv9yjzWnwo:sYORrQdkT335bGiVjyj6wo'],
  ['300 random bytes', () => seededBytes(300, 3), '6:0aH6RVRElpTGPyPZArLSL+34ima/4PPMBNcmLXIu+tW0/Y2I:0TmJArLSK3pmauEBNLYFtJ/XI'],
  [
    '70000 random bytes',
    () => seededBytes(70_000, 42),
    '1536:PqGqMNPB47aLmuOIiGwW3VXLWKq54lDVe/qpHQIhQGycvw0mPp0pEGCnrv6:PCMMamAw2VWKcg6qpN+wo0m+J',
  ],
  [
    'repeated sentence',
    () => Buffer.from('The quick brown fox jumps over the lazy dog.\n'.repeat(100)),
    '6:FHIGiDIGiDIGiDIGiDIGiDIGiDIGiDIGiDIGiDIGiDIGiDIGiDIGiDIGiDIGiDI5:Fx',
  ],
  // A full 64-character first part and a rolling hash of 0 at the end: the last character is the one
  // stored in the digest's final slot, and the second part gets no extra character.
  ['periodic, zero tail', periodicZeroTail, '768:illlllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll:'],
];

describe('Ssdeep', () => {
  for (const [name, make, expected] of GOLDEN) {
    it(`digest of ${name} matches the ssdeep tool`, () => {
      const data = make();
      assert.equal(ssdeepHash(data), expected);
      assert.equal(new Ssdeep(data.length).update(data).digest(), expected);
    });
  }

  it('gives the same digest whatever the chunking', () => {
    const data = Buffer.concat([seededBytes(150_000, 11), periodicZeroTail().subarray(0, 40_000)]);
    const whole = ssdeepHash(data);
    for (const size of [1, 7, 4096, 65_537]) {
      const s = new Ssdeep();
      for (let i = 0; i < data.length; i += size) s.update(data.subarray(i, i + size));
      assert.equal(s.digest(), whole, `chunks of ${size}`);
    }
    let seed = 12345;
    const s = new Ssdeep(data.length);
    for (let i = 0; i < data.length; ) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const n = seed % 3000;
      s.update(data.subarray(i, i + n));
      i += n;
    }
    assert.equal(s.digest(), whole, 'random splits');
  });

  it('lets digest() be called mid-stream, like libfuzzy', () => {
    const data = seededBytes(50_000, 5);
    const s = new Ssdeep();
    s.update(data.subarray(0, 20_000));
    assert.equal(s.digest(), ssdeepHash(data.subarray(0, 20_000)));
    s.update(data.subarray(20_000));
    assert.equal(s.digest(), ssdeepHash(data));
    assert.equal(s.size, 50_000);
  });

  it('rejects a wrong announced length', () => {
    const s = new Ssdeep(10);
    s.update(Buffer.alloc(9));
    assert.throws(() => s.digest(), /expected 10 bytes/);
    assert.throws(() => new Ssdeep().update(Buffer.alloc(1)).setTotalLength(1), /before data/);
    assert.throws(() => new Ssdeep(-1), RangeError);
  });
});

describe('ssdeepCompare', () => {
  const a = '96:9Y3uQPebqA9Gq+WVo1FPFB4A0BZzgkpJeQJHqpVR4FwppGh344:9Y+QPBe+GA0BdNEZ4yP4';

  it('scores identical digests 100 and unrelated ones 0', () => {
    assert.equal(ssdeepCompare(a, a), 100);
    assert.equal(ssdeepCompare('3::', '3::'), 100);
    assert.equal(ssdeepCompare(a, ssdeepHash(seededBytes(4000, 1))), 0);
  });

  it('matches scores printed by the ssdeep tool', () => {
    // Pairs scored with `ssdeep -a -x` on a signature file.
    assert.equal(ssdeepCompare(a, '96:9Y3uQPebqA9Gq+WVo1FPFB4A0BZzgkpJeQJHqpVR4FwppGh345:9Y+QPBe+GA0BdNEZ4yP4'), 100);
    assert.equal(
      ssdeepCompare(
        '96:9Y3uQPebqA9Gq+WVo1FPFB4A0BZzgkpJeQJHqpVR4FwppGh345:9Y+QPBe+GA0BdNEZ4yP4',
        '48:AAAAAAAA9Y3uQPebqA9Gq+WVo1FPFB4A0BZzgkpJe:9Y3uQPebqA9Gq+WVo1FPFB4A0BZzgkpJeQJHqpVR4FwppGh344',
      ),
      99,
    );
  });

  it('is symmetric, ignores a trailing file name and compares adjacent block sizes only', () => {
    const x = ssdeepHash(seededBytes(200_000, 2));
    const y = ssdeepHash(seededBytes(200_000, 2).subarray(0, 120_000));
    assert.ok(ssdeepCompare(x, y) > 50);
    assert.equal(ssdeepCompare(x, y), ssdeepCompare(y, x));
    assert.equal(ssdeepCompare(`${x},"file one"`, y), ssdeepCompare(x, y));
    assert.equal(ssdeepCompare('3:abcdefgh:abcdefgh', '12:abcdefgh:abcdefgh'), 0);
  });

  it('collapses runs longer than three characters before comparing', () => {
    assert.equal(ssdeepCompare('96:AAAAAAAbcdefghij:x', '96:AAAbcdefghij:x'), 100);
  });

  it('returns -1 for malformed digests', () => {
    assert.equal(ssdeepCompare('', a), -1);
    assert.equal(ssdeepCompare('abc', a), -1);
    assert.equal(ssdeepCompare('96:only-one-part', a), -1);
    assert.equal(ssdeepCompare(`96:${'AB'.repeat(33)}:x`, a), -1);
  });
});
