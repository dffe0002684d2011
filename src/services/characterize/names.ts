// File-name checks. The extension lists follow Assemblyline's MetaPeek: a double extension is a bait extension
// (document, image, archive) directly followed by a launchable one; Unicode bidirectional controls can make the
// displayed extension differ from the real one ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").

const LAUNCHABLE = new Set(['AS', 'BAT', 'CMD', 'COM', 'DLL', 'EXE', 'INF', 'JS', 'LNK', 'SCR', 'URL']);
// Shortcuts legitimately carry the target's name ("report.pdf.lnk"), so they do not count as a double extension.
const LAUNCHABLE_DOUBLE = new Set([...LAUNCHABLE].filter((e) => e !== 'LNK' && e !== 'URL'));
const BAIT_BASE = [
  'BMP', 'DOC', 'DOCX', 'DOT', 'EXCEL', 'JPG', 'JPEG', 'PDF', 'PNG', 'PPT', 'PPTX', 'TEXT', 'TXT', 'WORD', 'XLS', 'XLSX', 'ZIP',
];
// Reversed bait extensions are what an RLO attack writes before the real extension.
const BAIT = new Set([...BAIT_BASE, ...BAIT_BASE.map((e) => [...e].reverse().join(''))]);

const RLO = '\u202E', PDF_CTRL = '\u202C';
const BIDI_CTRLS = /[\u202A-\u202E\u200E\u200F\u2066-\u2069]/g;
const HAS_BIDI = /[\u202A-\u202E\u200E\u200F\u2066-\u2069]/;
const RTL_CTRLS = /[\u202B\u202E\u200F\u2067]/;

export interface NameAnomaly {
  heuristic: number;
  title: string;
  anomaly: string;
  behavior: string;
  detail: string;
}

export interface NameCheck {
  anomalies: NameAnomaly[];
  /** The name as a reader sees it once bidirectional controls are applied, when it differs. */
  visible?: string;
}

function basename(name: string): string {
  const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return cut < 0 ? name : name.slice(cut + 1);
}

/** Extension with its dot, as Python's splitext gives it (leading dots do not start an extension). */
function splitExt(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(name.slice(0, dot + 1))) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

const stripBidi = (s: string) => s.replace(BIDI_CTRLS, '');

/**
 * Display order of a name with an RLO: each run from U+202E to U+202C (or the end) reads reversed. This is the
 * part of the bidi algorithm these attacks rely on; other controls are dropped.
 */
export function displayName(name: string): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const start = name.indexOf(RLO, i);
    if (start < 0) { out += name.slice(i); break; }
    out += name.slice(i, start);
    const end = name.indexOf(PDF_CTRL, start + 1);
    const run = name.slice(start + 1, end < 0 ? name.length : end);
    out += [...stripBidi(run)].reverse().join('');
    i = end < 0 ? name.length : end + 1;
  }
  return stripBidi(out);
}

export function checkFileName(fullName: string): NameCheck {
  const name = basename(fullName);
  const anomalies: NameAnomaly[] = [];
  const [stem, rawExt] = splitExt(name);
  const ext = stripBidi(rawExt.trim());
  const extUpper = ext.slice(1).toUpperCase();

  const fillers = name.match(/[- \t!@#$^&()=+*%]/g)?.length ?? 0;
  if (fillers * 2 > name.length && fillers >= 10 && LAUNCHABLE.has(extUpper)) {
    anomalies.push({
      heuristic: 101, title: 'Too many whitespaces', anomaly: 'TOO_MANY_WHITESPACES',
      behavior: 'File name has too many whitespaces', detail: `${fillers} filler characters in a ${name.length}-character name`,
    });
  }

  if (ext.length > 2 && ext.length <= 5 && LAUNCHABLE_DOUBLE.has(extUpper)) {
    const ext2 = stripBidi(splitExt(stem)[1].trim());
    if (ext2.length > 2 && ext2.length <= 5 && BAIT.has(ext2.slice(1).toUpperCase())) {
      anomalies.push({
        heuristic: 102, title: 'Double file extension', anomaly: 'DOUBLE_FILE_EXTENSION',
        behavior: 'Double file extension', detail: `Bait extension ${ext2} followed by launchable extension ${ext}`,
      });
    }
  }

  let visible: string | undefined;
  if (HAS_BIDI.test(name)) {
    visible = displayName(name);
    const shown = splitExt(visible)[1];
    const reversedShown = name.includes(RLO) && shown.length >= 3 && shown.length <= 5 && shown !== ext;
    // Without an override, a right-to-left embedding or mark can still reorder the name; flag it when the real
    // extension is launchable, which is the case that hides something.
    const otherRtl = !name.includes(RLO) && RTL_CTRLS.test(name) && LAUNCHABLE.has(extUpper);
    if (reversedShown || otherRtl) {
      anomalies.push({
        heuristic: 103, title: 'Hidden launchable file extension', anomaly: 'UNICODE_EXTENSION_HIDING',
        behavior: 'Real file extension hidden using unicode trickery',
        detail: `Real extension ${ext || '(none)'}, displayed as ${JSON.stringify(visible)}`,
      });
    }
  }

  if (ext && stripBidi(stem).trim() === '' && LAUNCHABLE.has(extUpper)) {
    anomalies.push({
      heuristic: 104, title: 'Empty Filename', anomaly: 'FILENAME_EMPTY_OR_ALL_SPACES',
      behavior: 'File name is empty or all whitespaces', detail: `Only an extension: ${ext}`,
    });
  }
  return { anomalies, visible };
}

// Non-launchable extensions and the AL type prefixes their content may legitimately have.
const EXPECTED: Record<string, { label: string; prefixes: string[] }> = {
  pdf: { label: 'a PDF document', prefixes: ['document/pdf'] },
  doc: { label: 'a Word document', prefixes: ['document/office/', 'document/rtf', 'code/html', 'code/xml'] },
  docx: { label: 'a Word document', prefixes: ['document/office/', 'archive/zip'] },
  xls: { label: 'an Excel workbook', prefixes: ['document/office/', 'code/html', 'code/xml', 'text/'] },
  xlsx: { label: 'an Excel workbook', prefixes: ['document/office/', 'archive/zip'] },
  ppt: { label: 'a PowerPoint presentation', prefixes: ['document/office/'] },
  pptx: { label: 'a PowerPoint presentation', prefixes: ['document/office/', 'archive/zip'] },
  rtf: { label: 'an RTF document', prefixes: ['document/office/rtf', 'document/rtf'] },
  jpg: { label: 'a JPEG image', prefixes: ['image/'] },
  jpeg: { label: 'a JPEG image', prefixes: ['image/'] },
  png: { label: 'a PNG image', prefixes: ['image/'] },
  gif: { label: 'a GIF image', prefixes: ['image/'] },
  bmp: { label: 'a bitmap image', prefixes: ['image/'] },
  txt: { label: 'plain text', prefixes: ['text/', 'code/', 'document/', 'metadata/'] },
  zip: { label: 'a ZIP archive', prefixes: ['archive/', 'java/', 'android/', 'document/office/'] },
  mp3: { label: 'audio', prefixes: ['audio/'] },
  mp4: { label: 'video', prefixes: ['video/'] },
};

// Only content that runs when opened matters: a PDF identified as plain text is odd but harmless.
const LAUNCHABLE_TYPE = /^(executable|code|shortcut)\//;

export interface TypeMismatch { extension: string; expected: string; executable: boolean }

export function extensionTypeMismatch(fullName: string, fileType: string): TypeMismatch | undefined {
  const ext = stripBidi(splitExt(basename(fullName))[1]).slice(1).toLowerCase();
  const expected = EXPECTED[ext];
  if (!expected || !LAUNCHABLE_TYPE.test(fileType)) return undefined;
  if (expected.prefixes.some((p) => fileType.startsWith(p))) return undefined;
  return { extension: ext, expected: expected.label, executable: fileType.startsWith('executable/') };
}
