// Shared state for the content rules: the decoded text, libmagic's MIME type, and cached answers.
// Rules are written as small predicates over this context; patterns are compiled once at module
// load and every match/count result is memoised per file, since several rules share patterns.

/**
 * What a rule looks for: a literal, a regular expression, or a probe returning the offset of the
 * first match (-1 for none) for evidence a linear-time regular expression cannot express.
 */
export type Pattern = RegExp | string | ((text: string) => number);

function search(text: string, p: Pattern): number {
  if (typeof p === 'string') return text.indexOf(p);
  if (typeof p === 'function') return p(text);
  return text.search(p);
}

const GLOBAL_CLONES = new WeakMap<RegExp, RegExp>();

function globalOf(re: RegExp): RegExp {
  let g = GLOBAL_CLONES.get(re);
  if (!g) {
    g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    GLOBAL_CLONES.set(re, g);
  }
  return g;
}

// Counting stops here: rules only ever ask "more than N" for small N.
const COUNT_CAP = 64;
// Positional rules ("within the first 256 bytes") allow a match to run this far past the window.
const WINDOW_SLACK = 4096;

export class ScriptContext {
  /** Decoded text of the bytes we hold (capped). */
  readonly text: string;
  /** Text of the last bytes of the file, for rules anchored at the end. */
  readonly tail: string;
  readonly mime: string;
  /** File size in bytes. */
  readonly size: number;
  /** libmagic considers the content text (Assemblyline's `mime startswith "text"`). */
  readonly isText: boolean;
  /** libmagic found no structure at all (`application/octet-stream`). */
  readonly isBinary: boolean;
  /** The text came from UTF-16LE. */
  readonly wide: boolean;
  private readonly hits = new Map<Pattern, number>();
  private readonly counts = new Map<Pattern, number>();
  private readonly memo = new Map<string, boolean>();
  private readonly nearHits = new Map<Pattern, number>();
  private readonly distinctCounts = new Map<string, number>();
  private head: string | undefined;

  constructor(text: string, tail: string, mime: string, size: number, wide: boolean) {
    this.text = text;
    this.tail = tail;
    this.mime = mime;
    this.size = size;
    this.wide = wide;
    this.isText = mime.startsWith('text');
    this.isBinary = mime === 'application/octet-stream';
  }

  /** Offset of the first match, or -1. */
  index(p: Pattern): number {
    let at = this.hits.get(p);
    if (at === undefined) {
      at = search(this.text, p);
      this.hits.set(p, at);
    }
    return at;
  }

  has(p: Pattern): boolean {
    return this.index(p) >= 0;
  }

  /** Number of non-overlapping matches (capped). */
  count(p: Pattern): number {
    let n = this.counts.get(p);
    if (n !== undefined) return n;
    n = 0;
    if (this.index(p) >= 0) {
      if (typeof p === 'function') {
        n = 1;
      } else if (typeof p === 'string') {
        for (let at = this.text.indexOf(p); at >= 0 && n < COUNT_CAP; at = this.text.indexOf(p, at + p.length)) n++;
      } else {
        const g = globalOf(p);
        g.lastIndex = 0;
        let m: RegExpExecArray | null;
        while (n < COUNT_CAP && (m = g.exec(this.text)) !== null) {
          n++;
          if (m[0].length === 0) g.lastIndex++;
        }
      }
    }
    this.counts.set(p, n);
    return n;
  }

  /**
   * A match starting within the first `end` characters. Only the start of the text is searched, so
   * an unterminated construct in a large file cannot make the search run across all of it.
   */
  near(p: Pattern, end: number): boolean {
    let at = this.nearHits.get(p);
    if (at === undefined) {
      at = search(this.start, p);
      this.nearHits.set(p, at);
    }
    return at >= 0 && at <= end;
  }

  /** Number of different strings matched by `re` (compared case-insensitively, capped). */
  distinct(re: RegExp, cap = 8): number {
    const key = `${cap}/${re.flags}/${re.source}`;
    let n = this.distinctCounts.get(key);
    if (n !== undefined) return n;
    const seen = new Set<string>();
    if (this.index(re) >= 0) {
      const g = globalOf(re);
      g.lastIndex = 0;
      let m: RegExpExecArray | null;
      while (seen.size < cap && (m = g.exec(this.text)) !== null) {
        seen.add(m[0].toLowerCase());
        if (m[0].length === 0) g.lastIndex++;
      }
    }
    n = seen.size;
    this.distinctCounts.set(key, n);
    return n;
  }

  /** A match starting within the last `n` characters of the file. */
  atEnd(p: Pattern, n = 256): boolean {
    const tail = this.tail.length > n ? this.tail.slice(this.tail.length - n) : this.tail;
    return search(tail, p) >= 0;
  }

  /** Text of the first few KiB, for rules that only look at the start. */
  private get start(): string {
    if (this.head === undefined) this.head = this.text.slice(0, 256 + WINDOW_SLACK);
    return this.head;
  }

  /** How many of `list` match, stopping once `need` is reached. */
  matching(list: readonly Pattern[], need = list.length): number {
    if (need <= 0) return 0;
    let n = 0;
    for (const p of list) if (this.has(p) && ++n >= need) break;
    return n;
  }

  /** Whether at least `need` patterns of `list` match. */
  nOf(need: number, list: readonly Pattern[]): boolean {
    return this.matching(list, need) >= need;
  }

  /** Evaluates `fn` once per file under `key` (rules refer to each other). */
  once(key: string, fn: () => boolean): boolean {
    let v = this.memo.get(key);
    if (v === undefined) {
      v = fn();
      this.memo.set(key, v);
    }
    return v;
  }
}
