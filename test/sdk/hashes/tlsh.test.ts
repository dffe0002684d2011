// Unit checks of the TLSH hasher and distance. Expected digests and distances were produced by the
// TLSH 3.4.4 tool (`tlsh -f`, `tlsh -c`) on the same generated inputs (cli-parity.test.ts compares
// against the tool itself on many more).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDigest, encodeFields, Tlsh, tlshDiff, tlshHash, tlshHashT1 } from '../../../src/sdk/hashes/tlsh.js';
import { seededBytes } from './test-support.js';


const RANDOM_70000 = '806302FE332B9898D6F410F6E5D858573AF7B6E6B361708B944C984BE0D4121C1C0EA2';
const TEXT = 'EB91024A21181794658A18C8438D94B2D2C8C510612114116530614219082259CD8551';
const RANDOM_300 = 'E3E072BCA705B7AB80C831A268F40C0625EC16833CC74E8946C1E238720A08EE6C8669';

describe('Tlsh', () => {
  it('matches the tlsh tool on generated inputs', () => {
    assert.equal(tlshHash(seededBytes(70_000, 42)), RANDOM_70000);
    assert.equal(tlshHash(Buffer.from('The quick brown fox jumps over the lazy dog.\n'.repeat(100))), TEXT);
    assert.equal(tlshHash(seededBytes(300, 3)), RANDOM_300);
  });

  it('gives no digest for short or uniform input', () => {
    assert.equal(tlshHash(Buffer.alloc(0)), null);
    assert.equal(tlshHash(seededBytes(255, 1)), null); // 3.4.4 needs 256 bytes
    assert.notEqual(tlshHash(seededBytes(256, 1)), null);
    assert.equal(tlshHash(Buffer.alloc(5000)), null); // one byte value: almost every bucket empty
    assert.equal(tlshHashT1(seededBytes(49, 1)), null); // 4.x needs 50 bytes
    assert.equal(tlshHashT1(Buffer.alloc(5000, 7)), null);
  });

  it('produces the 4.x "T1" form', () => {
    assert.equal(tlshHashT1(seededBytes(70_000, 42)), `T1${RANDOM_70000}`);
    // Between 50 and 255 bytes only the 4.x rules give a digest.
    const short = seededBytes(100, 4);
    assert.equal(tlshHash(short), null);
    assert.match(tlshHashT1(short) ?? '', /^T1[0-9A-F]{70}$/);
  });

  it('gives the same digest whatever the chunking', () => {
    const data = Buffer.concat([seededBytes(40_000, 8), Buffer.from('abcdefgh'.repeat(3000))]);
    const whole = new Tlsh().update(data);
    for (const size of [1, 3, 4, 5, 7, 4096]) {
      const h = new Tlsh();
      for (let i = 0; i < data.length; i += size) h.update(data.subarray(i, i + size));
      assert.equal(h.digest(), whole.digest(), `chunks of ${size}`);
      assert.equal(h.digestT1(), whole.digestT1(), `chunks of ${size}`);
    }
    assert.equal(whole.size, data.length);
  });

  it('round-trips digests through their fields', () => {
    for (const d of [RANDOM_70000, TEXT, RANDOM_300]) {
      assert.equal(encodeFields(decodeDigest(d)), d);
      assert.equal(encodeFields(decodeDigest(`T1${d}`)), d);
      assert.equal(encodeFields(decodeDigest(d.toLowerCase())), d);
    }
    const f = new Tlsh().update(seededBytes(70_000, 42)).fields(3);
    assert.ok(f);
    assert.equal(encodeFields(f), RANDOM_70000);
    assert.throws(() => decodeDigest('T1ABC'), TypeError);
    assert.throws(() => decodeDigest('Z'.repeat(70)), TypeError);
  });
});

describe('tlshDiff', () => {
  it('matches distances printed by `tlsh -c`', () => {
    // test.png and test_broken_iend.png, test.txt of the corpus: 2, 862 (250 with -xlen), 861.
    const png = '9EB42376E3871A85F09A989F8C1C0B14ADD795201B4C0CE5F4FEB92E3DE4D45CE0A9B6';
    const broken = '1AB42376E3871A85F09A989F8C1C0B14ADD795201B4C0CE5F4FEB92E2DE4D45CE0A9B6';
    const txt = '158165343EAA43024BF4217FD7D5C9BFE288F41027CAA399D8B5FD56945E518D323294';
    assert.equal(tlshDiff(png, broken), 2);
    assert.equal(tlshDiff(png, txt), 862);
    assert.equal(tlshDiff(png, txt, false), 250);
    assert.equal(tlshDiff(broken, txt), 861);
  });

  it('is zero for identical digests and symmetric', () => {
    assert.equal(tlshDiff(TEXT, TEXT), 0);
    assert.equal(tlshDiff(`T1${TEXT}`, TEXT), 0);
    assert.equal(tlshDiff(TEXT, RANDOM_300), tlshDiff(RANDOM_300, TEXT));
    assert.ok(tlshDiff(TEXT, RANDOM_300) > 100);
  });
});
