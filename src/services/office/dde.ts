// Dynamic Data Exchange fields: DDE / DDEAUTO field codes make Word ask another program for data, and the
// "program" can be cmd.exe with arguments. They live in field instructions (OOXML) or in the text of the
// WordDocument stream between the field-begin (0x13) and field-separator (0x14) / end (0x15) characters.
import type { OutputSection } from '../../sdk/index.js';
import { HEUR } from './manifest.js';

const DDE_RE = /^\s*DDE(?:AUTO)?\b/i;
// Programs a DDE link has no business naming in a normal document.
const SUSPICIOUS_RE = /cmd(?:\.exe)?|powershell|mshta|wscript|cscript|rundll32|regsvr32|certutil|bitsadmin|\.exe\b|\.bat\b|\.ps1\b|https?:\/\//i;

export function ddeFields(instructions: string[]): string[] {
  return [...new Set(instructions.filter((i) => DDE_RE.test(i)).map((i) => i.replace(/\s+/g, ' ').trim().slice(0, 1000)))];
}

const MAX_FIELDS = 1000;

/** DDE field codes in the WordDocument stream of a binary Word file (8-bit and 16-bit text both tried). */
export function wordStreamDde(stream: Buffer): string[] {
  const out = new Set<string>();
  for (const text of [stream.toString('latin1'), stream.subarray(stream.length % 2).toString('utf16le'), stream.toString('utf16le')]) {
    for (const m of text.matchAll(/\x13([^\x13\x14\x15]{0,2000})/g)) {
      // Word allows quotes and whitespace games inside field codes; collapse them before matching.
      const code = m[1]!.replace(/\s+/g, ' ').trim();
      if (DDE_RE.test(code)) out.add(code.slice(0, 1000));
      if (out.size >= MAX_FIELDS) break;
    }
  }
  return [...out];
}

/** The DDE section: heuristic 16 when a link starts a program or is DDEAUTO, 15 otherwise. */
export function ddeSection(links: string[], where: string): OutputSection | undefined {
  if (!links.length) return undefined;
  const suspicious = links.filter((l) => SUSPICIOUS_RE.test(l) || /^\s*DDEAUTO\b/i.test(l));
  return {
    title: `DDE links in ${where}`, bodyFormat: 'TEXT', body: links.join('\n'),
    heuristic: suspicious.length ? { id: HEUR.SUSPICIOUS_DDE_LINK, frequency: 1 } : { id: HEUR.DDE_LINK },
    tags: { 'file.ole.dde_link': links.slice(0, 100) },
  };
}

/** SpreadsheetML ddeLink "service|topic" pairs are links too; the service name is the program. */
export function excelDdeSection(links: string[], where: string): OutputSection | undefined {
  if (!links.length) return undefined;
  const suspicious = links.some((l) => SUSPICIOUS_RE.test(l) || /^(cmd|powershell|mshta|msexcel)\|/i.test(l));
  return {
    title: `DDE links in ${where}`, bodyFormat: 'TEXT', body: links.join('\n'),
    heuristic: { id: suspicious ? HEUR.SUSPICIOUS_DDE_LINK : HEUR.DDE_LINK },
    tags: { 'file.ole.dde_link': links.slice(0, 100) },
  };
}
