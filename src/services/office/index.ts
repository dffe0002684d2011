// Office: static analysis of Microsoft Office documents in their three container formats: OLE2 compound files
// (Word/Excel/PowerPoint 97-2003, encrypted OOXML), OOXML zip packages and RTF. Reports metadata, VBA macros
// (source extracted as .vba children) and what they do, embedded objects and their payloads, external
// relationships, DDE, Excel 4.0 macro sheets, and decrypts password-protected documents with known passwords.

import type { ServiceContext, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { passwordCandidates } from '../../sdk/passwords.js';
import { readHead } from '../../sdk/read-head.js';
import type { MacroFindings } from './macros.js';
import { HEUR, manifest } from './manifest.js';
import { isOle } from './ole.js';
import { analyseOle } from './ole-analysis.js';
import { isZip } from './ooxml.js';
import { analyseOoxml } from './ooxml-analysis.js';
import { Report } from './report.js';
import { analyseRtf } from './rtf-analysis.js';
import { reportMacroFindings } from './vba-report.js';

export { manifest };

function num(cfg: Record<string, unknown>, key: string, dflt: number): number {
  const v = Number(cfg[key]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const cfg = { ...manifest.config, ...task.serviceConfig };
  const { buf, truncated } = await readHead(ctx.filePath, num(cfg, 'max_size_mb', 100) * 1024 * 1024);
  const report = new Report(ctx.workDir, num(cfg, 'max_extracted', 100), task.sha256);
  report.partial = truncated;
  const passwords = passwordCandidates({ ...task, serviceConfig: cfg });

  let findings: MacroFindings | undefined;
  if (isOle(buf)) findings = await analyseOle(buf, report, { passwords, signal: ctx.signal, fileName: task.fileName });
  else if (isZip(buf)) findings = await analyseOoxml(buf, report, { maxPartBytes: num(cfg, 'max_part_mb', 50) * 1024 * 1024, signal: ctx.signal });
  else if (buf.subarray(0, 4).toString('latin1') === '{\\rt') await analyseRtf(buf, report);
  else {
    report.add({
      title: 'Unsupported Office container', bodyFormat: 'TEXT', heuristic: { id: HEUR.MALFORMED },
      body: 'Not an OLE2 compound file, an OOXML package or RTF (Office 2003 XML, MHTML and flat formats are not analysed).',
    });
  }
  if (findings) reportMacroFindings(findings, report);

  return {
    sections: report.sections,
    extracted: report.extracted.length ? report.extracted : undefined,
    partial: report.partial || undefined,
  };
}
