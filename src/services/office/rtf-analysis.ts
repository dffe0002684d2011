// Analysis of an RTF document: each \objdata object is decoded, parsed as OLE1, and its payload extracted (the
// file inside a Package, or the native data, typically an OLE2 document, for other classes).
import { HEUR } from './manifest.js';
import { isOle, openOle } from './ole.js';
import { isPe, parseOle1, parsePackage, payloadName } from './ole1.js';
import type { Report } from './report.js';
import { EQUATION_CLSIDS, isEquationClass, scanRtf } from './rtf.js';

export async function analyseRtf(buf: Buffer, report: Report): Promise<void> {
  const scan = scanRtf(buf);
  if (scan.truncated) report.partial = true;
  if (!scan.objects.length && !scan.objupdate) return;
  const sigs: Record<string, number> = {};
  const rows: Array<Record<string, unknown>> = [];
  let linked = 0;
  for (const [i, o] of scan.objects.entries()) {
    const row: Record<string, unknown> = { offset: o.offset, size: o.data.length, objclass: o.objclass ?? null };
    let payload: Buffer | undefined;
    let name = `rtf_object_${i}.bin`;
    try {
      const ole1 = parseOle1(o.data);
      row.class = ole1.className;
      if (ole1.link) {
        row.link = ole1.link;
        linked++;
      }
      if (isEquationClass(ole1.className)) sigs.equation_editor = 1;
      if (ole1.native && /^package$/i.test(ole1.className)) {
        try {
          const pkg = parsePackage(ole1.native);
          Object.assign(row, { label: pkg.label, source_path: pkg.sourcePath });
          payload = pkg.data;
          name = payloadName(pkg, name);
        } catch {
          payload = ole1.native;
        }
      } else if (ole1.native) {
        payload = ole1.native;
        if (isOle(payload)) {
          name = `rtf_object_${i}.ole`;
          try {
            const clsid = openOle(payload).rootClsid;
            if (clsid) row.clsid = clsid;
            if (clsid && EQUATION_CLSIDS.has(clsid)) sigs.equation_editor = 1;
          } catch {
            // A damaged inner document is still extracted for the analysers that follow.
          }
        }
      }
    } catch (e) {
      // Not OLE1: the raw bytes are what the author embedded (shellcode, a bare document).
      row.error = (e as Error).message;
      payload = o.data;
    }
    if (isEquationClass(o.objclass)) sigs.equation_editor = 1;
    if (payload && isPe(payload)) sigs.embedded_pe_file = (sigs.embedded_pe_file ?? 0) + 1;
    if (payload?.length) row.extracted_as = await report.child(name, payload, `RTF embedded object at offset ${o.offset}`) ?? null;
    rows.push(row);
  }
  if (scan.objupdate) sigs.objupdate = 1;
  if (rows.length) report.add({ title: `RTF embedded objects: ${rows.length}`, bodyFormat: 'TABLE', body: rows, heuristic: { id: HEUR.RTF_EMBEDDED_OBJECT } });
  if (linked) report.add({ title: 'Linked objects', depth: 1, bodyFormat: 'TEXT', body: rows.filter((r) => r.link).map((r) => String(r.link)).join('\n'), heuristic: { id: HEUR.LINKED_OBJECT } });
  if (Object.keys(sigs).length) {
    const body = [
      sigs.equation_editor ? 'Equation Editor object (CVE-2017-11882 / CVE-2018-0802 vector)' : '',
      sigs.objupdate ? '\\objupdate: the object is refreshed, and its server started, when the document opens' : '',
      sigs.embedded_pe_file ? 'A Windows executable is embedded' : '',
    ].filter(Boolean).join('\n');
    report.add({
      title: 'Suspicious RTF objects', bodyFormat: 'TEXT', body, heuristic: { id: HEUR.SUSPICIOUS_EMBEDDED_RTF, signatures: sigs },
      tags: sigs.equation_editor ? { 'technique.exploit': ['Equation Editor object'] } : undefined,
    });
  }
}
