// A compound file whose FAT chains loop, found by fuzzing the Office analyser: cfb follows the chain of a large
// stream that starts inside another chain without noticing the loop, and grew an array until V8 aborted the
// process. Such a file is now reported as unreadable; a loop cfb does stop at still leaves the file readable.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as CFB from 'cfb';
import { loopingChain } from '../../../src/services/office/fat-chains.js';
import { execute } from '../../../src/services/office/index.js';
import { heuristicIds, runOn } from '../../helpers/service.js';
import { oleWith } from './build.js';

/** A compound file with two 8 KiB streams, and a way to rewrite FAT entries. */
function twoStreams(): { doc: Buffer; start: (name: string) => number; setFat: (sector: number, next: number) => void } {
  const doc = oleWith({ A: Buffer.alloc(8192, 0x41), B: Buffer.alloc(8192, 0x42) });
  const index = CFB.read(doc, { type: 'buffer' }).FileIndex;
  const firstFat = doc.readInt32LE(76);
  return {
    doc,
    start: (name) => index.find((e) => e.name === name)!.start,
    setFat: (sector, next) => doc.writeInt32LE(next, (firstFat + 1) * 512 + sector * 4),
  };
}

describe('Office: looping FAT chains', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'office-fat-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reports a large stream whose chain loops inside another chain as unreadable', async () => {
    const f = twoStreams();
    const a = f.start('A');
    const b = f.start('B');
    // A's last sector runs on into B, and B's last sector loops back to B's second: B then starts no chain of
    // its own, and following it from its first sector never ends.
    f.setFat(a + 15, b);
    f.setFat(b + 15, b + 1);
    assert.match(loopingChain(f.doc) ?? '', /loops back/);
    const out = await runOn(execute, dir, 'loop.doc', 'document/office/word', f.doc);
    const s = out.sections.find((x) => x.title === 'Unreadable compound file');
    assert.ok(s, out.sections.map((x) => x.title).join(', '));
    assert.match(String(s.body), /loops back/);
    assert.ok(heuristicIds(out).includes(103));
  });

  it('still reads a file whose loop starts a chain (cfb stops there)', async () => {
    const f = twoStreams();
    const b = f.start('B');
    f.setFat(b + 15, b + 1);
    assert.equal(loopingChain(f.doc), undefined);
    const out = await runOn(execute, dir, 'cycle.doc', 'document/office/word', f.doc);
    assert.ok(out.sections.some((x) => /streams/.test(x.title)), out.sections.map((x) => x.title).join(', '));
  });

  it('finds no loop in an intact file', () => {
    assert.equal(loopingChain(twoStreams().doc), undefined);
  });
});
