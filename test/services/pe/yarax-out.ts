// Reader for the golden outputs of YARA-X's module tests: an indented key/value text where "- " starts a list
// item, strings are double-quoted with \xNN escapes for non-UTF-8 bytes, and "# ..." comments follow values.

export type YValue = string | number | bigint | boolean | Buffer | YValue[] | { [k: string]: YValue };
export type YMap = { [k: string]: YValue };

interface Line { indent: number; dash: boolean; key: string; value?: string }

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
      const cp = q.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      out.push(...Buffer.from(ch, 'utf8'));
      i += ch.length - 1;
    }
  }
  return Buffer.from(out);
}

function scalar(v: string): YValue {
  if (v.startsWith('"')) return unquote(v);
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^0x[0-9a-f]+$/i.test(v)) {
    const n = BigInt(v);
    return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  if (/^-?\d+$/.test(v)) {
    const n = BigInt(v);
    return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  return v;
}

function splitLine(raw: string): Line | undefined {
  if (!raw.trim()) return undefined;
  let indent = raw.length - raw.trimStart().length;
  let rest = raw.trimStart();
  let dash = false;
  if (rest.startsWith('- ')) { dash = true; rest = rest.slice(2); }
  // Key: a quoted string or a bare word, then ':'.
  let key: string;
  let after: string;
  if (rest.startsWith('"')) {
    let i = 1;
    while (i < rest.length && rest[i] !== '"') i += rest[i] === '\\' ? 2 : 1;
    key = unquote(rest.slice(0, i + 1)).toString('utf8');
    after = rest.slice(i + 2);
  } else {
    const c = rest.indexOf(':');
    key = rest.slice(0, c);
    after = rest.slice(c + 1);
  }
  after = after.trim();
  // Drop a trailing comment outside quotes.
  if (after.startsWith('"')) {
    let i = 1;
    while (i < after.length && after[i] !== '"') i += after[i] === '\\' ? 2 : 1;
    after = after.slice(0, i + 1);
  } else {
    const hash = after.indexOf('  #');
    if (hash >= 0) after = after.slice(0, hash).trim();
  }
  if (dash) indent += 2;
  return { indent, dash, key, value: after === '' ? undefined : after };
}

export function parseYaraxOut(text: string): YMap {
  const lines = text.split('\n').map(splitLine).filter((l): l is Line => l !== undefined);
  let i = 0;
  const block = (indent: number): YMap | YValue[] => {
    if (i < lines.length && lines[i].dash && lines[i].indent > indent) {
      const arr: YValue[] = [];
      const itemIndent = lines[i].indent;
      while (i < lines.length && lines[i].dash && lines[i].indent === itemIndent) {
        const obj: YMap = {};
        lines[i].dash = false; // the dash line is the item's first key
        map(itemIndent, obj);
        arr.push(obj);
      }
      return arr;
    }
    const obj: YMap = {};
    if (i < lines.length) map(lines[i].indent, obj);
    return obj;
  };
  const map = (indent: number, obj: YMap) => {
    while (i < lines.length && lines[i].indent === indent && !lines[i].dash) {
      const l = lines[i++];
      if (l.value !== undefined) obj[l.key] = scalar(l.value);
      else if (i < lines.length && (lines[i].indent > indent)) obj[l.key] = block(indent);
      else obj[l.key] = {};
    }
  };
  const root: YMap = {};
  map(0, root);
  return root;
}
