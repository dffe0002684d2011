// Mutations of seed files, as fast-check values: each one is a small description (shrinkable, printable) that
// is applied to a copy of a seed. They are the usual structure-blind fuzzing moves: bit flips, byte writes,
// truncation, insertion, deletion, repetition of a chunk, splicing in part of another seed, writing a boundary
// value over what may be a binary length or offset field, and replacing a decimal number in text (PDF lengths,
// XML attributes, header values) with an extreme one.
import fc from 'fast-check';

export type Mutation =
  | { k: 'flip'; at: number; bit: number }
  | { k: 'byte'; at: number; v: number }
  | { k: 'truncate'; at: number }
  | { k: 'insert'; at: number; bytes: Uint8Array }
  | { k: 'delete'; at: number; len: number }
  | { k: 'repeat'; at: number; len: number; times: number }
  | { k: 'splice'; other: number; at: number; from: number; len: number }
  | { k: 'field'; at: number; width: 1 | 2 | 4 | 8; be: boolean; v: bigint }
  | { k: 'number'; at: number; v: string };

/** Outputs never grow beyond this: a mutation that repeats a chunk must not make a 100 MB input. */
export const MAX_MUTATED_BYTES = 4 * 1024 * 1024;

// Values that break length and offset arithmetic: zero, sign boundaries, all ones, and just past a width.
const BOUNDARIES = [
  0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xfffffffen,
  0xffffffffn, 0x100000000n, 1n << 53n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n,
];

/** Positions biased towards the start, where headers and their length fields live. */
const position = fc.oneof(
  { weight: 3, arbitrary: fc.nat(511) },
  { weight: 2, arbitrary: fc.nat(8191) },
  { weight: 2, arbitrary: fc.nat() },
);

const DECIMALS = ['0', '-1', '1', '255', '65536', '2147483647', '4294967295', '4294967296', '9007199254740993', '99999999999999999999', '1e308', '-0', '0.5'];

export function mutationArb(seedCount: number): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ k: fc.constant('flip' as const), at: position, bit: fc.nat(7) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('byte' as const), at: position, v: fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x20, 0x0a) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('truncate' as const), at: position }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('delete' as const), at: position, len: fc.integer({ min: 1, max: 256 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('repeat' as const), at: position, len: fc.integer({ min: 1, max: 512 }), times: fc.integer({ min: 2, max: 64 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('splice' as const), other: fc.nat(Math.max(0, seedCount - 1)), at: position, from: position, len: fc.integer({ min: 1, max: 4096 }) }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        k: fc.constant('field' as const), at: position, width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const), be: fc.boolean(),
        v: fc.oneof(fc.constantFrom(...BOUNDARIES), fc.bigInt({ min: 0n, max: 0xffffffffn })),
      }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('number' as const), at: position, v: fc.constantFrom(...DECIMALS) }) },
  );
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(Math.min(total, MAX_MUTATED_BYTES));
  let o = 0;
  for (const p of parts) {
    if (o >= out.length) break;
    const n = Math.min(p.length, out.length - o);
    out.set(p.subarray(0, n), o);
    o += n;
  }
  return out;
}

/** Applies one mutation; positions wrap around the current length, so every description is valid for any seed. */
export function applyMutation(b: Uint8Array, m: Mutation, seeds: readonly Uint8Array[]): Uint8Array {
  const at = b.length ? m.at % (b.length + 1) : 0;
  switch (m.k) {
    case 'flip':
    case 'byte': {
      if (!b.length) return b;
      const out = b.slice();
      const i = m.at % b.length;
      out[i] = m.k === 'flip' ? out[i]! ^ (1 << m.bit) : m.v;
      return out;
    }
    case 'truncate':
      return b.slice(0, at);
    case 'insert':
      return concat(b.subarray(0, at), m.bytes, b.subarray(at));
    case 'delete':
      return concat(b.subarray(0, at), b.subarray(at + m.len));
    case 'repeat': {
      const chunk = b.subarray(at, at + m.len);
      return concat(b.subarray(0, at), ...Array.from({ length: m.times }, () => chunk), b.subarray(at + chunk.length));
    }
    case 'splice': {
      const other = seeds[m.other % Math.max(1, seeds.length)] ?? b;
      const from = other.length ? m.from % other.length : 0;
      return concat(b.subarray(0, at), other.subarray(from, from + m.len), b.subarray(at + m.len));
    }
    case 'field': {
      if (b.length < m.width) return b;
      const out = b.slice();
      const i = m.at % (b.length - m.width + 1);
      const v = BigInt.asUintN(m.width * 8, m.v);
      for (let j = 0; j < m.width; j++) {
        const byte = Number((v >> BigInt(8 * j)) & 0xffn);
        out[m.be ? i + m.width - 1 - j : i + j] = byte;
      }
      return out;
    }
    case 'number': {
      // The first run of ASCII digits at or after the position (wrapping around), if the input has one.
      let start = -1;
      for (let n = 0; n < b.length && start < 0; n++) {
        const i = (at + n) % b.length;
        if (isDigit(b[i]!) && (i === 0 || !isDigit(b[i - 1]!))) start = i;
      }
      if (start < 0) return b;
      let end = start;
      while (end < b.length && isDigit(b[end]!)) end++;
      return concat(b.subarray(0, start), Buffer.from(m.v, 'latin1'), b.subarray(end));
    }
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

export function describeMutation(m: Mutation): string {
  switch (m.k) {
    case 'flip': return `flip bit ${m.bit} at ${m.at}`;
    case 'byte': return `byte 0x${m.v.toString(16)} at ${m.at}`;
    case 'truncate': return `truncate at ${m.at}`;
    case 'insert': return `insert ${Buffer.from(m.bytes).toString('hex')} at ${m.at}`;
    case 'delete': return `delete ${m.len} at ${m.at}`;
    case 'repeat': return `repeat ${m.len} bytes at ${m.at} x${m.times}`;
    case 'splice': return `splice seed #${m.other} [${m.from}, +${m.len}) at ${m.at}`;
    case 'field': return `u${m.width * 8}${m.be ? 'be' : 'le'} 0x${m.v.toString(16)} at ${m.at}`;
    case 'number': return `number ${m.v} at ${m.at}`;
  }
}
