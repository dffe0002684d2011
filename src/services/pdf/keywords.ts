// PDFiD-style keyword counts. Counting runs on text (the raw file as latin1, or the serialised objects that came
// out of object streams) so the same code serves both views. Names are compared after undoing #xx escapes, since
// "/J#61vaScript" is /JavaScript to a reader; each escaped spelling of a keyword is also counted as obfuscated.

/** Bare words PDFiD counts (not names). */
export const WORD_KEYWORDS = ['obj', 'endobj', 'stream', 'endstream', 'xref', 'trailer', 'startxref'] as const;

/** Names PDFiD counts, plus /URI as Assemblyline's PDFId configuration adds it. */
export const NAME_KEYWORDS = [
  '/Page', '/Encrypt', '/ObjStm', '/JS', '/JavaScript', '/AA', '/OpenAction', '/AcroForm', '/JBIG2Decode', '/RichMedia',
  '/Launch', '/EmbeddedFile', '/XFA', '/URI',
] as const;

export const COLORS_KEY = '/Colors > 2^24';

export const ALL_KEYWORDS: readonly string[] = [...WORD_KEYWORDS, ...NAME_KEYWORDS, COLORS_KEY];

export interface KeywordCounts {
  counts: Record<string, number>;
  /** Keyword → how many of its occurrences were written with #xx escapes. */
  obfuscated: Record<string, number>;
  /** Distinct escaped spellings seen (any name, keyword or not), capped. */
  obfuscatedSpellings: string[];
}

const MAX_SPELLINGS = 50;
const NAME_SET: ReadonlySet<string> = new Set(NAME_KEYWORDS);
// A name runs until whitespace or a delimiter (PDF 32000-1 §7.3.5).
const NAME_RE = /\/[^\s/<>[\]()%{}\x00]*/g;
const WORD_RE = /(?<![A-Za-z0-9])(?:endobj|endstream|startxref|obj|stream|xref|trailer)(?![A-Za-z0-9])/g;
const HEX_ESCAPE = /#([0-9A-Fa-f]{2})/g;

export function decodeName(raw: string): string {
  return raw.replace(HEX_ESCAPE, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export function emptyCounts(): KeywordCounts {
  return { counts: Object.fromEntries(ALL_KEYWORDS.map((k) => [k, 0])), obfuscated: {}, obfuscatedSpellings: [] };
}

export function countKeywords(text: string, into: KeywordCounts = emptyCounts()): KeywordCounts {
  const { counts, obfuscated } = into;
  // Words inside names ("/application#2Foctet-stream") are not keywords: blank the names out first.
  for (const m of text.replace(NAME_RE, ' ').matchAll(WORD_RE)) counts[m[0]]++;
  for (const m of text.matchAll(NAME_RE)) {
    const raw = m[0];
    const escaped = raw.includes('#') && /#[0-9A-Fa-f]{2}/.test(raw);
    const name = escaped ? decodeName(raw) : raw;
    // Only printable names are worth listing: in binary stream data, anything after a "/" looks like a name.
    if (escaped && /^[!-~]+$/.test(raw) && into.obfuscatedSpellings.length < MAX_SPELLINGS && !into.obfuscatedSpellings.includes(raw)) {
      into.obfuscatedSpellings.push(raw);
    }
    if (name === '/Colors') {
      // The value follows the name; PDFiD flags color counts that do not fit in three bytes.
      const value = /^\s*(\d{1,20})/.exec(text.slice(m.index! + raw.length, m.index! + raw.length + 32));
      if (value && Number(value[1]) > 2 ** 24) counts[COLORS_KEY]++;
      continue;
    }
    if (!NAME_SET.has(name)) continue;
    counts[name]++;
    if (escaped) obfuscated[name] = (obfuscated[name] ?? 0) + 1;
  }
  return into;
}

export function addCounts(a: KeywordCounts, b: KeywordCounts): KeywordCounts {
  const out = emptyCounts();
  for (const k of ALL_KEYWORDS) out.counts[k] = (a.counts[k] ?? 0) + (b.counts[k] ?? 0);
  for (const src of [a.obfuscated, b.obfuscated]) for (const [k, n] of Object.entries(src)) out.obfuscated[k] = (out.obfuscated[k] ?? 0) + n;
  out.obfuscatedSpellings = [...new Set([...a.obfuscatedSpellings, ...b.obfuscatedSpellings])].slice(0, MAX_SPELLINGS);
  return out;
}
