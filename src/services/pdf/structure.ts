// File-level structure read from the raw bytes: where the header is, the %%EOF markers (incremental updates),
// what follows the last one, whether startxref points at a cross-reference section, and which indirect objects
// are written at top level (the others can only have come out of object streams).

export interface Structure {
  headerOffset: number;
  version: string | null;
  eofCount: number;
  /** Bytes after the last %%EOF (and its end-of-line). */
  trailingBytes: number;
  /** Of those, bytes other than whitespace and NULs. */
  trailingNonBlank: number;
  startxref: number | null;
  /** startxref is present but does not point at "xref" or at an object (an XRef stream). */
  brokenXref: boolean;
  /** "num gen" of objects written at top level in the file. */
  topLevelObjects: Set<string>;
}

const HEADER_SEARCH = 1024;

export function readStructure(text: string): Structure {
  const headerOffset = text.slice(0, HEADER_SEARCH).indexOf('%PDF-');
  const version = headerOffset >= 0 ? (/^%PDF-(\d\.\d)/.exec(text.slice(headerOffset, headerOffset + 16))?.[1] ?? null) : null;

  let eofCount = 0;
  let lastEof = -1;
  for (let i = text.indexOf('%%EOF'); i >= 0; i = text.indexOf('%%EOF', i + 5)) {
    eofCount++;
    lastEof = i;
  }
  let trailingBytes = 0;
  let trailingNonBlank = 0;
  if (lastEof >= 0) {
    const tail = text.slice(lastEof + 5).replace(/^\r?\n|^\r/, '');
    trailingBytes = tail.length;
    trailingNonBlank = tail.replace(/[\s\x00]/g, '').length;
  }

  // The last startxref is the one a reader follows first.
  let startxref: number | null = null;
  for (const m of text.matchAll(/startxref\s+(\d{1,15})/g)) startxref = Number(m[1]);
  let brokenXref = false;
  if (startxref !== null) {
    // Offsets are relative to the header, which some producers (and attackers) place after junk.
    const at = (base: number) => text.slice(base + startxref!, base + startxref! + 32).replace(/^\s+/, '');
    const ok = (s: string) => s.startsWith('xref') || /^\d+\s+\d+\s+obj/.test(s);
    brokenXref = !ok(at(0)) && !(headerOffset > 0 && ok(at(headerOffset)));
  } else {
    brokenXref = true;
  }

  const topLevelObjects = new Set<string>();
  for (const m of text.matchAll(/(?<![0-9])(\d{1,10})\s+(\d{1,5})\s+obj(?![A-Za-z0-9])/g)) topLevelObjects.add(`${Number(m[1])} ${Number(m[2])}`);

  return { headerOffset, version, eofCount, trailingBytes, trailingNonBlank, startxref, brokenXref, topLevelObjects };
}

/**
 * A copy of the file in which every byte outside the top-level structures (the header line, objects up to their
 * endobj, xref tables, trailer dictionaries, startxref up to %%EOF) is a space. Offsets are unchanged, so
 * cross-references still hold. pdf-lib recovers from junk by trying to read an object header at every printable
 * byte, and each try first skips the whitespace that follows: junk before long runs of whitespace costs
 * minutes per megabyte. Blanked, the junk is whitespace it skips once.
 */
export function blankJunk(buf: Buffer, text: string, headerOffset: number): { data: Buffer; blanked: number } {
  const anchors: Array<{ at: number; kind: 'obj' | 'xref' | 'trailer' | 'startxref' }> = [];
  for (const m of text.matchAll(/(?<![0-9])\d{1,10}\s+\d{1,5}\s+obj(?![A-Za-z0-9])/g)) anchors.push({ at: m.index!, kind: 'obj' });
  for (const m of text.matchAll(/(?<![A-Za-z0-9])(xref|trailer|startxref)(?![A-Za-z0-9])/g)) {
    anchors.push({ at: m.index!, kind: m[1] as 'xref' | 'trailer' | 'startxref' });
  }
  anchors.sort((a, b) => a.at - b.at);
  const data = Buffer.alloc(buf.length, 0x20);
  let kept = 0;
  const keep = (from: number, to: number) => {
    if (to <= from) return;
    buf.copy(data, from, from, to);
    kept += to - from;
  };
  if (headerOffset >= 0) {
    const eol = text.slice(headerOffset, headerOffset + 64).search(/[\r\n]/);
    keep(headerOffset, headerOffset + (eol >= 0 ? eol : Math.min(16, buf.length - headerOffset)));
  }
  for (const [i, a] of anchors.entries()) {
    const next = i + 1 < anchors.length ? anchors[i + 1].at : buf.length;
    let end = next;
    if (a.kind === 'obj') {
      const last = text.lastIndexOf('endobj', next - 6);
      if (last > a.at) end = last + 6;
    } else if (a.kind === 'trailer') {
      const last = text.lastIndexOf('>>', next - 2);
      if (last > a.at) end = last + 2;
    } else if (a.kind === 'xref') {
      // The table is rows of digits; stop after the last one.
      const rows = /^(?:\s*\d{1,10}\s+\d{1,10}(?:\s+[nf])?)*/.exec(text.slice(a.at + 4, next));
      end = a.at + 4 + (rows ? rows[0].length : 0);
    } else {
      const eof = text.indexOf('%%EOF', a.at);
      end = eof >= 0 && eof < next ? eof + 5 : Math.min(next, a.at + 64);
    }
    keep(a.at, end);
  }
  return { data, blanked: buf.length - kept };
}
