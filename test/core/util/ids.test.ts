// Identifier shapes: base62 of 128 bits, checked against BigInt arithmetic; time-ordered ids sort by time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomId, timeOrderedId } from '../../../src/core/util/ids.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const decode = (id: string) => [...id].reduce((n, c) => n * 62n + BigInt(BASE62.indexOf(c)), 0n);

describe('identifiers', () => {
  it('writes random 128-bit values in base62 without leading zeros', () => {
    const ids = Array.from({ length: 2000 }, randomId);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) {
      assert.match(id, /^[1-9A-Za-z][0-9A-Za-z]{0,21}$/);
      const n = decode(id);
      assert.ok(n < 1n << 128n);
      // UUID4 version nibble survives the round trip: the encoding loses no bits.
      assert.equal((n >> 76n) & 0xfn, 4n, id);
    }
  });

  it('puts the time first in time-ordered ids, so later ids sort after earlier ones', () => {
    const t0 = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
    const id = timeOrderedId(t0);
    assert.equal(decode(id) >> 80n, BigInt(t0));
    assert.equal(id.length, 21);
    const later = Array.from({ length: 200 }, (_, i) => timeOrderedId(t0 + 1 + i));
    for (const x of later) assert.ok(x > id, `${x} > ${id}`);
    assert.deepEqual([...later].sort(), later);
    assert.notEqual(timeOrderedId(t0), timeOrderedId(t0), 'the low 80 bits are random');
  });
});
