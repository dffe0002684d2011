// Reader for the module outputs of YARA-X's test suite (`<sample>.out` next to each sample of the corpus's
// yarax-modules folders), which the parser tests use as an oracle: an indented key/value text where "- " starts a
// list item (a map or a scalar), strings are double-quoted with \xNN escapes for bytes that are not UTF-8, bare
// words are enum names, and "  # ..." comments follow some values. Only what those files use is understood.

export type YValue = string | number | bigint | boolean | Buffer | YValue[] | { [k: string]: YValue };
export type YMap = { [k: string]: YValue };

interface Line {
  indent: number;
  dash: boolean;
  /** Absent for a scalar list item ("- value"). */
  key?: string;
  value?: string;
}

/** Decodes a quoted string to its bytes: \xNN is a raw byte, everything else is UTF-8. */
export function unquote(q: string): Buffer {
  const out: number[] = [];
  for (let i = 1; i < q.length - 1; i++) {
    const c = q[i];
    if (c === '\\') {
      const n = q[++i];
      if (n === 'x') { out.push(parseInt(q.slice(i + 1, i + 3), 16)); i += 2; }
      else if (n === 'n') out.push(10);
      else if (n === 't') out.push(9);
      else if (n === 'r') out.push(13);
      else if (n === '0') out.push(0);
      else out.push(...Buffer.from(n, 'utf8'));
    } else {
      const ch = String.fromCodePoint(q.codePointAt(i)!);
      out.push(...Buffer.from(ch, 'utf8'));
      i += ch.length - 1;
    }
  }
  return Buffer.from(out);
}

/** Index just past the closing quote of the quoted string that starts `s`. */
function quotedEnd(s: string): number {
  let i = 1;
  while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
  return i + 1;
}

function scalar(v: string): YValue {
  if (v.startsWith('"')) return unquote(v);
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^0x[0-9a-f]+$/i.test(v) || /^-?\d+$/.test(v)) {
    const n = BigInt(v);
    return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n;
  }
  return v;
}

/** A value without its trailing comment (outside quotes). */
function stripComment(v: string): string {
  if (v.startsWith('"')) return v.slice(0, quotedEnd(v));
  const hash = v.indexOf('  #');
  return (hash >= 0 ? v.slice(0, hash) : v).trim();
}

function splitLine(raw: string): Line | undefined {
  if (!raw.trim()) return undefined;
  let indent = raw.length - raw.trimStart().length;
  let rest = raw.trimStart();
  let dash = false;
  if (rest.startsWith('- ')) {
    dash = true;
    rest = rest.slice(2);
    // An item's keys sit two columns right of its dash.
    indent += 2;
  }
  // Key: a quoted string or a bare word, then ':'. A list item without one is a scalar.
  let key: string | undefined;
  let after = rest;
  if (rest.startsWith('"')) {
    const end = quotedEnd(rest);
    if (rest[end] === ':') {
      key = unquote(rest.slice(0, end)).toString('utf8');
      after = rest.slice(end + 1);
    }
  } else {
    const m = /^([^\s":]+):(?:\s|$)/.exec(rest);
    if (m) {
      key = m[1]!;
      after = rest.slice(m[0].length);
    }
  }
  if (key === undefined && !dash) throw new Error(`not a key: value line: ${raw}`);
  const value = stripComment(after.trim());
  return { indent, dash, key, value: value === '' ? undefined : value };
}

export function parseYaraxOut(text: string): YMap {
  const lines = text.split('\n').map(splitLine).filter((l): l is Line => l !== undefined);
  let i = 0;
  const map = (indent: number, obj: YMap): void => {
    while (i < lines.length && lines[i]!.indent === indent && !lines[i]!.dash) {
      const l = lines[i++]!;
      if (l.value !== undefined) obj[l.key!] = scalar(l.value);
      else if (i < lines.length && lines[i]!.indent > indent) obj[l.key!] = block();
      else obj[l.key!] = {};
    }
  };
  // The nested value under a key: a list when it starts with "- ", else a map.
  const block = (): YMap | YValue[] => {
    const first = lines[i]!;
    if (!first.dash) {
      const obj: YMap = {};
      map(first.indent, obj);
      return obj;
    }
    const arr: YValue[] = [];
    while (i < lines.length && lines[i]!.dash && lines[i]!.indent === first.indent) {
      const item = lines[i]!;
      if (item.key === undefined) {
        arr.push(scalar(item.value ?? '""'));
        i++;
        continue;
      }
      item.dash = false; // the dash line is the item's first key
      const obj: YMap = {};
      map(first.indent, obj);
      arr.push(obj);
    }
    return arr;
  };
  const root: YMap = {};
  map(0, root);
  return root;
}

export type Plain = string | number | bigint | boolean | Plain[] | { [k: string]: Plain };
export type PlainMap = { [k: string]: Plain };

/**
 * The output with strings as the binary parsers report names: one character per byte. The ELF and Mach-O
 * comparisons use this form; the PE one works on the bytes.
 */
export function plain(v: YValue): Plain {
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** parseYaraxOut in the plain form. */
export function parseYaraxOutPlain(text: string): PlainMap {
  return plain(parseYaraxOut(text)) as PlainMap;
}
