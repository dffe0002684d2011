// Analysis of an OOXML package: parts, relationships (external ones scored by type like Assemblyline does,
// attachedTemplate as template injection), the VBA project in vbaProject.bin, embedded objects, DDE and XLM.
import type { OutputSection } from '../../sdk/index.js';
import { ipRange } from '../../sdk/iocs.js';
import { ddeFields, ddeSection, excelDdeSection } from './dde.js';
import { HEUR } from './manifest.js';
import type { MacroFindings } from './macros.js';
import { isOle, openOle } from './ole.js';
import { isPe, parseOle10Native, payloadName } from './ole1.js';
import { ddeLinks, fieldInstructions, readPackage, unescapeXml, type OoxmlPackage, type Relationship } from './ooxml.js';
import { reportEmbedded, type Report } from './report.js';
import { EQUATION_CLSIDS } from './rtf.js';
import { readVbaProjects } from './vba-project.js';
import { reportVbaProjects } from './vba-report.js';
import { workbookSheets, xlmSignatures } from './xlm.js';

const EXECUTABLE_EXT = /\.(exe|dll|scr|hta|js|vbs|ps1|bat|cmd|jar|lnk|msi|com|pif|wsf|cpl)(?:$|[?#])/i;

export async function analyseOoxml(buf: Buffer, report: Report, opts: { maxPartBytes: number; signal: AbortSignal }): Promise<MacroFindings | undefined> {
  let pkg: OoxmlPackage;
  try {
    pkg = await readPackage(buf, opts.maxPartBytes, opts.signal);
  } catch (e) {
    report.partial = true;
    report.add({ title: 'Unreadable OOXML package', body: (e as Error).message, heuristic: { id: HEUR.MALFORMED } });
    return undefined;
  }
  report.add({
    title: `OOXML package: ${pkg.parts.length} parts`, bodyFormat: 'TABLE', autoCollapse: true,
    body: pkg.parts.slice(0, 500).map((p) => ({ name: p.name, size: p.size, ...(p.error ? { error: p.error } : {}) })),
  });
  const large = pkg.parts.filter((p) => p.error === 'over the part size limit');
  if (large.length || pkg.truncated) {
    report.partial = true;
    report.add({ title: 'Parts not scanned', depth: 1, bodyFormat: 'TEXT', body: large.map((p) => `${p.name} (${p.size} bytes)`).join('\n') || 'too many parts', heuristic: { id: HEUR.TOO_LARGE } });
  }
  coreMetadata(pkg, report);
  relationships(pkg.relationships, report);

  let findings: MacroFindings | undefined;
  for (const p of pkg.parts) {
    if (!p.data || !/vbaProject\.bin$/i.test(p.name) || !isOle(p.data)) continue;
    try {
      findings = await reportVbaProjects(readVbaProjects(openOle(p.data)), report, p.name, findings);
    } catch (e) {
      report.partial = true;
      report.add({ title: `Unreadable VBA project ${p.name}`, body: (e as Error).message, heuristic: { id: HEUR.MALFORMED } });
    }
  }
  await embeddings(pkg, report);
  dde(pkg, report);
  macroSheets(pkg, report);
  return findings;
}

// docProps/core.xml (Dublin Core) and app.xml hold what SummaryInformation holds in OLE files.
const CORE_FIELDS: Array<[RegExp, string, string | undefined]> = [
  [/<dc:title>([^<]*)</, 'title', 'file.ole.summary.title'],
  [/<dc:subject>([^<]*)</, 'subject', 'file.ole.summary.subject'],
  [/<dc:creator>([^<]*)</, 'author', 'file.ole.summary.author'],
  [/<cp:lastModifiedBy>([^<]*)</, 'last_saved_by', 'file.ole.summary.last_saved_by'],
  [/<dcterms:created[^>]*>([^<]*)</, 'create_time', 'file.ole.summary.create_time'],
  [/<dcterms:modified[^>]*>([^<]*)</, 'last_saved_time', 'file.ole.summary.last_saved_time'],
  [/<cp:lastPrinted>([^<]*)</, 'last_printed', 'file.ole.summary.last_printed'],
  [/<dc:description>([^<]*)</, 'comments', 'file.ole.summary.comment'],
  [/<cp:revision>([^<]*)</, 'revision_number', undefined],
  [/<Company>([^<]*)</, 'company', 'file.ole.summary.company'],
  [/<Manager>([^<]*)</, 'manager', 'file.ole.summary.manager'],
  [/<Application>([^<]*)</, 'creating_application', undefined],
  [/<AppVersion>([^<]*)</, 'app_version', undefined],
];

function coreMetadata(pkg: OoxmlPackage, report: Report): void {
  const xml = pkg.parts.filter((p) => p.data && /^docProps\/(core|app)\.xml$/i.test(p.name)).map((p) => p.data!.toString('utf8')).join('\n');
  if (!xml) return;
  const body: Record<string, string> = {};
  const tags: Record<string, string[]> = {};
  for (const [re, key, tag] of CORE_FIELDS) {
    const v = re.exec(xml)?.[1]?.trim();
    if (!v) continue;
    body[key] = unescapeXml(v).slice(0, 1000);
    if (tag) tags[tag] = [body[key]!.slice(0, 500)];
  }
  if (Object.keys(body).length) report.add({ title: 'Document metadata', bodyFormat: 'KEY_VALUE', body, tags });
}

function relationships(rels: Relationship[], report: Report): void {
  const external = rels.filter((r) => r.external);
  if (!external.length) return;
  const sigs: Record<string, number> = {};
  const uris = new Set<string>();
  for (const r of external) {
    sigs[r.type] = (sigs[r.type] ?? 0) + 1;
    let host = '';
    try {
      host = new URL(r.target.replace(/^mhtml:/i, '')).hostname.replace(/^\[|\]$/g, '');
      uris.add(r.target);
    } catch {
      // UNC paths and relative file names are not URLs.
    }
    if (host && ipRange(host)) sigs.external_relationship_ip = (sigs.external_relationship_ip ?? 0) + 1;
    if (EXECUTABLE_EXT.test(r.target)) sigs.link_to_executable = (sigs.link_to_executable ?? 0) + 1;
    if (/^mhtml:/i.test(r.target)) sigs.mhtml_link = (sigs.mhtml_link ?? 0) + 1;
  }
  const template = external.some((r) => r.type === 'attachedtemplate');
  const section: OutputSection = {
    title: template ? 'External relationships (remote template)' : 'External relationships', bodyFormat: 'TABLE',
    body: external.slice(0, 500).map((r) => ({ source: r.source, type: r.type, target: r.target })),
    heuristic: { id: HEUR.EXTERNAL_RELATIONSHIP, signatures: sigs, attack: template ? ['T1221'] : undefined },
  };
  if (uris.size) section.tags = { 'network.static.uri': [...uris].slice(0, 100) };
  report.add(section);
}

async function embeddings(pkg: OoxmlPackage, report: Report): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  let peSig = 0;
  let equation = 0;
  for (const p of pkg.parts) {
    if (!p.data || !/\/(embeddings|activeX)\//i.test(p.name)) continue;
    const row: Record<string, unknown> = { part: p.name, size: p.size };
    if (isOle(p.data)) {
      try {
        const doc = openOle(p.data);
        if (doc.rootClsid) row.clsid = doc.rootClsid;
        if ((doc.rootClsid && EQUATION_CLSIDS.has(doc.rootClsid)) || doc.get('Equation Native')) equation++;
        const native = doc.streams().find((s) => s.name === '\x01Ole10Native');
        if (native) {
          const payload = parseOle10Native(native.content);
          if (isPe(payload.data)) peSig++;
          row.payload = payloadName(payload as { sourcePath?: string }, 'ole10native.bin');
          row.extracted_as = await report.child(row.payload as string, payload.data, `Ole10Native payload of ${p.name}`) ?? null;
          rows.push(row);
          continue;
        }
      } catch (e) {
        row.error = (e as Error).message;
      }
    }
    // ActiveX control properties are small binary blobs of no interest on their own.
    if (/activeX\d*\.xml$/i.test(p.name)) continue;
    row.extracted_as = await report.child(p.name.split('/').pop()!, p.data, `Embedded part ${p.name}`) ?? null;
    rows.push(row);
  }
  reportEmbedded(report, rows, peSig, equation);
}

function dde(pkg: OoxmlPackage, report: Report): void {
  const fields: string[] = [];
  const links: string[] = [];
  for (const p of pkg.parts) {
    if (!p.data || !p.name.endsWith('.xml')) continue;
    if (/^word\//.test(p.name)) fields.push(...ddeFields(fieldInstructions(p.data.toString('utf8'))));
    if (/^xl\/externalLinks\//.test(p.name)) links.push(...ddeLinks(p.data.toString('utf8')));
  }
  const s = ddeSection([...new Set(fields)], 'document fields');
  if (s) report.add(s);
  const x = excelDdeSection([...new Set(links)], 'external workbook links');
  if (x) report.add(x);
}

function macroSheets(pkg: OoxmlPackage, report: Report): void {
  const parts = pkg.parts.filter((p) => /^xl\/macrosheets\/[^/]+\.(xml|bin)$/i.test(p.name));
  const wb = pkg.parts.find((p) => /^xl\/workbook\.(xml|bin)$/i.test(p.name));
  const sheets = wb?.data && wb.name.endsWith('.xml') ? workbookSheets(wb.data.toString('utf8')) : [];
  // The workbook's relationships say which sheet is a macro sheet (xlMacrosheet, xlIntlMacrosheet).
  const macroIds = new Set(pkg.relationships.filter((r) => /^xl\/workbook\./i.test(r.source) && r.type.includes('macrosheet')).map((r) => r.id));
  const macro = sheets.filter((s) => macroIds.has(s.rid));
  if (!parts.length && !macro.length) return;
  const states = macro.length ? macro.map((s) => s.state) : parts.map(() => 'visible');
  report.add({
    title: 'Excel 4.0 macro sheets', bodyFormat: 'KEY_VALUE',
    body: { parts: parts.map((s) => s.name), sheets: macro.map((s) => `${s.name} (${s.state})`) },
    heuristic: { id: HEUR.XLM_MACRO_SHEET, signatures: xlmSignatures(states) },
  });
}
