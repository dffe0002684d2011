// libmagic (WebAssembly) traps on some malformed files, found by fuzzing identification: a Windows shortcut
// header followed by one stray byte. The trap escaped identify(), and the trapped instance then failed on later
// files, or never returned from them.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createIdentifier, type Identifier } from '../../../src/core/identify/index.js';

/** The 36 bytes: the shell link header size and CLSID, zeros, and 0x81 where libmagic reads past its data. */
function trappingShortcut(): Buffer {
  const b = Buffer.alloc(36);
  Buffer.from('4c0000000114020000000000c000000000000046', 'hex').copy(b);
  b[35] = 0x81;
  return b;
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

describe('identify: libmagic traps', () => {
  let identifier: Identifier;
  before(async () => {
    identifier = await createIdentifier();
  });

  it('labels the file libmagic traps on, describing it as data', () => {
    const bad = trappingShortcut();
    const r = identifier.identify(bad, { size: bad.length });
    assert.deepEqual({ magic: r.magic, mime: r.mime }, { magic: 'data', mime: 'application/octet-stream' });
    assert.equal(typeof r.type, 'string');
  });

  it('replaces libmagic after a trap, so later files are described again', async () => {
    const bad = trappingShortcut();
    for (let i = 0; i < 40; i++) {
      assert.equal(identifier.identify(bad, { size: bad.length }).magic, 'data');
      await identifier.ready();
    }
    const r = identifier.identify(PNG, { size: PNG.length });
    assert.equal(r.type, 'image/png');
    assert.match(r.magic, /^PNG image data/);
  });

  it('describes files as data while libmagic reloads, and exactly once it is ready', async () => {
    const bad = trappingShortcut();
    identifier.identify(bad, { size: bad.length });
    assert.equal(identifier.identify(PNG, { size: PNG.length }).magic, 'data');
    await identifier.ready();
    assert.match(identifier.identify(PNG, { size: PNG.length }).magic, /^PNG image data/);
  });
});
