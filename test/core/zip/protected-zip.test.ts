import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it, type TestContext } from 'node:test';
import { BlobReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { writeProtectedZip } from '../../../src/core/zip/index.js';

const CI = process.env.CI === 'true';

function hasTool(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error;
}
const TOOLS = { unzip: hasTool('unzip', ['-v']), '7z': hasTool('7z', ['i']) };

/**
 * Reports missing extraction tools: a skip with a message locally, a failure in CI where they must be installed.
 * Returns the tools that can be used.
 */
function usableTools(t: TestContext): Set<keyof typeof TOOLS> {
  const missing = (Object.keys(TOOLS) as Array<keyof typeof TOOLS>).filter((k) => !TOOLS[k]);
  if (missing.length) {
    const msg = `${missing.join(' and ')} not installed (apt-get install unzip p7zip-full)`;
    if (CI) assert.fail(`${msg}; required when CI=true`);
    t.skip(`${msg}; skipped that part of the check`);
  }
  return new Set((Object.keys(TOOLS) as Array<keyof typeof TOOLS>).filter((k) => TOOLS[k]));
}

function run(cmd: string, args: string[]): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(cmd, args, { maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr?.toString() ?? '' };
}

/** Extracts `entry` with both command-line tools and checks the bytes; checks that a wrong password fails. */
function checkWithTools(t: TestContext, zipPath: string, entry: string, expected: Buffer, password = 'infected'): void {
  const tools = usableTools(t);
  if (tools.has('unzip')) {
    const ok = run('unzip', ['-P', password, '-p', zipPath, entry]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(ok.stdout.equals(expected), 'unzip extracted different bytes');
    const test = run('unzip', ['-t', '-P', password, zipPath]);
    assert.equal(test.status, 0, test.stderr);
    assert.notEqual(run('unzip', ['-P', 'wrong-password', '-p', zipPath, entry]).status, 0);
  }
  if (tools.has('7z')) {
    const ok = run('7z', ['x', `-p${password}`, '-so', zipPath, entry]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(ok.stdout.equals(expected), '7z extracted different bytes');
    assert.notEqual(run('7z', ['x', '-pwrong-password', '-so', zipPath, entry]).status, 0);
  }
}

/** Reads the entry back with zip.js, independently of the command-line tools. */
async function readBack(zipBytes: Buffer, password: string): Promise<Buffer> {
  const reader = new ZipReader(new BlobReader(new Blob([zipBytes])), { password, useWebWorkers: false });
  const [entry] = await reader.getEntries();
  assert.ok(entry && !entry.directory);
  const data = await entry.getData!(new Uint8ArrayWriter());
  await reader.close();
  return Buffer.from(data);
}

describe('writeProtectedZip', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pzip-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function zipTo(name: string, input: Parameters<typeof writeProtectedZip>[0], opts: Parameters<typeof writeProtectedZip>[2]) {
    const path = join(dir, name);
    const result = await writeProtectedZip(input, createWriteStream(path), opts);
    return { path, result, bytes: await readFile(path) };
  }

  it('zips a file path with ZipCrypto that unzip and 7z open with the default password', async (t) => {
    const data = Buffer.concat([randomBytes(200000), Buffer.from('text '.repeat(20000))]);
    const src = join(dir, 'sample.bin');
    await writeFile(src, data);
    const entry = 'a'.repeat(64);
    const { path, result, bytes } = await zipTo('sample.zip', src, { entryName: entry });
    assert.equal(result.uncompressedSize, data.length);
    assert.equal(result.zip64, false);
    // Local header: signature, version needed 2.0 (no Zip64), flags = encrypted | data descriptor, deflate.
    assert.equal(bytes.readUInt32LE(0), 0x04034b50);
    assert.equal(bytes.readUInt16LE(4), 20);
    assert.equal(bytes.readUInt16LE(6) & 0x9, 0x9);
    assert.equal(bytes.readUInt16LE(8), 8);
    assert.equal(bytes.subarray(30, 30 + 64).toString(), entry);
    assert.ok(!bytes.includes(Buffer.from('text text text')), 'content must not appear in clear');
    assert.ok((await readBack(bytes, 'infected')).equals(data));
    await assert.rejects(readBack(bytes, 'wrong'));
    checkWithTools(t, path, entry, data);
  });

  it('zips a stream of known size without Zip64', async (t) => {
    const data = randomBytes(5 * 1024 * 1024);
    const input = (async function* () {
      for (let i = 0; i < data.length; i += 100000) yield data.subarray(i, i + 100000);
    })();
    const { path, result } = await zipTo('known.zip', input, { entryName: 'big', size: data.length, password: 'p@ss w0rd' });
    assert.equal(result.zip64, false);
    checkWithTools(t, path, 'big', data, 'p@ss w0rd');
  });

  it('zips a stream of unknown size (Zip64 local sizes) that both tools still open', async (t) => {
    const data = randomBytes(70000);
    const { path, result, bytes } = await zipTo('unknown.zip', Readable.from([data]), { entryName: 'u' });
    assert.equal(result.zip64, true);
    assert.ok((await readBack(bytes, 'infected')).equals(data));
    checkWithTools(t, path, 'u', data);
  });

  it('zips an empty file', async (t) => {
    const src = join(dir, 'empty');
    await writeFile(src, Buffer.alloc(0));
    const { path, bytes } = await zipTo('empty.zip', src, { entryName: 'empty' });
    assert.equal((await readBack(bytes, 'infected')).length, 0);
    checkWithTools(t, path, 'empty', Buffer.alloc(0));
  });

  it('destroys the output and rejects when the input fails', async () => {
    const input = (async function* () {
      yield randomBytes(1000);
      throw new Error('source broke');
    })();
    const out = new Writable({ write: (_c, _e, cb) => cb() });
    await assert.rejects(writeProtectedZip(input, out, { entryName: 'x' }), /source broke/);
    assert.ok(out.destroyed);
    await assert.rejects(writeProtectedZip(join(dir, 'missing'), new Writable(), { entryName: 'x' }), { code: 'ENOENT' });
  });

  it('requires an entry name and a password', async () => {
    await assert.rejects(writeProtectedZip(Readable.from([]), new Writable(), { entryName: '' }), TypeError);
    await assert.rejects(writeProtectedZip(Readable.from([]), new Writable(), { entryName: 'x', password: '' }), TypeError);
  });
});
