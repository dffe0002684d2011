// Analysis of one compound file: streams, metadata, encryption, VBA projects, embedded objects (Ole10Native
// packages, nested Office documents, OOXML packages), DDE fields in Word text and XLM macro sheets.
import * as CFB from 'cfb';
import { ddeSection, wordStreamDde } from './dde.js';
import { encryptionKind, keyDerivationProblem, tryDecrypt } from './encrypted.js';
import { HEUR } from './manifest.js';
import type { MacroFindings } from './macros.js';
import { displayName, openOle, type OleDoc, type OleEntry } from './ole.js';
import { isPe, parseOle10Native, payloadName } from './ole1.js';
import { isZip } from './ooxml.js';
import { reportEmbedded, type Report } from './report.js';
import { EQUATION_CLSIDS } from './rtf.js';
import { formatProp, parsePropertySet, SUMMARY_TAGS } from './summary.js';
import { readVbaProjects } from './vba-project.js';
import { reportVbaProjects } from './vba-report.js';
import { biffSheets, xlmSignatures } from './xlm.js';

export interface OleOptions {
  passwords: string[];
  signal: AbortSignal;
  /** Name of the file being analysed, reused for the decrypted child. */
  fileName?: string;
}

const MAX_LISTED = 500;

export async function analyseOle(buf: Buffer, report: Report, opts: OleOptions, where = 'OLE document'): Promise<MacroFindings | undefined> {
  let doc: OleDoc;
  try {
    doc = openOle(buf);
  } catch (e) {
    report.partial = true;
    report.add({ title: 'Unreadable compound file', body: `The OLE structure could not be parsed: ${(e as Error).message}`, heuristic: { id: HEUR.MALFORMED } });
    return undefined;
  }
  listStreams(doc, report, where);
  metadata(doc, report);

  const kind = encryptionKind(doc);
  if (kind) await decrypt(buf, kind, report, opts, keyDerivationProblem(doc));

  const findings = await reportVbaProjects(readVbaProjects(doc), report, where);
  opts.signal.throwIfAborted();
  await embedded(doc, report);
  wordDde(doc, report);
  xlmSheets(doc, report);
  return findings;
}

function listStreams(doc: OleDoc, report: Report, where: string): void {
  const streams = doc.streams();
  const short = streams.filter((s) => s.content.length < s.size);
  report.add({
    title: `${where}: ${streams.length} streams`, bodyFormat: 'TABLE', autoCollapse: true,
    body: streams.slice(0, MAX_LISTED).map((s) => ({ name: s.path.split('/').map(displayName).join('/'), size: s.size, ...(s.content.length < s.size ? { readable: s.content.length } : {}) })),
    tags: doc.rootClsid ? { 'file.ole.clsid': [doc.rootClsid] } : undefined,
  });
  if (short.length) {
    report.partial = true;
    report.add({
      title: 'Streams shorter than declared', depth: 1, bodyFormat: 'TEXT', heuristic: { id: HEUR.MALFORMED },
      body: short.slice(0, 50).map((s) => `${displayName(s.path)}: ${s.content.length} of ${s.size} bytes readable`).join('\n'),
    });
  }
}

function metadata(doc: OleDoc, report: Report): void {
  const props = {
    ...parsePropertySet(doc.get('\x05DocumentSummaryInformation')?.content ?? Buffer.alloc(0), 'docsummary'),
    ...parsePropertySet(doc.get('\x05SummaryInformation')?.content ?? Buffer.alloc(0), 'summary'),
  };
  if (!Object.keys(props).length) return;
  const tags: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(props)) {
    const t = SUMMARY_TAGS[k];
    if (t) tags[t] = [formatProp(v).slice(0, 500)];
  }
  report.add({
    title: 'Document metadata', bodyFormat: 'KEY_VALUE', tags,
    body: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, formatProp(v).slice(0, 1000)])),
  });
}

async function decrypt(buf: Buffer, kind: string, report: Report, opts: OleOptions, refused: string | undefined): Promise<void> {
  if (refused) {
    report.partial = true;
    report.add({
      title: 'Encrypted document: passwords not tried', bodyFormat: 'KEY_VALUE',
      body: { encryption: kind, reason: refused }, heuristic: { id: HEUR.MALFORMED },
    });
    return;
  }
  const r = await tryDecrypt(buf, opts.passwords, opts.signal);
  if ('data' in r) {
    const ext = kind === 'ooxml' ? (isZip(r.data) ? 'zip' : 'bin') : kind;
    const base = (opts.fileName ?? '').split(/[\\/]/).pop();
    const name = await report.child(base ? `decrypted_${base}` : `decrypted.${ext}`, r.data, `Document decrypted with a known password (${kind})`);
    report.add({
      title: 'Encrypted document decrypted', bodyFormat: 'KEY_VALUE',
      body: { encryption: kind, password: r.password, extracted_as: name ?? null },
      heuristic: { id: HEUR.ENCRYPTED_DECRYPTED }, tags: { 'info.password': [r.password] },
    });
  } else {
    report.add({
      title: 'Encrypted document: password not found', bodyFormat: 'KEY_VALUE',
      body: { encryption: kind, passwords_tried: opts.passwords.length, error: r.error },
      heuristic: { id: HEUR.ENCRYPTED_NO_PASSWORD },
    });
  }
}

/** Rebuilds the sub-tree below `storage` as a compound file of its own (an embedded Word/Excel document). */
function subDocument(doc: OleDoc, storage: OleEntry): Buffer | undefined {
  const prefix = `${storage.path}/`;
  const c = CFB.utils.cfb_new();
  let n = 0;
  for (const e of doc.streams()) {
    if (!e.path.startsWith(prefix)) continue;
    CFB.utils.cfb_add(c, `/${e.path.slice(prefix.length)}`, e.content);
    n++;
  }
  if (!n) return undefined;
  return Buffer.from(CFB.write(c, { type: 'buffer' }) as Uint8Array);
}

const DOC_STREAMS = ['WordDocument', 'Workbook', 'Book', 'PowerPoint Document', 'VisioDocument'];

async function embedded(doc: OleDoc, report: Report): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  let peSig = 0;
  let equation = false;
  for (const e of doc.entries) {
    if (e.type === 'storage' && e.clsid && EQUATION_CLSIDS.has(e.clsid)) equation = true;
    if (e.type === 'stream' && e.name === 'Equation Native') equation = true;
    if (e.type === 'stream' && e.name === '\x01Ole10Native') {
      const p = parseOle10Native(e.content);
      const name = payloadName(p as { sourcePath?: string }, 'ole10native.bin');
      const pe = isPe(p.data);
      if (pe) peSig++;
      const child = p.data.length ? await report.child(name, p.data, `Ole10Native payload of ${displayName(e.path)}`) : undefined;
      rows.push({ stream: displayName(e.path), ...('label' in p ? { label: p.label, source_path: p.sourcePath, temp_path: p.tempPath } : {}), size: p.data.length, pe, extracted_as: child ?? null });
    } else if (e.type === 'stream' && /^(package|contents)$/i.test(e.name) && e.path.includes('/') && (isZip(e.content) || e.content.subarray(0, 4).toString('latin1') === '%PDF')) {
      const child = await report.child(`${e.path.split('/').slice(-2, -1)[0] ?? 'object'}.${isZip(e.content) ? 'zip' : 'pdf'}`, e.content, `Embedded object ${displayName(e.path)}`);
      rows.push({ stream: displayName(e.path), size: e.content.length, extracted_as: child ?? null });
    } else if (e.type === 'storage' && doc.entries.some((s) => s.type === 'stream' && DOC_STREAMS.includes(s.name) && s.path === `${e.path}/${s.name}`)) {
      const sub = subDocument(doc, e);
      const child = sub ? await report.child(`${e.name.replace(/^\W+/, '') || 'embedded'}.ole`, sub, `Embedded document in storage ${displayName(e.path)}`) : undefined;
      rows.push({ storage: displayName(e.path), clsid: e.clsid ?? null, extracted_as: child ?? null });
    }
  }
  reportEmbedded(report, rows, peSig, equation ? 1 : 0);
}

function wordDde(doc: OleDoc, report: Report): void {
  const word = doc.get('WordDocument');
  if (!word) return;
  const s = ddeSection(wordStreamDde(word.content), 'the WordDocument stream');
  if (s) report.add(s);
}

function xlmSheets(doc: OleDoc, report: Report): void {
  const book = doc.get('Workbook') ?? doc.get('Book');
  if (!book) return;
  const sheets = biffSheets(book.content);
  const macro = sheets.filter((s) => s.type === 'macrosheet');
  if (!sheets.length) return;
  report.add({
    title: macro.length ? 'Excel 4.0 macro sheets' : 'Workbook sheets', bodyFormat: 'TABLE', body: sheets.slice(0, 200),
    heuristic: macro.length ? { id: HEUR.XLM_MACRO_SHEET, signatures: xlmSignatures(macro.map((m) => m.state)) } : undefined,
    autoCollapse: !macro.length,
  });
}
