// Archive listing: 7-Zip's technical listing is parsed into entries whatever text it holds (an archive writes
// its own entry names into it), the extraction limits keep their promises on any listing, entry names always
// sanitise to a harmless relative path, and execute() turns any archive look-alike into a well-formed output.
import assert from 'node:assert/strict';
import { basename, dirname, join } from 'node:path';
import { describe } from 'node:test';
import fc from 'fast-check';
import * as extract from '../../src/services/extract/index.js';
import { DEFAULT_LIMITS, selectEntries } from '../../src/services/extract/limits.js';
import { mentionsWrongPassword, parseListing } from '../../src/services/extract/listing.js';
import { sanitiseEntryName } from '../../src/services/extract/paths.js';
import { mountPoint, run7z } from '../../src/services/extract/sevenzip.js';
import { FuzzInput, fuzzer, keepPrefix, mutatedInput, type Seed } from './harness.js';
import { CORPUS, seed, strelkaSeeds } from './seeds.js';
import { runService } from './service.js';

const archives: Seed[] = strelkaSeeds([
  'test.zip', 'test.7z', 'test.tar', 'test.gz', 'test.bz2', 'test.xz', 'test.rar', 'test.cpio', 'test_lzx.cab', 'test_zip.cab', 'test.xar',
  'test.deb', 'test_password.7z', 'test_zip_password.zip', 'test_mixed.rar', 'test_empty.zip', 'test.iso',
], 96 * 1024);

/** The listings 7-Zip gives of the corpus archives, as the service reads them. */
async function listings(): Promise<Seed[]> {
  const out: Seed[] = [];
  for (const a of archives) {
    const file = join(CORPUS, 'strelka-fixtures', a.name);
    const m = { hostDir: dirname(file), point: mountPoint('in') };
    const listed = await run7z(['l', '-slt', '-ba', '-pinfected', `${m.point}/${basename(file)}`], [m]);
    if (listed.stdout.trim()) out.push(seed(`${a.name}.listing`, listed.stdout));
  }
  return out;
}

const LISTING_TOKENS = [
  'Path = ', 'Size = ', 'Packed Size = ', 'Folder = +', 'Folder = -', 'Encrypted = +', 'Attributes = ', 'D_ drwxr-xr-x', 'A', 'Method = ', 'LZMA2:24',
  '../../etc/passwd', 'C:\\Windows\\x', '\\\\server\\share', '/abs', '.', '..', '\u0000', '\u202e', ' = ', ' =', '\n', '\r\n', '\n\n',
  '18446744073709551615', '-1', '1e400', 'NaN', '9007199254740993',
];
const listingSoup = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...LISTING_TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), { maxLength: 80 })
  .map((t) => FuzzInput.text(t.join(''), 'listing tokens'));

function checkListing(text: string, inputSize: number): void {
  const entries = parseListing(text);
  mentionsWrongPassword(text);
  for (const e of entries) {
    assert.equal(typeof e.path, 'string');
    assert.ok(Number.isFinite(e.size), `size ${e.size}`);
    assert.ok(e.packedSize === null || typeof e.packedSize === 'number');
    const name = sanitiseEntryName(e.path);
    assert.ok(name.length > 0 && !name.startsWith('/') && !name.includes('\\'), `unsafe name ${JSON.stringify(name)}`);
    assert.ok(!name.split('/').some((p) => p === '' || p === '.' || p === '..'), `unsafe name ${JSON.stringify(name)}`);
    assert.ok(!/[\x00-\x1f\x7f]/.test(name), `control characters in ${JSON.stringify(name)}`);
  }
  const files = entries.filter((e) => !e.isDir);
  const sel = selectEntries(files, inputSize, DEFAULT_LIMITS);
  assert.equal(sel.selected.length + sel.skipped.length, files.length);
  assert.ok(sel.selected.length <= DEFAULT_LIMITS.maxEntries);
  assert.ok(sel.selected.reduce((n, e) => n + e.size, 0) <= sel.budget, 'selection over the byte budget');
}

const property = fuzzer('archive');
const listingSeeds = await listings();
const size = fc.oneof(fc.constant(0), fc.nat(1 << 20), fc.constant(Number.MAX_SAFE_INTEGER));

describe('fuzz: archive listing', () => {
  property('listing of random text', fc.tuple(fc.string({ unit: 'binary', maxLength: 1000 }), size), ([t, s]) => checkListing(t, s), { caseMs: 5000, runsFactor: 25 });
  property('listing token soups', fc.tuple(listingSoup, size), ([t, s]) => checkListing(t.text, s), { caseMs: 5000, runsFactor: 25 });
  if (listingSeeds.length) {
    property('mutated 7-Zip listings', fc.tuple(mutatedInput(listingSeeds), size), ([t, s]) => checkListing(t.text, s), { caseMs: 5000, runsFactor: 10 });
  }
  property('entry names', fc.string({ unit: 'binary', maxLength: 300 }), (name) => {
    const s = sanitiseEntryName(name);
    assert.ok(s.length > 0 && !s.startsWith('/') && !s.split('/').some((p) => p === '' || p === '.' || p === '..') && !s.includes('\\'));
  }, { caseMs: 5000, runsFactor: 25 });
  if (archives.length) {
    property('execute on mutated archives', mutatedInput(archives, { repair: keepPrefix(8) }), async (input: FuzzInput) => {
      await runService(extract, input.bytes, { fileType: 'archive/zip', fileName: 'sample.zip' });
    }, { caseMs: 30_000, weight: 4 });
  }
});
