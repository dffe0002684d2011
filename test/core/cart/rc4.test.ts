import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rc4, rc4 } from '../../../src/core/cart/rc4.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('RC4', () => {
  it('matches RFC 6229 for the 40-bit key 0x0102030405', () => {
    const ks = rc4(Uint8Array.of(1, 2, 3, 4, 5), new Uint8Array(272));
    assert.equal(hex(ks.subarray(0, 16)), 'b2396305f03dc027ccc3524a0a1118a8');
    assert.equal(hex(ks.subarray(16, 32)), '6982944f18fc82d589c403a47a0d0919');
    assert.equal(hex(ks.subarray(240, 256)), '28cb1132c96ce286421dcaadb8b69eae');
    assert.equal(hex(ks.subarray(256, 272)), '1cfcf62b03eddb641d77dfcf7f8d8c93');
  });

  it('matches RFC 6229 for a 256-bit key at offsets 0 and 4096', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const ks = rc4(key, new Uint8Array(4112));
    assert.equal(hex(ks.subarray(0, 16)), 'eaa6bd25880bf93d3f5d1e4ca2611d91');
    assert.equal(hex(ks.subarray(4096, 4112)), 'f3e4c0a2e02d1d01f7f0a74618af2b48');
  });

  it('matches the classic text vectors', () => {
    assert.equal(hex(rc4(Buffer.from('Key'), Buffer.from('Plaintext'))), 'bbf316e8d940af0ad3');
    assert.equal(hex(rc4(Buffer.from('Secret'), Buffer.from('Attack at dawn'))), '45a01f645fc35b383552544b9bf5');
  });

  it('keeps one continuous keystream across calls and works in place', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    const whole = rc4(Buffer.from('k'), data);
    const c = new Rc4(Buffer.from('k'));
    const parts = [data.subarray(0, 1), data.subarray(1, 333), data.subarray(333)].map((p) => c.process(Buffer.from(p)));
    assert.deepEqual(Buffer.concat(parts), Buffer.from(whole));
    // Decryption is the same operation.
    assert.deepEqual(Buffer.from(rc4(Buffer.from('k'), whole)), data);
  });

  it('rejects empty and oversized keys', () => {
    assert.throws(() => new Rc4(new Uint8Array(0)), RangeError);
    assert.throws(() => new Rc4(new Uint8Array(257)), RangeError);
  });
});
