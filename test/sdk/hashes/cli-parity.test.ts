// Byte-for-byte parity with the reference command line tools: Debian's `ssdeep` 2.14.1 and `tlsh`
// (tlsh-tools 3.4.4). Every file of the shared test corpus plus generated inputs (sizes around the
// block-size boundaries, empty and tiny inputs, multi-megabyte, repetitive, zero-terminated) are hashed
// by both and must agree exactly; similarity scores and distances are checked on many pairs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it, type TestContext } from 'node:test';
import { hashFile } from '../../../src/sdk/hashes/file-hasher.js';
import { Ssdeep, ssdeepCompare, ssdeepHash } from '../../../src/sdk/hashes/ssdeep.js';
import { Tlsh, tlshDiff } from '../../../src/sdk/hashes/tlsh.js';
import { seededBytes } from './test-support.js';

const CI = process.env.CI === 'true';
const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORPUS = join(PROJECT_ROOT, '..', 'shared', 'corpus');
const CORPUS_DIRS = ['strelka-fixtures', 'al-identify'].map((d) => join(CORPUS, d));

function toolWorks(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error;
}
const HAVE = { ssdeep: toolWorks('ssdeep', ['-V']), tlsh: toolWorks('tlsh', ['-version']) };

/** A missing tool or corpus skips the test with a message locally, and fails it in CI. */
function requireTools(t: TestContext, ...tools: Array<keyof typeof HAVE>): boolean {
  const missing = tools.filter((k) => !HAVE[k]);
  if (missing.length === 0) return true;
  const msg = `${missing.join(' and ')} not installed (apt-get install ssdeep tlsh-tools)`;
  if (CI) assert.fail(`${msg}; required when CI=true`);
  t.skip(msg);
  return false;
}

function requireCorpus(t: TestContext): boolean {
  if (CORPUS_DIRS.every((d) => existsSync(d))) return true;
  const msg = `test corpus not found under ${CORPUS}`;
  if (CI) assert.fail(msg);
  t.skip(msg);
  return false;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r.stdout.toString('latin1');
}

/** ssdeep digests of many files in one run of the tool (CSV output: `digest,"path"`). */
function cliSsdeep(paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < paths.length; i += 200) {
    for (const line of run('ssdeep', ['-s', '-c', ...paths.slice(i, i + 200)]).split('\n')) {
      const m = /^(\d+:[^,]*),"(.*)"$/.exec(line);
      if (m) out.set(m[2], m[1]);
    }
  }
  return out;
}

/** TLSH digest the tool prints for a file, or null when it prints none ("file too small", "cannot hash"). */
function cliTlsh(path: string): string | null {
  const m = /^([0-9A-F]{70})\t/.exec(run('tlsh', ['-f', path]));
  return m ? m[1] : null;
}

function corpusFiles(): string[] {
  return CORPUS_DIRS.flatMap((d) =>
    readdirSync(d)
      .map((name) => join(d, name))
      .filter((p) => statSync(p).isFile()),
  ).sort();
}

/** Deterministic pseudo-random bytes (xorshift32), so failures are reproducible. */

/** `period` random bytes repeated up to `total`, then `zeros` zero bytes: triggers at the same spots
 * in every period fill the digest to its 64-character limit, and a run of 7+ zeros leaves the rolling
 * hash at 0, the case where libfuzzy's handling of the final character differs. */
function periodic(period: number, total: number, zeros: number): Buffer {
  const block = seededBytes(period, period);
  const b = Buffer.alloc(total + zeros);
  for (let i = 0; i < total; i++) b[i] = block[i % period];
  return b;
}

function generatedInputs(): Map<string, Buffer> {
  const cases = new Map<string, Buffer>();
  const sizes = [
    0, 1, 2, 6, 7, 8, 49, 50, 51, 191, 192, 193, 255, 256, 257, 511, 512, 513, 1023, 1024, 4095, 4096, 6143, 6144,
    6145, 12287, 12288, 12289, 24576, 98303, 98304, 98305, 196608, 1_000_000, 3_145_727, 3_145_728, 3_145_729,
  ];
  for (const n of sizes) cases.set(`random-${n}`, seededBytes(n, n + 1));
  cases.set('random-3000000', seededBytes(3_000_000, 77));
  cases.set('zeros-300', Buffer.alloc(300));
  cases.set('zeros-10000', Buffer.alloc(10_000));
  cases.set('ff-5000', Buffer.alloc(5000, 0xff));
  cases.set('abc-1M', Buffer.from('abc'.repeat(350_000)));
  cases.set('sentence-100k', Buffer.from('The quick brown fox jumps over the lazy dog.\n'.repeat(2300)));
  cases.set('two-symbols-20k', Buffer.from(seededBytes(20_000, 5).map((b) => b & 1)));
  cases.set('random-100k-zero-tail', Buffer.concat([seededBytes(100_000, 9), Buffer.alloc(64)]));
  cases.set('random-100k-zero-tail-6', Buffer.concat([seededBytes(100_000, 10), Buffer.alloc(6)]));
  for (const [p, total] of [
    [1000, 2_000_000],
    [257, 300_000],
    [4099, 1_000_000],
    [64, 100_000],
    [7, 50_000],
  ]) {
    for (const z of [0, 7, 64]) cases.set(`periodic-${p}-${total}-z${z}`, periodic(p, total, z));
  }
  return cases;
}

describe('hash parity with the ssdeep and tlsh command line tools', () => {
  let dir = '';
  let generated = new Map<string, Buffer>();
  const genPath = (name: string) => join(dir, name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hash-parity-'));
    generated = generatedInputs();
    for (const [name, data] of generated) await writeFile(genPath(name), data);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ssdeep equals `ssdeep` on every corpus file', (t) => {
    if (!requireTools(t, 'ssdeep') || !requireCorpus(t)) return;
    const files = corpusFiles();
    assert.ok(files.length > 100, `expected the corpus to hold many files, found ${files.length}`);
    const expected = cliSsdeep(files);
    for (const f of files) {
      const data = readFileSync(f);
      assert.equal(ssdeepHash(data), expected.get(f), f);
      // Streaming in small pieces with the length announced must not change anything.
      const s = new Ssdeep(data.length);
      for (let i = 0; i < data.length; i += 4093) s.update(data.subarray(i, i + 4093));
      assert.equal(s.digest(), expected.get(f), `${f} (streamed)`);
    }
    t.diagnostic(`${files.length} corpus files compared`);
  });

  it('TLSH equals `tlsh -f` on every corpus file', (t) => {
    if (!requireTools(t, 'tlsh') || !requireCorpus(t)) return;
    const files = corpusFiles();
    let hashed = 0;
    for (const f of files) {
      const expected = cliTlsh(f);
      const h = new Tlsh().update(readFileSync(f));
      assert.equal(h.digest(), expected, f);
      // For inputs of 256 bytes or more the 4.x form carries the same body.
      if (expected) {
        assert.equal(h.digestT1(), `T1${expected}`, f);
        hashed++;
      }
    }
    t.diagnostic(`${files.length} corpus files compared, ${hashed} with a digest`);
  });

  it('ssdeep equals `ssdeep` on generated inputs, whole and streamed in odd pieces', (t) => {
    if (!requireTools(t, 'ssdeep')) return;
    const expected = cliSsdeep([...generated.keys()].map(genPath));
    let fullWithZeroTail = 0;
    for (const [name, data] of generated) {
      const want = expected.get(genPath(name));
      assert.equal(ssdeepHash(data), want, name);
      const s = new Ssdeep();
      for (let i = 0, step = 1; i < data.length; i += step, step = ((step * 7 + 3) % 65_521) + 1) {
        s.update(data.subarray(i, i + step));
      }
      assert.equal(s.digest(), want, `${name} (streamed)`);
      if (want?.split(':')[1].length === 64 && data.subarray(-7).every((b) => b === 0)) fullWithZeroTail++;
    }
    assert.ok(fullWithZeroTail > 0, 'no generated input covers a full digest ending on a zero rolling hash');
    assert.equal(ssdeepHash(Buffer.alloc(0)), '3::');
  });

  it('TLSH equals `tlsh -f` on generated inputs, whole and streamed in odd pieces', (t) => {
    if (!requireTools(t, 'tlsh')) return;
    for (const [name, data] of generated) {
      const want = cliTlsh(genPath(name));
      assert.equal(new Tlsh().update(data).digest(), want, name);
      const h = new Tlsh();
      for (let i = 0, step = 1; i < data.length; i += step, step = ((step * 5 + 1) % 40_009) + 1) {
        h.update(data.subarray(i, i + step));
      }
      assert.equal(h.digest(), want, `${name} (streamed)`);
    }
  });

  it('hashFile gives the same fuzzy hashes as the tools', async (t) => {
    if (!requireTools(t, 'ssdeep', 'tlsh')) return;
    const names = ['random-0', 'random-1', 'random-257', 'random-3145728', 'periodic-257-300000-z7', 'abc-1M'];
    const expected = cliSsdeep(names.map(genPath));
    for (const name of names) {
      const r = await hashFile(genPath(name), { chunkSize: 65_537 });
      assert.equal(r.ssdeep, expected.get(genPath(name)), name);
      assert.equal(r.tlshLegacy, cliTlsh(genPath(name)), name);
    }
  });

  it('ssdeepCompare equals the scores of `ssdeep -x`', async (t) => {
    if (!requireTools(t, 'ssdeep')) return;
    // Related inputs at several sizes: byte edits, an insertion, truncations (which halve the block
    // size), plus unrelated ones and hand-written digests with long character runs.
    const digests: string[] = [];
    for (const [n, seed] of [
      [20_000, 1],
      [200_000, 2],
      [1_500_000, 3],
    ]) {
      const base = seededBytes(n, seed);
      const edited = Buffer.from(base);
      for (let i = 0; i < n; i += Math.floor(n / 40)) edited[i] ^= 0x5a;
      const inserted = Buffer.concat([base.subarray(0, n >> 1), seededBytes(n >> 6, 99), base.subarray(n >> 1)]);
      for (const d of [base, edited, inserted, base.subarray(0, (n * 2) / 3), base.subarray(0, n >> 1), base.subarray(n >> 2)]) {
        digests.push(ssdeepHash(d));
      }
    }
    digests.push(ssdeepHash(readFileSync(genPath('sentence-100k'))));
    digests.push(ssdeepHash(Buffer.from('The quick brown fox jumps over the lazy cat.\n'.repeat(2300))));
    digests.push(
      '96:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbcdefghij:AAAAAAbcdefghij',
      '96:AAAbcdefghijklmno:AAAAAAAAAbcdefgh',
      '48:xyzAAAAAbcdefghijklmnopq:AAAbcdefghijklmno',
      '192:bcdefghijklmno:bcdefghij',
      '3:abcdefg:abcdefg',
      '3:abcdefgh:abcdefg',
      '6:abcdefgh:abcdefgx',
    );
    const lines = digests.map((d, i) => `${d},"${i}"`);
    const sigFile = join(dir, 'pairs.sig');
    await writeFile(sigFile, `ssdeep,1.1--blocksize:hash:hash,filename\n${lines.join('\n')}\n`);
    let compared = 0;
    for (const line of run('ssdeep', ['-a', '-c', '-x', sigFile]).split('\n')) {
      const m = /^"(\d+)","(\d+)",(\d+)$/.exec(line);
      if (!m) continue;
      const [a, b, score] = [Number(m[1]), Number(m[2]), Number(m[3])];
      assert.equal(ssdeepCompare(digests[a], digests[b]), score, `${digests[a]} vs ${digests[b]}`);
      compared++;
    }
    assert.ok(compared >= digests.length * (digests.length - 1) * 0.9, `only ${compared} pairs were reported`);
    t.diagnostic(`${compared} pairs compared`);
  });

  it('tlshDiff equals the distances of `tlsh -xref`, with and without the length term', async (t) => {
    if (!requireTools(t, 'tlsh')) return;
    const digests: string[] = [];
    for (const [n, seed] of [
      [5_000, 1],
      [300_000, 2],
    ]) {
      const base = seededBytes(n, seed);
      const edited = Buffer.from(base);
      for (let i = 0; i < n; i += 97) edited[i] = 0;
      for (const d of [base, edited, base.subarray(0, n >> 1), base.subarray(0, 600)]) {
        const h = new Tlsh().update(d).digest();
        if (h) digests.push(h);
      }
    }
    for (const name of ['sentence-100k', 'abc-1M', 'periodic-1000-2000000-z0', 'random-3145728']) {
      const h = new Tlsh().update(readFileSync(genPath(name))).digest();
      if (h) digests.push(h);
    }
    const list = join(dir, 'tlsh.list');
    await writeFile(list, digests.map((d, i) => `${d}\t${i}\n`).join(''));
    for (const xlen of [false, true]) {
      let compared = 0;
      for (const line of run('tlsh', ['-xref', '-l', list, ...(xlen ? ['-xlen'] : [])]).split('\n')) {
        const m = /^(\d+)\t(\d+)\t\s*(\d+)$/.exec(line);
        if (!m) continue;
        const [a, b, dist] = [Number(m[1]), Number(m[2]), Number(m[3])];
        assert.equal(tlshDiff(digests[a], digests[b], !xlen), dist, `${digests[a]} vs ${digests[b]} xlen=${xlen}`);
        assert.equal(tlshDiff(`T1${digests[a]}`, digests[b].toLowerCase(), !xlen), dist);
        compared++;
      }
      assert.equal(compared, (digests.length * (digests.length - 1)) / 2);
    }
  });
});
