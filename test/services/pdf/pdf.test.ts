// The PDF analyser on the strelka fixture (whose whole output the golden tests pin) and on PDFs built here:
// OpenAction JavaScript (also after qpdf moved every object into object streams), embedded files, and damaged
// files.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceOutput } from '../../../src/sdk/index.js';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { execute, manifest } from '../../../src/services/pdf/index.js';
import { countKeywords } from '../../../src/services/pdf/keywords.js';
import { pdfDate } from '../../../src/services/pdf/report.js';
import { allTags, heuristicIds, runFile, runOn, tempDir } from '../../helpers/service.js';
import {
  ANNOTATED, ATTACHED, AA_JS, DOC_JS, OPEN_JS, attachmentPdf, encrypt, namesJavaScriptPdf, obfuscateJs, openActionPdf, withObjectStreams,
} from './build.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = resolve(root, '../shared/corpus/strelka-fixtures');
const isCI = process.env.CI === 'true';

let scratch: { dir: string; cleanup: () => Promise<void> };
before(async () => { scratch = await tempDir('pdf-test-'); });
after(async () => { await scratch.cleanup(); });

const run = (name: string, data: Buffer | string) => runOn(execute, scratch.dir, name, 'document/pdf', data);
const section = (out: ServiceOutput, title: RegExp) => out.sections.find((s) => title.test(s.title));
const counts = (out: ServiceOutput) => section(out, /^PDFiD keyword counts$/)!.body as Array<{ keyword: string; raw: number; object_streams: number | null; total: number }>;
const count = (out: ServiceOutput, k: string) => counts(out).find((r) => r.keyword === k)!;

describe('PDF manifest', () => {
  it('is valid and takes document/pdf', () => {
    validateManifest(manifest);
    assert.match('document/pdf', new RegExp(`^(${manifest.accepts})`));
    assert.equal(manifest.stage, 'CORE');
  });
});

describe('PDF keyword counting', () => {
  it('undoes #xx escapes and ignores words inside names', () => {
    const c = countKeywords('1 0 obj << /J#61vaScript /JS /Subtype /application#2Foctet-stream /Colors 99999999 >> endobj');
    assert.equal(c.counts['/JavaScript'], 1);
    assert.equal(c.counts['/JS'], 1);
    assert.equal(c.counts.stream, 0);
    assert.equal(c.counts['/Colors > 2^24'], 1);
    assert.deepEqual(c.obfuscated, { '/JavaScript': 1 });
  });
  it('reads PDF dates', () => {
    assert.equal(pdfDate("D:20221216134852-06'00'"), '2022-12-16T13:48:52-06:00');
    assert.equal(pdfDate('D:20240108144801Z'), '2024-01-08T14:48:01Z');
    assert.equal(pdfDate('yesterday'), 'yesterday');
  });
});

describe('PDF strelka fixture', () => {
  it('test.pdf: object streams unpacked, three links, Word metadata', async (t) => {
    const path = join(fixtures, 'test.pdf');
    if (!existsSync(path)) {
      if (isCI) assert.fail('corpus missing');
      return t.skip('corpus missing');
    }
    const { dir } = await tempDir('pdf-fixture-');
    const out = await runFile(execute, path, dir, 'test.pdf', 'document/pdf');
    // Facts of the golden output (testdata/pdf/) that must hold whatever else changes.
    assert.ok(count(out, 'obj').object_streams! > 0);
    assert.deepEqual(allTags(out, 'network.static.uri').sort(), ['http://bing.com', 'https://duckduckgo.com', 'https://google.com']);
    assert.deepEqual(allTags(out, 'file.pdf.date.modified'), ['2024-01-08T09:48:01-05:00']);
  });
});

describe('PDF with OpenAction JavaScript', () => {
  it('extracts both scripts and fires the JavaScript, on-open and obfuscation heuristics', async () => {
    const out = await run('invoice.pdf', obfuscateJs(await openActionPdf()));
    const children = out.extracted ?? [];
    assert.deepEqual(children.map((c) => c.name), ['javascript_1.js', 'javascript_2.js']);
    assert.equal(readFileSync(children[0].path, 'utf8'), OPEN_JS);
    assert.equal(readFileSync(children[1].path, 'utf8'), AA_JS);
    const ids = heuristicIds(out);
    for (const id of [1, 19, 30, 35]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids.join(',')}`);
    assert.deepEqual(section(out, /without user interaction/)!.heuristic!.signatures, { openaction_javascript: 1, aa_javascript: 1 });
    // The obfuscated /J#53 is counted as /JS, and as obfuscated.
    assert.equal(count(out, '/JS').raw, 2);
    assert.equal(allTags(out, 'file.pdf.javascript.sha1').length, 2);
    assert.deepEqual(allTags(out, 'network.static.domain'), ['phish.example.org']);
    assert.deepEqual(section(out, /^Document information$/)!.body, {
      Producer: 'Assay test builder', ModDate: '2024-01-08T14:48:01Z', Creator: 'Assay tests', CreationDate: '2023-12-16T19:48:52Z', Author: 'Mallory',
    });
  });

  it('still finds the keywords and scripts after qpdf moves the objects into object streams', async (t) => {
    const plain = join(scratch.dir, 'plain.pdf');
    const packed = join(scratch.dir, 'packed.pdf');
    await writeFile(plain, await openActionPdf());
    const made = withObjectStreams(plain, packed);
    if (made === null) {
      if (isCI) assert.fail('qpdf is required in CI');
      return t.skip('qpdf not installed');
    }
    const out = await run('packed.pdf', readFileSync(packed));
    assert.ok(count(out, '/ObjStm').raw > 0);
    // A byte scan no longer sees the action keywords; the unpacked objects do.
    for (const k of ['/JS', '/JavaScript', '/OpenAction', '/AA', '/URI']) {
      const row = count(out, k);
      assert.equal(row.raw, 0, `${k} hidden from the byte scan`);
      assert.ok(row.object_streams! > 0 && row.total === row.object_streams, `${k} found in object streams`);
    }
    assert.deepEqual((out.extracted ?? []).map((c) => readFileSync(c.path, 'utf8')), [OPEN_JS, AA_JS]);
    const ids = heuristicIds(out);
    for (const id of [1, 7, 19, 30]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids.join(',')}`);
  });
});

describe('PDF document-level JavaScript and encryption', () => {
  it('extracts JavaScript of the /Names /JavaScript tree as run on open', async () => {
    const out = await run('doc.pdf', await namesJavaScriptPdf());
    assert.deepEqual((out.extracted ?? []).map((c) => readFileSync(c.path, 'utf8')), [DOC_JS]);
    const onOpen = section(out, /without user interaction/)!;
    assert.deepEqual(onOpen.heuristic!.signatures, { document_javascript: 1 });
    assert.match(String(onOpen.body), /Names\/JavaScript "init"/);
  });

  it('reports the encryption algorithm of qpdf-encrypted files, keeps the action heuristics, extracts no ciphertext', async (t) => {
    const plain = join(scratch.dir, 'to-encrypt.pdf');
    await writeFile(plain, await openActionPdf());
    for (const [bits, algorithm, keyBits] of [[256, 'AES', 256], [128, 'RC4', 128]] as const) {
      const target = join(scratch.dir, `enc-${bits}.pdf`);
      if (encrypt(plain, target, bits) === null) {
        if (isCI) assert.fail('qpdf is required in CI');
        return t.skip('qpdf not installed');
      }
      const out = await run(`enc-${bits}.pdf`, readFileSync(target));
      const enc = section(out, /^Encrypted document$/)!;
      assert.equal(enc.heuristic!.id, 11);
      assert.equal((enc.body as Record<string, unknown>).algorithm, algorithm);
      assert.equal((enc.body as Record<string, unknown>).key_bits, keyBits);
      assert.deepEqual(out.extracted ?? [], []);
      assert.deepEqual(allTags(out, 'network.static.uri'), []);
      for (const id of [1, 19, 30]) assert.ok(heuristicIds(out).includes(id), `heuristic ${id}`);
      assert.deepEqual(section(out, /^Encrypted content not shown$/)!.body, { javascript: 2, embedded_files: 0, uris: 1, information_entries: 5 });
    }
  });
});

describe('PDF with attachments', () => {
  it('extracts files of the EmbeddedFiles tree and of FileAttachment annotations under their names', async () => {
    const out = await run('attached.pdf', await attachmentPdf());
    const children = out.extracted ?? [];
    assert.deepEqual(children.map((c) => c.name), ['invoice.exe', 'notes.txt']);
    assert.deepEqual(readFileSync(children[0].path), ATTACHED);
    assert.deepEqual(readFileSync(children[1].path), ANNOTATED);
    const s = section(out, /embedded file/)!;
    assert.equal(s.heuristic!.id, 15);
    assert.deepEqual((s.body as Array<{ source: string }>).map((r) => r.source), ['EmbeddedFiles name tree', 'FileAttachment annotation']);
    assert.deepEqual(allTags(out, 'file.name.extracted'), ['invoice.exe', 'notes.txt']);
    // "/application#2Foctet-stream" is an escaped name, but not a hidden keyword: no heuristic for it.
    assert.ok(!heuristicIds(out).includes(35));
  });
});

describe('PDF damaged or odd files', () => {
  it('reports data after %%EOF, a shifted header, incremental updates and a broken xref', async () => {
    const pdf = (await openActionPdf()).toString('latin1');
    const shifted = `JUNK${pdf.replace(/startxref\s+\d+/, 'startxref\n999999')}\n%%EOF\nappended payload bytes`;
    const out = await run('odd.pdf', Buffer.from(shifted, 'latin1'));
    const ids = heuristicIds(out);
    for (const id of [32, 33, 34, 36]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids.join(',')}`);
    // The object graph is still read: the scripts come out.
    assert.equal((out.extracted ?? []).length, 2);
  });

  it('reads a file with megabytes of junk between objects and after %%EOF in seconds', async () => {
    // Deterministic bytes (a linear congruential generator), so the test is the same on every run.
    const junk = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0, x = 12345; i < junk.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      junk[i] = x >>> 24;
    }
    const pdf = (await openActionPdf()).toString('latin1');
    const cut = pdf.indexOf('endobj', pdf.indexOf('/OpenAction')) + 6;
    const data = Buffer.concat([Buffer.from(pdf.slice(0, cut), 'latin1'), junk.subarray(0, 1024 * 1024), Buffer.from(pdf.slice(cut), 'latin1'), junk]);
    const started = Date.now();
    const out = await run('junk.pdf', data);
    assert.ok(Date.now() - started < 20_000, `${Date.now() - started} ms`);
    assert.deepEqual((out.extracted ?? []).map((c) => readFileSync(c.path, 'utf8')), [OPEN_JS, AA_JS]);
    assert.ok(heuristicIds(out).includes(32), 'data after %%EOF');
  });

  it('keeps to the size and extraction limits', async () => {
    const objects = Array.from({ length: 40 }, (_, i) => `${i + 1} 0 obj\n<< /S /JavaScript /JS (app.alert(${i});) >>\nendobj\n`).join('');
    const many = Buffer.from(`%PDF-1.4\n${objects}trailer\n<< /Root 1 0 R >>\n%%EOF\n`);
    const limited = await runOn(execute, scratch.dir, 'many.pdf', 'document/pdf', many, { max_extracted: 3 });
    assert.equal((limited.extracted ?? []).length, 3);
    assert.match(String(section(limited, /^Extraction limit reached$/)!.body), /Scripts not extracted: 37/);
    assert.equal(limited.partial, true);
    const big = await runOn(execute, scratch.dir, 'big.pdf', 'document/pdf', many, { max_pdf_size_mb: 0.001 });
    assert.ok(section(big, /^PDF too large/));
    assert.equal(big.partial, true);
    assert.ok(count(big, '/JS').raw > 0 && count(big, '/JS').raw < 40, 'only the head is counted');
  });

  it('gives a partial result on a truncated file and on garbage, never an exception', async () => {
    const pdf = await openActionPdf();
    const truncated = await run('cut.pdf', pdf.subarray(0, Math.floor(pdf.length / 2)));
    assert.ok(section(truncated, /^PDFiD keyword counts$/));
    assert.ok(count(truncated, '/OpenAction').raw >= 1);
    const garbage = await run('garbage.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5000, 0xff), Buffer.from('1 0 obj << /JS (')]));
    assert.ok(section(garbage, /^PDFiD keyword counts$/));
    assert.ok(heuristicIds(garbage).includes(19), 'the /JS keyword alone still fires the JavaScript heuristic');
    // pdf-lib's repair messages are reported in the result, not printed.
    assert.match(String(section(garbage, /^Parser repairs/)?.body), /invalid object/i);
    const empty = await run('empty.pdf', '');
    assert.ok(section(empty, /^Document structure$/));
  });
});
