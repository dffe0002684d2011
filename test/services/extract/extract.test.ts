// The Extract service against the strelka fixture corpus, with Debian's native 7-Zip as the oracle for the
// list of files each archive holds, plus built archives for the bomb and path-traversal cases.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import type { ServiceOutput, ServiceTask } from '../../../src/sdk/index.js';
import { ServicePool } from '../../../src/core/runtime/index.js';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { checkOutput } from '../../../src/core/runtime/output.js';
import { execute, manifest } from '../../../src/services/extract/index.js';
import { parseListing } from '../../../src/services/extract/listing.js';
import { emailWords } from '../../../src/sdk/passwords.js';
import { sanitiseEntryName } from '../../../src/services/extract/paths.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = resolve(root, '../shared/corpus/strelka-fixtures');
const ORACLE = '/usr/bin/7z';
const haveOracle = existsSync(ORACLE);
const haveFixtures = existsSync(fixtures);
const isCI = process.env.CI === 'true';

function task(fileType: string, overrides: Partial<ServiceTask> = {}): ServiceTask {
  return {
    sid: 'sid-extract-test', sha256: '0'.repeat(64), fileType, fileName: 'sample',
    fileInfo: { md5: '', sha1: '', sha256: '0'.repeat(64), size: 0, type: fileType, magic: '', mime: null },
    depth: 0, maxFiles: 500, deepScan: false, ignoreCache: false,
    serviceConfig: { ...manifest.config }, tempSubmissionData: {}, tags: [], metadata: {},
    ...overrides,
  };
}

let scratch = '';
before(async () => { scratch = await mkdtemp(join(tmpdir(), 'extract-test-')); });
after(async () => { await rm(scratch, { recursive: true, force: true }); });

async function run(filePath: string, t: ServiceTask): Promise<{ out: ServiceOutput; workDir: string; ms: number }> {
  const workDir = await mkdtemp(join(scratch, 'work-'));
  const started = performance.now();
  const out = await execute(t, { filePath, workDir, signal: new AbortController().signal, log: () => undefined });
  const ms = performance.now() - started;
  // Every reply must pass the runtime's own output check.
  const checked = await checkOutput(out, workDir);
  assert.ok(checked.ok, checked.ok ? '' : checked.message);
  return { out, workDir, ms };
}

/** Files (not folders) the native 7-Zip lists, named the way the service names them. */
function oracleFiles(file: string, password: string): string[] {
  const r = spawnSync(ORACLE, ['l', '-slt', '-ba', `-p${password}`, file], { encoding: 'utf8' });
  // A nameless single stream (bz2, xz) is named after the archive without its extension.
  const streamName = basename(file).replace(/\.[^.]+$/, '');
  return parseListing(r.stdout).filter((e) => !e.isDir).map((e) => sanitiseEntryName(e.path, streamName)).sort();
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath ?? e.path, e.name))).size;
  }
  return total;
}

const CASES: Array<{ file: string; type: string; password?: string }> = [
  { file: 'test.zip', type: 'archive/zip' },
  { file: 'test.7z', type: 'archive/7-zip' },
  { file: 'test.tar', type: 'archive/tar' },
  { file: 'test.gz', type: 'archive/gzip' },
  { file: 'test.bz2', type: 'archive/bzip2' },
  { file: 'test.xz', type: 'archive/xz' },
  { file: 'test_zip.cab', type: 'archive/cabinet' },
  { file: 'test_lzx.cab', type: 'archive/cabinet' },
  { file: 'test.cpio', type: 'archive/cpio' },
  { file: 'test.iso', type: 'archive/iso' },
  { file: 'test.rar', type: 'archive/rar' },
  { file: 'test_zip_password.zip', type: 'archive/zip', password: 'password' },
  { file: 'test_aes256_password.zip', type: 'archive/zip', password: 'password' },
  { file: 'test_password.7z', type: 'archive/7-zip', password: 'password' },
];

describe('Extract on the strelka fixtures (oracle: native 7z)', () => {
  const timings: string[] = [];
  after(() => { if (timings.length) console.log(`Extract timings:\n  ${timings.join('\n  ')}`); });

  for (const c of CASES) {
    it(`extracts ${c.file}`, async (t) => {
      if (!haveFixtures) {
        if (isCI) assert.fail(`fixtures missing at ${fixtures}`);
        return t.skip('strelka fixtures not present');
      }
      if (!haveOracle) {
        if (isCI) assert.fail(`${ORACLE} is required in CI`);
        return t.skip(`${ORACLE} not installed`);
      }
      const file = join(fixtures, c.file);
      const { out, workDir, ms } = await run(file, task(c.type, { fileName: c.file }));
      timings.push(`${c.file}: ${ms.toFixed(0)} ms`);
      const expected = oracleFiles(file, c.password ?? '');
      assert.ok(expected.length > 0, 'the oracle lists files');
      const names = (out.extracted ?? []).map((e) => e.name).sort();
      assert.deepEqual(names, expected);
      for (const e of out.extracted ?? []) {
        assert.ok(!relative(workDir, e.path).startsWith('..'), 'extracted files stay in the work dir');
        assert.ok((await stat(e.path)).isFile());
      }
      assert.equal(out.sections[0]?.heuristic?.id, 1);
      if (c.password) {
        assert.deepEqual(out.tempSubmissionData?.passwords, [c.password]);
        const found = out.sections.find((s) => s.title === 'Password found');
        assert.ok(found, 'reports the password');
        assert.equal(found.heuristic?.id, 10);
        assert.match(String(found.body), new RegExp(c.password));
      } else {
        assert.equal(out.tempSubmissionData, undefined);
      }
    });
  }

  it('extracted content matches the original bytes (test.zip)', async (t) => {
    if (!haveFixtures) return t.skip('strelka fixtures not present');
    const { out } = await run(join(fixtures, 'test.zip'), task('archive/zip'));
    const lorem = out.extracted?.find((e) => e.name === 'lorem.txt');
    assert.ok(lorem);
    const text = await readFile(lorem.path, 'utf8');
    assert.equal(text.length, 4015);
    assert.match(text, /^Lorem ipsum/);
  });

  it('reports "password not found" on test_password_brute.7z', async (t) => {
    if (!haveFixtures) return t.skip('strelka fixtures not present');
    const { out, ms } = await run(join(fixtures, 'test_password_brute.7z'), task('archive/7-zip'));
    timings.push(`test_password_brute.7z: ${ms.toFixed(0)} ms`);
    assert.equal(out.extracted?.length ?? 0, 0);
    const failed = out.sections.find((s) => /password not found/.test(s.title));
    assert.ok(failed, 'password-not-found section');
    assert.equal(failed.heuristic?.id, 12);
    assert.equal(out.tempSubmissionData, undefined);
  });

  it('recovers each entry of a zip with mixed encryption and names the one left locked', async (t) => {
    if (!haveFixtures) return t.skip('strelka fixtures not present');
    const { out } = await run(join(fixtures, 'test_mixedcrypto.zip'), task('archive/zip'));
    const names = (out.extracted ?? []).map((e) => e.name).sort();
    assert.deepEqual(names, ['test.txt', 'test_aes256.txt', 'test_zipcrypto.txt']);
    for (const e of out.extracted ?? []) assert.ok((await stat(e.path)).size > 0, `${e.name} is not empty`);
    assert.deepEqual(out.tempSubmissionData?.passwords, ['password']);
    const failed = out.sections.find((s) => /password not found/.test(s.title));
    assert.ok(failed);
    assert.equal(failed.heuristic?.id, 12);
    assert.match(String(failed.body), /test_zipcrypto_badpw\.txt/);
    assert.equal(out.partial, true);
  });

  it('finds the password in the email body and in shared passwords', async (t) => {
    if (!haveFixtures) return t.skip('strelka fixtures not present');
    const file = join(fixtures, 'test_password.7z');
    const noDefaults = { ...manifest.config, passwords: [] };
    const fromEmail = await run(file, task('archive/7-zip', {
      serviceConfig: noDefaults, tempSubmissionData: { email_body: 'Hi,\nthe archive is attached; pass: "password".\nRegards' },
    }));
    assert.equal(fromEmail.out.extracted?.length, 4);
    assert.deepEqual(fromEmail.out.tempSubmissionData?.passwords, ['password']);
    const fromShared = await run(file, task('archive/7-zip', { serviceConfig: noDefaults, tempSubmissionData: { passwords: ['nope', 'password'] } }));
    assert.equal(fromShared.out.extracted?.length, 4);
    const fromSpec = await run(file, task('archive/7-zip', { serviceConfig: { ...noDefaults, password: 'password' } }));
    assert.equal(fromSpec.out.extracted?.length, 4);
    const none = await run(file, task('archive/7-zip', { serviceConfig: noDefaults }));
    assert.equal(none.out.extracted?.length ?? 0, 0);
    const failed = none.out.sections.find((s) => /password not found/.test(s.title));
    assert.ok(failed);
    assert.match(String(failed.body), /hidden\/lorem-hidden\.txt/);
  });
});

describe('Extract safety', () => {
  it('stops a 200 MB zip bomb from the listing, writing nothing', async () => {
    const writer = new ZipWriter(new Uint8ArrayWriter());
    const chunk = new Uint8Array(1024 * 1024);
    let left = 200;
    const zeros = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (left-- > 0) controller.enqueue(chunk);
        else controller.close();
      },
    });
    await writer.add('zeros.bin', zeros, { level: 9 });
    await writer.add('small.txt', new Uint8ArrayReader(new TextEncoder().encode('hello')));
    const bytes = await writer.close();
    assert.ok(bytes.length < 2 * 1024 * 1024, `bomb is small (${bytes.length} bytes)`);
    const bomb = join(scratch, 'bomb.zip');
    await writeFile(bomb, bytes);

    const { out, workDir, ms } = await run(bomb, task('archive/zip'));
    console.log(`Extract timing: zip bomb (${bytes.length} bytes → 200 MiB): ${ms.toFixed(0)} ms`);
    assert.deepEqual((out.extracted ?? []).map((e) => e.name), ['small.txt']);
    const limits = out.sections.find((s) => s.title === 'Extraction limits exceeded');
    assert.ok(limits, 'limits section');
    assert.equal(limits.heuristic?.id, 100);
    assert.ok(limits.heuristic?.signatures?.compression_ratio, 'ratio signature');
    assert.match(String((limits.body as Record<string, unknown>).skipped), /zeros\.bin/);
    assert.equal(out.partial, true);
    assert.ok((await dirBytes(workDir)) < 1024 * 1024, 'the 200 MB were never written');
  });

  it('a tight byte budget caps what is written even when the listing is trusted', async () => {
    const writer = new ZipWriter(new Uint8ArrayWriter());
    await writer.add('a.bin', new Uint8ArrayReader(new Uint8Array(300_000)));
    await writer.add('b.bin', new Uint8ArrayReader(new Uint8Array(300_000)));
    const zip = join(scratch, 'two.zip');
    await writeFile(zip, await writer.close());
    const config = { ...manifest.config, max_total_bytes: 400_000, ratio_min_bytes: 400_000 };
    const { out, workDir } = await run(zip, task('archive/zip', { serviceConfig: config }));
    assert.deepEqual((out.extracted ?? []).map((e) => e.name), ['a.bin']);
    assert.ok((await dirBytes(workDir)) <= 400_000);
  });

  it('cuts extraction at the byte budget when the headers understate the sizes', async () => {
    const writer = new ZipWriter(new Uint8ArrayWriter());
    await writer.add('liar.bin', new Uint8ArrayReader(new Uint8Array(3_000_000)), { level: 9 });
    const bytes = await writer.close();
    // Rewrite the declared uncompressed size (local header offset 22, central directory offset 24) to 1000.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.equal(view.getUint32(0, true), 0x04034b50);
    view.setUint32(22, 1000, true);
    const cd = bytes.findIndex((_, i) => i + 4 <= bytes.length && view.getUint32(i, true) === 0x02014b50);
    assert.ok(cd > 0);
    view.setUint32(cd + 24, 1000, true);
    const zip = join(scratch, 'liar.zip');
    await writeFile(zip, bytes);
    const config = { ...manifest.config, max_total_bytes: 200_000, ratio_min_bytes: 200_000 };
    const { out, workDir } = await run(zip, task('archive/zip', { serviceConfig: config }));
    assert.ok((await dirBytes(workDir)) <= 200_000, 'no more than the budget reached the disk');
    const limits = out.sections.find((s) => s.title === 'Extraction limits exceeded');
    assert.ok(limits?.heuristic?.signatures?.write_cap, 'the write cap is reported');
    assert.equal(out.partial, true);
  });

  it('neutralises ../, absolute and drive-letter entry names', async () => {
    const writer = new ZipWriter(new Uint8ArrayWriter());
    const data = (s: string) => new Uint8ArrayReader(new TextEncoder().encode(s));
    await writer.add('../evil.txt', data('evil'));
    await writer.add('../../../../tmp/evil2.txt', data('evil2'));
    await writer.add('/abs/a.txt', data('abs'));
    await writer.add('C:\\win\\b.txt', data('drive'));
    const zip = join(scratch, 'evil.zip');
    await writeFile(zip, await writer.close());
    const workParent = await mkdtemp(join(scratch, 'evil-'));
    const workDir = join(workParent, 'work');
    await (await import('node:fs/promises')).mkdir(workDir);
    const out = await execute(task('archive/zip'), { filePath: zip, workDir, signal: new AbortController().signal, log: () => undefined });
    const names = (out.extracted ?? []).map((e) => e.name).sort();
    assert.deepEqual(names, ['abs/a.txt', 'evil.txt', 'tmp/evil2.txt', 'win/b.txt']);
    for (const e of out.extracted ?? []) {
      assert.ok(!relative(workDir, e.path).startsWith('..'));
      assert.doesNotMatch(e.path.slice(workDir.length), /\.\./);
    }
    assert.deepEqual(await readdir(workParent), ['work'], 'nothing escaped the work directory');
  });

  it('reports a file 7-Zip cannot open without failing', async () => {
    const junk = join(scratch, 'junk.bin');
    await writeFile(junk, 'this is not an archive at all');
    const { out } = await run(junk, task('archive/zip'));
    assert.equal(out.extracted, undefined);
    assert.match(out.sections[0]?.title ?? '', /could not open/);
  });
});

describe('Extract in the service runtime', () => {
  it('runs in a pool worker, password search included', async (t) => {
    if (!haveFixtures) return t.skip('strelka fixtures not present');
    const pool = new ServicePool({ size: 1, logger: { info: () => {}, warn: () => {}, error: () => {} } });
    try {
      for (const [file, count] of [['test_password.7z', 4], ['test_password_brute.7z', 0]] as const) {
        const workDir = await mkdtemp(join(scratch, 'pool-'));
        const o = await pool.run({
          modulePath: fileURLToPath(new URL('../../../src/services/extract/index.ts', import.meta.url)),
          task: task('archive/7-zip', { fileName: file }), filePath: join(fixtures, file), workDir,
          timeoutSeconds: manifest.timeoutSeconds, memoryMb: manifest.memoryMb,
        });
        assert.ok(o.ok, JSON.stringify(o));
        assert.equal(o.output.extracted?.length ?? 0, count);
      }
    } finally {
      await pool.close();
    }
  });
});

describe('Extract helpers', () => {
  it('sanitises entry names', () => {
    assert.equal(sanitiseEntryName('../../etc/passwd'), 'etc/passwd');
    assert.equal(sanitiseEntryName('C:\\Windows\\x.exe'), 'Windows/x.exe');
    assert.equal(sanitiseEntryName('/abs/./b'), 'abs/b');
    assert.equal(sanitiseEntryName('..'), 'unnamed');
    assert.equal(sanitiseEntryName('a\x00b'), 'a_b');
  });
  it('takes password guesses from an email body', () => {
    const words = emailWords('Password: "S3cret!" and pass:abc123.');
    assert.ok(words.includes('S3cret!'));
    assert.ok(words.includes('abc123'));
  });
  it('manifest follows the AL heuristic ids', () => {
    validateManifest(manifest);
    assert.equal(manifest.name, 'Extract');
    assert.equal(manifest.stage, 'EXTRACT');
    const ids = manifest.heuristics.map((h) => h.id);
    for (const id of [1, 10, 12, 24]) assert.ok(ids.includes(id));
    assert.ok(new RegExp(`^(${manifest.accepts})`).test('archive/zip'));
    assert.ok(new RegExp(`^(${manifest.rejects})`).test('archive/cart'));
  });
});
