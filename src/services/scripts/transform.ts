// What every deobfuscation step shares: a transform rewrites the whole text once and names the techniques it
// undid. A technique noted as a layer turns data back into code (a decoded payload, an eval'd string): it peels
// a layer of obfuscation rather than tidying the current one.
export type Note = (technique: string, layer?: boolean) => void;

export interface Transform {
  name: string;
  apply(text: string, note: Note): string;
}

/** Longest string a single rewrite may produce; a decoded layer larger than this is left encoded. */
export const MAX_VALUE = 4 * 1024 * 1024;

/** Evaluates integer arithmetic (+ - * / % and parentheses, decimal or 0x/&H hex), or undefined. */
export function evalInt(expr: string): number | undefined {
  const tokens = expr.match(/0x[0-9a-f]+|&h[0-9a-f]+|\d+|[-+*/%()]|\S/gi);
  if (!tokens || tokens.length > 64) return undefined;
  let i = 0;
  const num = (t: string) => (/^0x/i.test(t) || /^&h/i.test(t) ? parseInt(t.slice(2), 16) : /^\d+$/.test(t) ? parseInt(t, 10) : NaN);
  const atom = (): number => {
    const t = tokens[i++];
    if (t === undefined) return NaN;
    if (t === '(') {
      const v = sum();
      return tokens[i++] === ')' ? v : NaN;
    }
    if (t === '-') return -atom();
    if (t === '+') return atom();
    return num(t);
  };
  const product = (): number => {
    let v = atom();
    while (tokens[i] === '*' || tokens[i] === '/' || tokens[i] === '%') {
      const op = tokens[i++];
      const r = atom();
      v = op === '*' ? v * r : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (tokens[i] === '+' || tokens[i] === '-') v = tokens[i++] === '+' ? v + product() : v - product();
    return v;
  };
  const v = sum();
  return i === tokens.length && Number.isInteger(v) ? v : undefined;
}

/** A code point as a character, or undefined outside the Unicode range. */
export function charOf(code: number | undefined): string | undefined {
  if (code === undefined || code < 0 || code > 0x10ffff) return undefined;
  return String.fromCodePoint(code);
}

/** Mostly printable text: decoded data that is not is left alone (it is a binary payload, not a script). */
export function looksLikeText(s: string): boolean {
  if (!s.length) return false;
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
  }
  return bad / s.length < 0.05;
}

/** Replaces every match, letting the callback decline (return undefined) to keep a match as it was. */
export function replaceAll(text: string, re: RegExp, fn: (m: RegExpExecArray) => string | undefined): string {
  let out = '';
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const r = fn(m);
    if (r === undefined) continue;
    out += text.slice(last, m.index) + r;
    last = m.index + m[0].length;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Variables assigned from a literal, by lower-cased name (`assign` captures the name, then the literal): the
 * literal's value when assigned exactly once, null when assigned more than once (its value at a use is unknown).
 */
export function singleAssignments(text: string, assign: RegExp, literal: (lit: string) => string): Map<string, string | null> {
  const values = new Map<string, string | null>();
  for (const m of text.matchAll(assign)) {
    const k = m[1]!.toLowerCase();
    values.set(k, values.has(k) ? null : literal(m[2]!));
  }
  return values;
}

/** Whether replacing in `value` with `replacement` stays within MAX_VALUE even if every position matched. */
export function replaceFits(value: string, replacement: string): boolean {
  return replacement.length <= 1 || (value.length + 1) * replacement.length <= MAX_VALUE;
}

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits in one pass (applying them one by one would copy the text once per edit). */
export function applyEdits(text: string, edits: Edit[]): string {
  if (!edits.length) return text;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) continue;
    parts.push(text.slice(at, e.start), e.text);
    at = e.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
