// The local directory filestore.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import { LocalFilestore } from '../../src/store/local-fs/local-filestore.js';
import { HashMismatchError } from '../../src/store/filestore.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('local filestore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-fs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores bytes, streams and paths under sharded names and reads them back', async () => {
    const fs = await new LocalFilestore(join(dir, 'files')).init();
    const a = Buffer.from('hello world');
    await fs.put(sha(a), a);
    const b = randomBytes(3 * 1024 * 1024 + 17);
    await fs.put(sha(b), Readable.from([b.subarray(0, 1000), b.subarray(1000)]));
    const c = Buffer.from('from a path');
    const p = join(dir, 'src.bin');
    writeFileSync(p, c);
    await fs.put(sha(c), { path: p });

    assert.deepEqual(await fs.get(sha(a)), a);
    assert.ok((await fs.get(sha(b)))!.equals(b));
    assert.equal(await fs.size(sha(c)), c.length);
    assert.equal(fs.pathOf(sha(a)), join(dir, 'files', sha(a).slice(0, 2), sha(a).slice(2, 4), sha(a)));
    assert.equal(await text((await fs.stream(sha(a), { start: 6, end: 10 }))!), 'world');
    const local = await fs.localPath(sha(c));
    assert.ok(local?.path.endsWith(sha(c)));
    await local!.release();
    assert.equal(await fs.get('0'.repeat(64)), null);
    assert.equal(await fs.stream('0'.repeat(64)), null);
  });

  it('rejects bytes that do not match the name, leaving nothing behind', async () => {
    const fs = await new LocalFilestore(join(dir, 'files2')).init();
    await assert.rejects(fs.put('a'.repeat(64), Buffer.from('not that')), HashMismatchError);
    assert.equal(await fs.exists('a'.repeat(64)), false);
    assert.deepEqual(readdirSync(join(dir, 'files2', '.tmp')), []);
    await assert.rejects(fs.put('../../etc/passwd', Buffer.from('x')), /sha256/);
  });

  it('deletes', async () => {
    const fs = await new LocalFilestore(join(dir, 'files3')).init();
    const a = Buffer.from('bye');
    await fs.put(sha(a), a);
    assert.equal(await fs.delete(sha(a)), true);
    assert.equal(await fs.delete(sha(a)), false);
    assert.equal(await fs.exists(sha(a)), false);
  });
});
