// File identification: identify() labels any bytes (whole, or a header with the rest read from the file) with a
// well-formed type, magic and MIME. Its classifier falls back to libmagic when a rule throws, so the rules are
// also run here on their own, without that fallback: a rule that throws on malformed input would otherwise
// only show up as a wrong label.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import fc from 'fast-check';
import { cartLabel, dmgLabel, udfLabel, xarLabel, zipEntryNames, zipLabel } from '../../src/core/identify/archives.js';
import { elfLabel, machoLabel, parsePeHeader, peLabel } from '../../src/core/identify/executables.js';
import { createIdentifier, FileView, type Identifier } from '../../src/core/identify/index.js';
import { oleLabel } from '../../src/core/identify/ole.js';
import { ScriptContext, scriptLabel } from '../../src/core/identify/scripts.js';
import { certificateLabel, signatureLabel } from '../../src/core/identify/signatures.js';
import { decodeText, isCsv, isIni, isJson } from '../../src/core/identify/text.js';
import { fuzzer, mutatedInput, randomInput, type FuzzInput, type Seed } from './harness.js';
import { alIdentifySeeds, strelkaSeeds } from './seeds.js';

const LABEL = /^[a-z0-9]+(?:\/[A-Za-z0-9_.+-]+)*$/;

let identifier: Identifier;
let dir = '';
let n = 0;

/** Every labelling rule, called directly so that an exception reaches the test. */
function rules(view: FileView): void {
  const h = view.header;
  signatureLabel(view);
  cartLabel(view);
  const pe = parsePeHeader(view);
  if (pe) peLabel(pe, true);
  elfLabel(view);
  machoLabel(h);
  oleLabel(view, 'application/octet-stream');
  xarLabel(h);
  dmgLabel(view);
  udfLabel(h);
  certificateLabel(h, view.size);
  zipLabel(zipEntryNames(view), 'archive/zip');
  const { text, wide } = decodeText(h, 64 * 1024);
  isCsv(text);
  isIni(text);
  isJson(text, view.complete);
  scriptLabel(new ScriptContext(text, text.slice(-512), 'text/plain', view.size, wide));
}

/** The whole file in memory, or its first `headerBytes` with the rest on disk. */
async function check(input: FuzzInput, headerBytes: number): Promise<void> {
  const data = input.bytes;
  const cut = Math.min(data.length, headerBytes);
  let path: string | undefined;
  if (cut < data.length) {
    path = join(dir, `f${n++}`);
    await writeFile(path, data);
  }
  try {
    await identifier.ready();
    const r = identifier.identify(data.subarray(0, cut), { size: data.length, path });
    assert.match(r.type, LABEL);
    assert.equal(typeof r.magic, 'string');
    assert.equal(typeof r.mime, 'string');
    const view = new FileView(data.subarray(0, cut), data.length, path);
    try {
      rules(view);
    } finally {
      view.close();
    }
  } finally {
    if (path) await rm(path, { force: true });
  }
}

const property = fuzzer('identify');
const seeds: Seed[] = [
  ...alIdentifySeeds(['word.docx', 'excel.xls', 'powerpoint.pptx', 'pdf.pdf', 'powershell.ps1', 'javascript.js', 'html.html', 'json.json', 'xml.xml', 'calendar.ics', 'gzip.gz']),
  ...strelkaSeeds([
    'test.zip', 'test.7z', 'test.rar', 'test.tar', 'test.cpio', 'test.xar', 'test.deb', 'test.lnk', 'test.elf', 'test.macho', 'test.exe',
    'test.doc', 'test.msi', 'test.eml', 'test.bat', 'test.vba', 'test.url', 'test.iqy', 'test.pem', 'test.der', 'test.plist', 'test.yara',
    'test_pii.csv', 'test.ini', 'test.jnlp', 'test_lzx.cab', 'test.one', 'test.gif', 'test_manifest.json', 'test_whitespace.html',
  ], 96 * 1024),
];
const MAGICS = ['MZ', 'PK\x03\x04', '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1', '\x7fELF', '\xcf\xfa\xed\xfe', 'CART\x01\x00', 'xar!', '%PDF-1.7', '{"', '<html>', '#!/bin/sh\n', '\xff\xfe'];
const headerBytes = fc.oneof(fc.constant(Number.MAX_SAFE_INTEGER), fc.integer({ min: 1, max: 4096 }));

describe('fuzz: identify', () => {
  before(async () => {
    identifier = await createIdentifier();
    dir = await mkdtemp(join(tmpdir(), 'assay-fuzz-identify-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  property('random bytes', fc.tuple(randomInput({ prefixes: MAGICS }), headerBytes), ([i, h]) => check(i, h), { caseMs: 5000, runsFactor: 10 });
  property('mutated seeds', fc.tuple(mutatedInput(seeds), headerBytes), ([i, h]) => check(i, h), { caseMs: 5000, runsFactor: 5, weight: 2 });
});
