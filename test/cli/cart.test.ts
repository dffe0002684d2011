// `assay cart encode|decode` round trip on a corpus file.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, runCli } from '../helpers/cli.js';

describe('assay cart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-cart-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes with the name in the header and decodes to identical bytes', () => {
    const src = join(dir, 'test.pdf');
    copyFileSync(join(ROOT, '..', 'shared', 'corpus', 'strelka-fixtures', 'test.pdf'), src);
    const enc = runCli(['cart', 'encode', src, '--meta', 'source=sensor-7']);
    assert.equal(enc.status, 0, enc.stderr);
    const cartBytes = readFileSync(`${src}.cart`);
    assert.equal(cartBytes.subarray(0, 4).toString(), 'CART');
    const show = runCli(['cart', 'decode', `${src}.cart`, '--show']);
    const meta = JSON.parse(show.stdout);
    assert.equal(meta.header.name, 'test.pdf');
    assert.equal(meta.header.source, 'sensor-7');
    assert.equal(meta.footer.length, String(readFileSync(src).length));
    const refused = runCli(['cart', 'decode', `${src}.cart`]);
    assert.equal(refused.status, 1, 'does not overwrite the original');
    const out = join(dir, 'restored.pdf');
    const dec = runCli(['cart', 'decode', `${src}.cart`, '-o', out]);
    assert.equal(dec.status, 0, dec.stderr);
    assert.ok(readFileSync(out).equals(readFileSync(src)));
    const bad = runCli(['cart', 'decode', src, '-o', join(dir, 'x')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /CaRT|cart/i);
  });
});
