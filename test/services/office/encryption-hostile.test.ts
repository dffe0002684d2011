// An encrypted package whose key derivation asks for billions of hashing rounds, found while fuzzing the
// analyser: the decryption library takes any spinCount, so the first password held the analyser for hours.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import officeCrypto from 'officecrypto-tool';
import { execute } from '../../../src/services/office/index.js';
import { heuristicIds, runOn } from '../../helpers/service.js';
import { docxParts, zipParts } from './build.js';
import { withEncryptionAttributes } from './encryption-info.js';

describe('Office: forged encryption parameters', () => {
  let dir = '';
  let encrypted: Buffer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'office-hostile-'));
    encrypted = officeCrypto.encrypt(await zipParts(docxParts('<w:p/>')), { password: 'infected' });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const spinCount of ['4000000000', '10000001', '1e12', '-1', 'many']) {
    it(`tries no password when spinCount is ${spinCount}`, async () => {
      const started = Date.now();
      const out = await runOn(execute, dir, 'locked.docx', 'document/office/passwordprotected', withEncryptionAttributes(encrypted, { spinCount }));
      assert.ok(Date.now() - started < 20_000, 'answered without deriving keys');
      const s = out.sections.find((x) => x.title === 'Encrypted document: passwords not tried');
      assert.ok(s, out.sections.map((x) => x.title).join(', '));
      assert.match(String((s.body as Record<string, unknown>).reason), /hashing rounds/);
      assert.ok(heuristicIds(out).includes(103));
      assert.equal(out.partial, true);
    });
  }

  it('still decrypts a document with an ordinary spin count', async () => {
    const out = await runOn(execute, dir, 'locked.docx', 'document/office/passwordprotected', withEncryptionAttributes(encrypted, { spinCount: '100000' }));
    assert.ok(heuristicIds(out).includes(101));
  });
});
