// Byte-exact checks against the format description and against files produced by the reference implementation.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { CartFormatError, decodeCart, encodeCart, isCart } from '../../../src/core/cart/index.js';
import { rc4 } from '../../../src/core/cart/rc4.js';
import { sink } from './test-support.js';

const PI_KEY = Buffer.from('0301040105090206'.repeat(2), 'hex');


async function encode(data: Buffer, opts: Parameters<typeof encodeCart>[2]): Promise<Buffer> {
  const out = sink();
  await encodeCart(Readable.from([data]), out.stream, opts);
  return out.bytes();
}

async function decode(cart: Buffer, opts: Parameters<typeof decodeCart>[2] = {}) {
  const out = sink();
  const meta = await decodeCart(Readable.from([cart]), out.stream, opts);
  return { ...meta, data: out.bytes() };
}

/** A CaRT assembled field by field from the format description, with the JSON texts given verbatim. */
function buildCart(data: Buffer, headerJson: string, footerJson: string, key = PI_KEY, storedKey = key): Buffer {
  const optHeader = headerJson ? Buffer.from(rc4(key, Buffer.from(headerJson))) : Buffer.alloc(0);
  const mandatoryHeader = Buffer.alloc(38);
  mandatoryHeader.write('CART', 0, 'latin1');
  mandatoryHeader.writeUInt16LE(1, 4); // version; bytes 6..13 reserved zero
  storedKey.copy(mandatoryHeader, 14);
  mandatoryHeader.writeBigUInt64LE(BigInt(optHeader.length), 30);
  const body = Buffer.from(rc4(key, deflateSync(data, { level: 1 })));
  const optFooter = Buffer.from(rc4(key, Buffer.from(footerJson)));
  const footerPos = 38 + optHeader.length + body.length;
  const mandatoryFooter = Buffer.alloc(28);
  mandatoryFooter.write('TRAC', 0, 'latin1');
  mandatoryFooter.writeBigUInt64LE(BigInt(footerPos), 12);
  mandatoryFooter.writeBigUInt64LE(BigInt(optFooter.length), 20);
  return Buffer.concat([mandatoryHeader, optHeader, body, optFooter, mandatoryFooter]);
}

function digestsJson(data: Buffer): string {
  const h = (alg: string): string => createHash(alg).update(data).digest('hex');
  return `{"length":"${data.length}","md5":"${h('md5')}","sha1":"${h('sha1')}","sha256":"${h('sha256')}"}`;
}

// Produced by a separate Python implementation of the reference format (json.dumps with sort_keys and compact
// separators, zlib.compressobj(1), plain RC4): "hello" named a.txt.
const REF_HELLO =
  'Q0FSVAEAAAAAAAAAAAADAQQBBQkCBgMBBAEFCQIGEAAAAAAAAADCpKVcU9VD93l0eNB5R8LYwYcAdfN5qMpbE3qmFMKkp1hQ1xWleS90kSMfwsjb' +
  '04sHsHkYI3tOXoThujV3cihTwyU2PrsYHG0jiIegh1RFWB/qMz3a5QcJKOxP8EaDD4WH6vEYqfTviuJTAXm03DUwDmaIPO+ZdZC5i32p0QAXBxJf' +
  'hb5I7lIc7PQua3kKlwty5ZJ0dt97EaS0RVbIgYuHig20afg54HFgtpbqyWIq2Ifjnq+UJY25X3cIS92BsGPzZXVTKqHH8Mw3v2fejRcyWNFUUkFD' +
  'AAAAAAAAAABDAAAAAAAAALUAAAAAAAAA';

// Same producer: repetitive text plus every byte value, with non-ASCII, astral and nested metadata.
const REF_V1_DATA = Buffer.concat([
  Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(20)),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
]);
const REF_V1_HEADER = {
  name: 'r\u00e9sum\u00e9 \u{1F600}.txt',
  zeta: { b: 1, a: [true, null, 0.5, 1e-5] },
  classification: 'TLP:CLEAR',
  '\ue000': 'pua',
  '\u{1F600}k': 'astral',
};
const REF_V1 =
  'Q0FSVAEAAAAAAAAAAAADAQQBBQkCBgMBBAEFCQIGmgAAAAAAAADCpKhRX8MSpD18NcV1Wo/LndyLad4cRlQGPy/kovR0LXF3V9YpdnXQXBU5f4DF' +
  '5ds/U10WvSgxpOMLUCqqKadDh1mByqi4CO+7rsXiHwFp6sZ1NEg54y6ujiSE5Z11/JxVWAsKXdT3WvctQ6b3PmR+VYELHPORdnKLO0qzolIHi56Z' +
  'vs1f6WKvB6d0ZrPEuI5qMdzF9d34yWLFwYfA9HblSeGWWZjySRkqinC14fY9HLQ9h1dG4Ej3HW5CMjO+9HBR2QOB7b1SnxQ6SThgqwmlUBUKrajR' +
  'CrkQ7SSncC0ZDb8GUKOfr09MafqbeXRDJpV599zuCCNMtTIaw9ifj8kcecFlHw/s8XA8JU7DSCnjmSUp3PaQeTbLhENUVQNR3jyyILzNABuX6MG2' +
  'Rg2sr5Syir5XJ0r2hfXucyUbl13D2PSCBa6SrVDbV73je1cj+Z6IZlOFJWETXkpfBjTere2hU5mFA91W3zeG4S1rrBaJ6Rxf/wDMWSP7KpInoiwE' +
  'MJegegY/+nQXGASWBYdqI0iJFbuqT3x2fjbslxJFSV4BoAcX+Q96kbNcCcpvKUSAnq5DDD4YtjbPIafW/F3zPiskJB8AGM6aAamilC4SzzKGn6eW' +
  'jV8sK1DuCu3568t0n75/0XWK9m8uwqSnWFDXFaV5L3SVMAbWh5PExFmnbkY1KxwPhLC5MnB0KwHAcTBkuhkROi+I0PWEAkQLRbwjd8G0Q0pqphTj' +
  'BdhLiIHt90v/oemGt1NXcrGMMmJSMNxo5M8nnO/QeKiEABVYFF7T6Q+hQ02ot282LhqYH2K81nAgjCBDpOBDX56LioeKWOFp/G7mdTu6kuGaZ3CE' +
  'grXMr5dwjO1cIgtE3YqzNvVnfVUpq8GnxD3mYdSEHD4Zz/L5QFRSQUMAAAAAAAAAAA0CAAAAAAAAuAAAAAAAAAA=';

// Same producer: empty content, no optional header, private key "0123456789abcdef" (16 zero bytes stored).
const REF_PRIVATE_EMPTY =
  'Q0FSVAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD8aUNZ/U6gmf9KLDyTKdTwK8x4ruK/cSiG2ArqrlXPW4h+LstjDwE0PYT/JAYL' +
  'glsVjeQiWjmiapyYVoxQu03lgzZYHi2N8DLQ4B1v4xyAGX5smL3fBuEf1z9NljhhR/XowCZUTGv842a1oPIsKOgSBVCXoJxb8+KuksCzIcKEOySL' +
  'YPv7EdNZMliFKfh5UcLOhk0fUaveye/pVSACkMZ/UX6Ydg6EthUCnMudy0TxNNHkoNLZkvmEt6q8KBpUUkFDAAAAAAAAAAAuAAAAAAAAALUAAAAA' +
  'AAAA';
const PRIVATE_KEY = Buffer.from('0123456789abcdef');

describe('CaRT test vectors', () => {
  it('encodes "hello" exactly as the hand-built layout', async () => {
    const data = Buffer.from('hello');
    const expected = buildCart(data, '{"name":"a.txt"}', digestsJson(data));
    const ours = await encode(data, { name: 'a.txt' });
    assert.equal(ours.toString('hex'), expected.toString('hex'));
    assert.equal(ours.subarray(0, 38).toString('hex'), '4341525401000000000000000000' + PI_KEY.toString('hex') + '1000000000000000');
    assert.ok(isCart(ours));
  });

  it('encodes with a private key exactly as the hand-built layout (zero key stored)', async () => {
    const data = Buffer.from('private bytes');
    const key = Buffer.from('sixteen byte key');
    const expected = buildCart(data, '{"name":"p"}', digestsJson(data), key, Buffer.alloc(16));
    assert.deepEqual(await encode(data, { name: 'p', key }), expected);
  });

  it('decodes and reproduces a reference CaRT of "hello"', async () => {
    const ref = Buffer.from(REF_HELLO, 'base64');
    const { header, footer, data } = await decode(ref, { verify: true });
    assert.equal(data.toString(), 'hello');
    assert.deepEqual(header, { name: 'a.txt' });
    assert.equal(footer.sha256, createHash('sha256').update('hello').digest('hex'));
    assert.equal(footer.length, '5');
    assert.deepEqual(await encode(Buffer.from('hello'), { name: 'a.txt' }), ref);
  });

  it('decodes and reproduces a reference CaRT with non-ASCII, nested metadata', async () => {
    const ref = Buffer.from(REF_V1, 'base64');
    const { header, footer, data } = await decode(ref);
    assert.deepEqual(data, REF_V1_DATA);
    assert.deepEqual(header, REF_V1_HEADER);
    assert.equal(footer.md5, createHash('md5').update(REF_V1_DATA).digest('hex'));
    // Node bundles Chromium's zlib, whose level-1 match finder differs from stock zlib's, so the compressed
    // bytes (and therefore the footer offset) may differ here while both are valid. Everything else must match.
    const { name, ...metadata } = REF_V1_HEADER;
    const ours = await encode(REF_V1_DATA, { name, metadata });
    const headEnd = 38 + Number(ref.readBigUInt64LE(30));
    assert.equal(ours.subarray(0, headEnd).toString('hex'), ref.subarray(0, headEnd).toString('hex'));
    const optFooterLen = Number(ref.readBigUInt64LE(ref.length - 8));
    const tail = (b: Buffer): Buffer => b.subarray(b.length - 28 - optFooterLen, b.length - 16);
    assert.equal(tail(ours).toString('hex'), tail(ref).toString('hex'));
    const again = await decode(ours);
    assert.deepEqual(again.data, REF_V1_DATA);
    assert.deepEqual(again.footer, footer);
  });

  it('decodes and reproduces a reference CaRT made with a private key', async () => {
    const ref = Buffer.from(REF_PRIVATE_EMPTY, 'base64');
    const { header, footer, data } = await decode(ref, { key: PRIVATE_KEY });
    assert.equal(data.length, 0);
    assert.deepEqual(header, {});
    assert.equal(footer.length, '0');
    assert.deepEqual(await encode(Buffer.alloc(0), { key: PRIVATE_KEY }), ref);
  });

  it('verify catches a footer that does not match the content', async () => {
    const data = Buffer.from('content');
    const lie = digestsJson(Buffer.from('other!!')); // same length, other digests
    const cart = buildCart(data, '', lie);
    assert.equal((await decode(cart)).data.toString(), 'content'); // not checked unless asked
    await assert.rejects(decode(cart, { verify: true }), (e: unknown) => e instanceof CartFormatError && /sha256/.test(e.message));
  });
});
