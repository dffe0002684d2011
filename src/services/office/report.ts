// The result being built for one file: sections in display order, extracted children (written to the task's
// work directory under neutral, unique names, each payload once) and the partial flag for damaged input.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractedFile, OutputSection } from '../../sdk/index.js';
import { HEUR } from './manifest.js';

export const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

export class Report {
  readonly sections: OutputSection[] = [];
  readonly extracted: ExtractedFile[] = [];
  partial = false;
  private readonly seen = new Set<string>();
  private readonly names = new Set<string>();

  constructor(readonly workDir: string, readonly maxChildren: number, selfSha256: string) {
    this.seen.add(selfSha256);
  }

  add(s: OutputSection): OutputSection {
    this.sections.push(s);
    return s;
  }

  /** Writes a child file; returns its name, or undefined when it is a duplicate or the limit is reached. */
  async child(name: string, data: Uint8Array | string, description: string): Promise<string | undefined> {
    const hash = sha256(data);
    if (this.seen.has(hash) || this.extracted.length >= this.maxChildren) return undefined;
    this.seen.add(hash);
    const safe = name.replace(/[^\w.\- ]/g, '_').replace(/^\.+/, '').slice(0, 120) || 'file';
    let unique = safe;
    for (let i = 2; this.names.has(unique.toLowerCase()); i++) unique = `${i}_${safe}`;
    this.names.add(unique.toLowerCase());
    // On disk the name is prefixed with a counter so that no entry name can collide with another file.
    const path = join(this.workDir, `${String(this.extracted.length).padStart(4, '0')}_${unique}`);
    await writeFile(path, data);
    this.extracted.push({ name: unique, path, description, parentRelation: 'EXTRACTED' });
    return unique;
  }
}

/**
 * The sections every container format ends with: the table of embedded objects (scored when one holds a PE) and
 * the Equation Editor objects found (`equations` of them).
 */
export function reportEmbedded(report: Report, rows: object[], peSignatures: number, equations: number): void {
  if (rows.length) {
    report.add({
      title: 'Embedded objects', bodyFormat: 'TABLE', body: rows,
      heuristic: peSignatures ? { id: HEUR.OLE10NATIVE, signatures: { embedded_pe_file: peSignatures } } : undefined,
    });
  }
  if (equations) {
    report.add({
      title: 'Equation Editor object', bodyFormat: 'TEXT',
      body: 'An Equation Editor 3.0 object is embedded (the component exploited by CVE-2017-11882 and CVE-2018-0802).',
      heuristic: { id: HEUR.MALICIOUS_CLSID, signatures: { equation_editor: equations } }, tags: { 'file.ole.clsid': ['0002CE02-0000-0000-C000-000000000046'] },
    });
  }
}
