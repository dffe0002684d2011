import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { FileHasher, hashFile, shannonEntropy } from '../../../src/sdk/hashes/file-hasher.js';
import { ssdeepHash } from '../../../src/sdk/hashes/ssdeep.js';
import { Tlsh } from '../../../src/sdk/hashes/tlsh.js';
import { seededBytes } from './test-support.js';

const CI = process.env.CI === 'true';


/** Entropy the plain way, to check the histogram-based one against. */
function naiveEntropy(data: Uint8Array): number {
  const counts = new Array<number>(256).fill(0);
  for (const b of data) counts[b]++;
  return -counts.filter((c) => c > 0).reduce((e, c) => e + (c / data.length) * Math.log2(c / data.length), 0);
}

/** Digest printed by `md5sum`/`sha1sum`/`sha256sum`, or null when the tool is missing. */
function coreutilsDigest(tool: string, path: string): string | null {
  const r = spawnSync(tool, [path]);
  if (r.error) return null;
  return r.stdout.toString().split(' ')[0];
}

describe('FileHasher and hashFile', () => {
  let dir = '';
  const files: Record<string, Buffer> = {
    empty: Buffer.alloc(0),
    one: Buffer.from([0x4d]),
    text: Buffer.from('The quick brown fox jumps over the lazy dog.\n'.repeat(100)),
    random: seededBytes(300_001, 6),
    constant: Buffer.alloc(100_000, 0x41),
    big: seededBytes(3 * 1024 * 1024 + 17, 7),
  };
  const path = (name: string) => join(dir, name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-hasher-'));
    for (const [name, data] of Object.entries(files)) await writeFile(path(name), data);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('md5, sha1 and sha256 agree with md5sum, sha1sum and sha256sum', async (t: TestContext) => {
    for (const name of Object.keys(files)) {
      const r = await hashFile(path(name));
      for (const [tool, value] of [
        ['md5sum', r.md5],
        ['sha1sum', r.sha1],
        ['sha256sum', r.sha256],
      ]) {
        const expected = coreutilsDigest(tool, path(name));
        if (expected === null) {
          if (CI) assert.fail(`${tool} is required when CI=true`);
          t.skip(`${tool} not installed`);
          return;
        }
        assert.equal(value, expected, `${tool} ${name}`);
      }
    }
  });

  it('returns size, fuzzy hashes and header consistent with the individual hashers', async () => {
    for (const [name, data] of Object.entries(files)) {
      const r = await hashFile(path(name), { chunkSize: 100_003 });
      assert.equal(r.size, data.length, name);
      assert.equal(r.ssdeep, ssdeepHash(data), name);
      const tl = new Tlsh().update(data);
      assert.equal(r.tlsh, tl.digestT1(), name);
      assert.equal(r.tlshLegacy, tl.digest(), name);
      assert.ok(r.header.equals(data.subarray(0, 64 * 1024)), name);
    }
    const empty = await hashFile(path('empty'));
    assert.equal(empty.ssdeep, '3::');
    assert.equal(empty.tlsh, null);
    assert.equal(empty.entropy, 0);
    assert.equal(empty.header.length, 0);
    assert.equal(empty.md5, 'd41d8cd98f00b204e9800998ecf8427e');
  });

  it('computes byte entropy: 0 for a constant file, close to 8 for random data', async () => {
    assert.equal((await hashFile(path('constant'))).entropy, 0);
    assert.equal((await hashFile(path('one'))).entropy, 0);
    const random = (await hashFile(path('big'))).entropy;
    assert.ok(random > 7.999 && random <= 8, `random entropy ${random}`);
    for (const name of ['text', 'random']) {
      const e = (await hashFile(path(name))).entropy;
      assert.ok(Math.abs(e - naiveEntropy(files[name])) < 1e-12, name);
    }
    const half = Buffer.from(seededBytes(10_000, 3).map((b) => b & 1));
    assert.ok(Math.abs(new FileHasher().update(half).finish().entropy - naiveEntropy(half)) < 1e-12);
    assert.equal(shannonEntropy(new Float64Array(256), 0), 0);
  });

  it('keeps a configurable header, copied from the input', async () => {
    const r = await hashFile(path('random'), { headerSize: 1000 });
    assert.ok(r.header.equals(files.random.subarray(0, 1000)));
    assert.equal((await hashFile(path('random'), { headerSize: 0 })).header.length, 0);
    assert.equal((await hashFile(path('text'), { headerSize: 1 << 20 })).header.length, files.text.length);

    const buf = Buffer.from('0123456789');
    const h = new FileHasher({ headerSize: 4 });
    h.update(buf);
    buf.fill(0);
    assert.equal(h.finish().header.toString(), '0123');
  });

  it('gives the same result for any chunking of the stream', async () => {
    const data = files.random;
    const expected = await hashFile(path('random'));
    for (const size of [1, 7, 65_536, 1 << 20]) {
      const h = new FileHasher({ expectedSize: size === 7 ? data.length : undefined });
      for (let i = 0; i < data.length; i += size) h.update(data.subarray(i, i + size));
      assert.deepEqual(h.finish(), expected, `chunks of ${size}`);
    }
    let seed = 99;
    const h = new FileHasher();
    for (let i = 0; i < data.length; ) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const n = seed % 9000;
      h.update(data.subarray(i, i + n));
      i += n;
    }
    assert.deepEqual(h.finish(), expected, 'random splits');
  });

  it('reads into buffers the caller lends, file after file, with the same results', async () => {
    const buffers: [Buffer, Buffer] = [Buffer.alloc(1 << 20), Buffer.alloc(1 << 20)];
    for (const name of ['big', 'text', 'empty', 'random', 'one']) {
      const lent = await hashFile(path(name), { buffers });
      assert.deepEqual(lent, await hashFile(path(name)), name);
    }
    // Buffers smaller than a read are not used; the result is the same.
    assert.deepEqual(await hashFile(path('big'), { buffers: [Buffer.alloc(10), Buffer.alloc(10)] }), await hashFile(path('big')));
  });

  it('refuses use after finish and reports a size different from the announced one', () => {
    const h = new FileHasher();
    h.finish();
    assert.throws(() => h.finish());
    assert.throws(() => h.update(Buffer.from('x')));
    const short = new FileHasher({ expectedSize: 10 });
    short.update(Buffer.alloc(5));
    assert.throws(() => short.finish(), /expected 10 bytes/);
  });

  it('rejects for a missing file or an aborted signal', async () => {
    await assert.rejects(hashFile(path('does-not-exist')), { code: 'ENOENT' });
    await assert.rejects(hashFile(path('big'), { signal: AbortSignal.abort() }), { name: 'AbortError' });
    const ac = new AbortController();
    const p = hashFile(path('big'), { chunkSize: 4096, signal: ac.signal });
    ac.abort();
    await assert.rejects(p, { name: 'AbortError' });
  });
});
