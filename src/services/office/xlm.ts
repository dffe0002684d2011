// Excel 4.0 (XLM) macro sheets. In BIFF8 workbooks each sheet has a BOUNDSHEET record (0x0085) in the globals
// substream whose type byte says worksheet, macro sheet, chart or VB module, and whose state byte says visible,
// hidden or "very hidden" (only reachable from code). In OOXML they are parts under xl/macrosheets/.

export interface SheetInfo {
  name: string;
  type: 'worksheet' | 'macrosheet' | 'chart' | 'vbmodule' | 'unknown';
  state: 'visible' | 'hidden' | 'very hidden' | 'unknown';
}

const TYPES: Record<number, SheetInfo['type']> = { 0: 'worksheet', 1: 'macrosheet', 2: 'chart', 6: 'vbmodule' };
const STATES: Record<number, SheetInfo['state']> = { 0: 'visible', 1: 'hidden', 2: 'very hidden' };

export function biffSheets(book: Buffer): SheetInfo[] {
  const out: SheetInfo[] = [];
  let o = 0;
  // Records are (type u16, length u16, data); the globals substream ends with EOF (0x000A).
  for (let n = 0; n < 1_000_000 && o + 4 <= book.length; n++) {
    const type = book.readUInt16LE(o);
    const len = book.readUInt16LE(o + 2);
    const d = book.subarray(o + 4, o + 4 + len);
    o += 4 + len;
    if (type === 0x000a && n > 0) break;
    if (type !== 0x0085 || d.length < 8) continue;
    const cch = d[6]!;
    const wide = (d[7]! & 1) === 1;
    const raw = d.subarray(8, 8 + (wide ? cch * 2 : cch));
    out.push({
      name: wide ? raw.toString('utf16le') : raw.toString('latin1'),
      type: TYPES[d[5]!] ?? 'unknown',
      state: STATES[d[4]! & 0x03] ?? 'unknown',
    });
  }
  return out;
}

export interface WorkbookSheet {
  name: string;
  state: string;
  /** Relationship id (r:id) that names the sheet's part. */
  rid: string;
}

/** Sheets of xl/workbook.xml with their state and relationship id. */
export function workbookSheets(xml: string): WorkbookSheet[] {
  const out: WorkbookSheet[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?sheet\b([^>]*)\/?>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[1]!)?.[1];
    if (!name) continue;
    out.push({ name, state: /\bstate="([^"]*)"/.exec(m[1]!)?.[1] ?? 'visible', rid: /\b(?:\w+:)?id="([^"]*)"/.exec(m[1]!)?.[1] ?? '' });
    if (out.length >= 10_000) break;
  }
  return out;
}

/** Signatures of the XLM heuristic: one per macro sheet, plus one per hidden or very hidden one. */
export function xlmSignatures(states: string[]): Record<string, number> {
  const sigs: Record<string, number> = { macro_sheet: states.length };
  for (const st of states) {
    const key = /^very ?hidden$/i.test(st) ? 'macro_sheet_very_hidden' : /^hidden$/i.test(st) ? 'macro_sheet_hidden' : '';
    if (key) sigs[key] = (sigs[key] ?? 0) + 1;
  }
  return sigs;
}
