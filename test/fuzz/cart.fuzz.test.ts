// CaRT: decoding any bytes, in any chunking, either yields the header and footer objects or fails with
// CartFormatError (CartKeyError for undecryptable metadata), never hangs and never lets another error out.
// readCartMetadata holds to the same contract on a file.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import fc from 'fast-check';
import { CartFormatError, decodeCart, encodeCart, isCart, readCartMetadata } from '../../src/core/cart/index.js';
import { sink } from '../core/cart/test-support.js';
import { expectControlled, FuzzInput, fuzzer, mutatedInput, randomInput, type Seed } from './harness.js';
import { seed } from './seeds.js';

async function* chunks(buf: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function encode(data: Uint8Array, opts: Parameters<typeof encodeCart>[2]): Promise<Buffer> {
  const out = sink();
  await encodeCart(chunks(data, 65536), out.stream, opts);
  return out.bytes();
}

const isControlled = (e: unknown) => e instanceof CartFormatError;
const plainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

let dir = '';
let n = 0;

async function check(input: FuzzInput, chunk: number, key?: Uint8Array): Promise<void> {
  isCart(input.bytes);
  try {
    const meta = await decodeCart(chunks(input.bytes, chunk), sink().stream, { verify: true, key });
    assert.ok(plainObject(meta.header) && plainObject(meta.footer));
  } catch (e) {
    expectControlled(e, isControlled, 'decodeCart');
  }
  const path = join(dir, `c${n++}`);
  await writeFile(path, input.bytes);
  try {
    const meta = await readCartMetadata(path, { key });
    assert.ok(plainObject(meta.header) && plainObject(meta.footer));
  } catch (e) {
    expectControlled(e, isControlled, 'readCartMetadata');
  } finally {
    await rm(path, { force: true });
  }
}

const json = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
const built = await Promise.all([
  encode(Buffer.from('hello world'), { name: 'hello.txt' }),
  encode(Buffer.alloc(0), {}),
  encode(Buffer.alloc(70_000, 0x41), { name: 'a.bin', metadata: { submitter: 'x', nested: { a: [1, 2] } } }),
  encode(Buffer.from('private'), { name: 'p', key: Buffer.from('0123456789abcdef') }),
]);
const seeds: Seed[] = built.map((b, i) => seed(`built-${i}`, b));

/** A freshly encoded CaRT whose layout fields (optional header length, footer position and length) are rewritten. */
const layout = fc.record({
  data: fc.uint8Array({ maxLength: 2048 }),
  header: json,
  footer: json,
  field: fc.constantFrom(30, -16, -8),
  value: fc.oneof(fc.bigInt({ min: 0n, max: 1n << 20n }), fc.constantFrom(0n, 0xffffffffn, (1n << 53n) + 1n, (1n << 64n) - 1n)),
  cut: fc.option(fc.nat(), { nil: undefined }),
});

const property = fuzzer('cart');

describe('fuzz: CaRT', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assay-fuzz-cart-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const chunk = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 70_000 }));
  property('random bytes', fc.tuple(randomInput({ prefixes: [seeds[0]!.bytes.subarray(0, 38)] }), chunk), ([i, c]) => check(i, c), { caseMs: 5000, runsFactor: 10 });
  property('mutated CaRTs', fc.tuple(mutatedInput(seeds, { repair: (b, o) => (b.set(o.subarray(0, Math.min(14, b.length))), b) }), chunk), ([i, c]) => check(i, c), { caseMs: 5000, runsFactor: 10, weight: 2 });
  property('rewritten layout fields', fc.tuple(layout, chunk), async ([r, c]) => {
    const cart = await encode(r.data, { metadata: r.header, footer: r.footer });
    const at = r.field < 0 ? cart.length + r.field : r.field;
    cart.writeBigUInt64LE(r.value, at);
    const bytes = r.cut === undefined ? cart : cart.subarray(0, r.cut % (cart.length + 1));
    await check(new FuzzInput(bytes, `u64 ${r.value} at ${at}, cut ${r.cut}`), c);
  }, { caseMs: 5000, runsFactor: 5 });
  property('wrong keys', fc.tuple(mutatedInput(seeds, { maxMutations: 2 }), fc.uint8Array({ minLength: 1, maxLength: 256 })), ([i, key]) => check(i, 4096, key), { caseMs: 5000, runsFactor: 3 });
});
