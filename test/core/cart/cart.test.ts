import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CartFormatError,
  CartKeyError,
  decodeCart,
  decodeCartFile,
  encodeCart,
  encodeCartFile,
  isCart,
  isCartFile,
  readCartMetadata,
} from '../../../src/core/cart/index.js';
import { sink } from './test-support.js';


/** Yields `buf` in pieces of `size` bytes, to exercise every split point of the parsers. */
async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function encode(data: Buffer, opts: Parameters<typeof encodeCart>[2] = {}, chunk = 65536): Promise<Buffer> {
  const out = sink();
  await encodeCart(chunks(data, chunk), out.stream, opts);
  return out.bytes();
}

async function decode(cart: Buffer, opts: Parameters<typeof decodeCart>[2] = {}, chunk = 65536) {
  const out = sink();
  const meta = await decodeCart(chunks(cart, chunk), out.stream, opts);
  return { ...meta, data: out.bytes() };
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('CaRT round trip', () => {
  for (const size of [0, 1, 65535, 65536, 65537, 5 * 1024 * 1024]) {
    it(`round-trips ${size} random bytes`, async () => {
      const data = randomBytes(size);
      const cart = await encode(data, { name: `f${size}.bin` });
      assert.ok(isCart(cart));
      const { header, footer, data: back } = await decode(cart, { verify: true });
      assert.ok(back.equals(data));
      assert.deepEqual(header, { name: `f${size}.bin` });
      assert.deepEqual(footer, {
        length: String(size),
        md5: createHash('md5').update(data).digest('hex'),
        sha1: createHash('sha1').update(data).digest('hex'),
        sha256: sha256(data),
      });
    });
  }

  it('does not depend on how input and output are chunked', async () => {
    const data = Buffer.concat([randomBytes(70000), Buffer.alloc(70000, 0x41)]);
    const a = await encode(data, { name: 'x' }, 65536);
    const b = await encode(data, { name: 'x' }, 7);
    assert.ok(a.equals(b));
    for (const size of [1, 5, 37, 38, 39, 4096]) {
      const { data: back } = await decode(size === 1 ? await encode(data.subarray(0, 3000), { name: 'x' }) : a, {}, size);
      assert.ok(back.equals(size === 1 ? data.subarray(0, 3000) : data), `chunk size ${size}`);
    }
  });

  it('puts name and metadata in the header (metadata wins) and extra footer keys in the footer', async () => {
    const cart = await encode(Buffer.from('x'), {
      name: 'n.exe',
      metadata: { classification: 'TLP:AMBER', nested: { k: [1, 'v'] }, name: 'override.exe' },
      footer: { note: 'kept', sha256: 'replaced' },
    });
    const { header, footer } = await decode(cart);
    assert.deepEqual(header, { classification: 'TLP:AMBER', nested: { k: [1, 'v'] }, name: 'override.exe' });
    assert.equal(footer.note, 'kept');
    assert.equal(footer.sha256, sha256(Buffer.from('x')));
  });

  it('writes no optional header when there is no metadata', async () => {
    const cart = await encode(Buffer.from('abc'));
    assert.equal(cart.readBigUInt64LE(30), 0n);
    assert.deepEqual((await decode(cart)).header, {});
  });

  it('accepts a Readable as input and reports the CaRT length', async () => {
    const data = randomBytes(100000);
    const out = sink();
    const res = await encodeCart(Readable.from([data]), out.stream, { name: 'r' });
    assert.equal(res.cartLength, out.bytes().length);
    assert.equal(res.footer.sha256, sha256(data));
  });
});

describe('CaRT private keys', () => {
  const key = Buffer.from('my-secret-key-16');

  it('stores a zero key and needs the key to decode', async () => {
    const cart = await encode(Buffer.from('secret data'), { name: 's', key });
    assert.ok(cart.subarray(14, 30).equals(Buffer.alloc(16)));
    assert.equal((await decode(cart, { key })).data.toString(), 'secret data');
    await assert.rejects(decode(cart), (e: unknown) => e instanceof CartKeyError && /private key/.test(e.message));
    await assert.rejects(decode(cart, { key: Buffer.from('wrong-key-123456') }), CartKeyError);
  });

  it('reports a missing private key even without an optional header', async () => {
    const cart = await encode(Buffer.from('secret data'), { key });
    await assert.rejects(decode(cart), CartKeyError);
  });

  it('uses a supplied key even when the file stores the default key', async () => {
    const cart = await encode(Buffer.from('d'), { name: 'd' });
    await assert.rejects(decode(cart, { key }), CartKeyError);
  });

  it('rejects invalid keys up front', async () => {
    await assert.rejects(encode(Buffer.from('x'), { key: new Uint8Array(0) }), RangeError);
  });
});

describe('CaRT corrupt input', () => {
  let good: Buffer;
  before(async () => {
    good = await encode(randomBytes(200000), { name: 'c.bin' });
  });

  const rejectsFormat = (p: Promise<unknown>, re: RegExp) =>
    assert.rejects(p, (e: unknown) => e instanceof CartFormatError && re.test(e.message));

  it('rejects a bad magic, version or reserved field', async () => {
    const bad = Buffer.from(good);
    bad.write('CARX', 0, 'latin1');
    await rejectsFormat(decode(bad), /magic/);
    const v2 = Buffer.from(good);
    v2.writeInt16LE(2, 4);
    await rejectsFormat(decode(v2), /version/);
    assert.equal(isCart(v2), false);
    const res = Buffer.from(good);
    res[6] = 1;
    await rejectsFormat(decode(res), /reserved/);
  });

  it('rejects empty and truncated input at every stage', async () => {
    await rejectsFormat(decode(Buffer.alloc(0)), /Truncated/);
    await rejectsFormat(decode(good.subarray(0, 20)), /Truncated/);
    await rejectsFormat(decode(good.subarray(0, 45)), /Truncated/); // inside the optional header
    await rejectsFormat(decode(good.subarray(0, 1000)), /Truncated/); // inside the data
    await rejectsFormat(decode(good.subarray(0, good.length - 1)), /footer|Truncated/);
    await rejectsFormat(decode(good.subarray(0, good.length - 40)), /footer|Truncated/);
  });

  it('rejects trailing data and a damaged footer', async () => {
    await rejectsFormat(decode(Buffer.concat([good, Buffer.from('junk')])), /footer/);
    const trac = Buffer.from(good);
    trac.write('XRAC', good.length - 28, 'latin1');
    await rejectsFormat(decode(trac), /footer magic/);
  });

  it('rejects a damaged data stream', async () => {
    const bad = Buffer.from(good);
    for (let i = 1000; i < 1100; i++) bad[i] ^= 0xff;
    await rejectsFormat(decode(bad), /data/);
  });

  it('rejects an absurd optional header length without buffering the input', async () => {
    const bad = Buffer.from(good);
    bad.writeBigUInt64LE(1n << 40n, 30);
    await rejectsFormat(decode(bad), /too large/);
  });

  it('isCart is false for short or foreign data', () => {
    assert.equal(isCart(good.subarray(0, 37)), false);
    assert.equal(isCart(Buffer.alloc(64)), false);
    assert.equal(isCart(good.subarray(0, 38)), true);
  });
});

describe('CaRT files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cart-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('encodes and decodes files, naming the entry after the input', async () => {
    const data = randomBytes(300000);
    const src = join(dir, 'sample.exe');
    await writeFile(src, data);
    const enc = await encodeCartFile(src, join(dir, 'sample.exe.cart'), { metadata: { k: 'v' } });
    assert.deepEqual(enc.header, { name: 'sample.exe', k: 'v' });
    assert.ok(await isCartFile(join(dir, 'sample.exe.cart')));
    assert.equal(await isCartFile(src), false);
    const dec = await decodeCartFile(join(dir, 'sample.exe.cart'), join(dir, 'out.bin'));
    assert.ok((await readFile(join(dir, 'out.bin'))).equals(data));
    assert.deepEqual(dec.header, enc.header);
    assert.deepEqual(dec.footer, enc.footer);
  });

  it('reads the metadata alone', async () => {
    const data = randomBytes(150000);
    const src = join(dir, 'm.bin');
    await writeFile(src, data);
    const key = Buffer.from('0123456789abcdef');
    await encodeCartFile(src, join(dir, 'm.cart'), { name: 'orig.bin' });
    await encodeCartFile(src, join(dir, 'mk.cart'), { name: 'orig.bin', key });
    const meta = await readCartMetadata(join(dir, 'm.cart'));
    assert.deepEqual(meta.header, { name: 'orig.bin' });
    assert.equal(meta.footer.sha256, sha256(data));
    assert.equal(meta.footer.length, '150000');
    assert.deepEqual(await readCartMetadata(join(dir, 'mk.cart'), { key }), meta);
    await assert.rejects(readCartMetadata(join(dir, 'mk.cart')), CartKeyError);
    await assert.rejects(readCartMetadata(src), CartFormatError);
    const cut = join(dir, 'cut.cart');
    await writeFile(cut, (await readFile(join(dir, 'm.cart'))).subarray(0, 5000));
    await assert.rejects(readCartMetadata(cut), CartFormatError);
  });

  it('removes the partial output when decoding fails', async () => {
    const bad = join(dir, 'bad.cart');
    const good = await encode(randomBytes(200000), { name: 'b' });
    await writeFile(bad, good.subarray(0, 100000));
    await assert.rejects(decodeCartFile(bad, join(dir, 'bad.out')), CartFormatError);
    assert.equal(existsSync(join(dir, 'bad.out')), false);
  });
});
