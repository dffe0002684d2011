// PowerShell deobfuscation steps. Each works on string literals it can read with certainty (single-quoted, or
// double-quoted without variables or escapes) and leaves everything else untouched, so a step never invents code.
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { foldedByTree, psQuote, treeConcat } from './pstree.js';
import { charOf, evalInt, looksLikeText, MAX_VALUE, replaceAll, replaceFits, singleAssignments, type Transform } from './transform.js';

// Single-quoted ('' is a quote) or plain double-quoted literal.
const LIT = `(?:'(?:[^'\\r\\n]|'')*'|"[^"\\r\\n\`$]*")`;
const litValue = (tok: string) => (tok[0] === "'" ? tok.slice(1, -1).replace(/''/g, "'") : tok.slice(1, -1));
const NUMS = '(?:\\s*(?:0x[0-9a-f]+|\\d+)\\s*,)*\\s*(?:0x[0-9a-f]+|\\d+)\\s*';

function charsOf(list: string): string | undefined {
  let out = '';
  for (const n of list.split(',')) {
    const c = charOf(evalInt(n.trim()));
    if (c === undefined) return undefined;
    out += c;
  }
  return out;
}

function base64Text(b64: string, wide: boolean): string | undefined {
  const clean = b64.replace(/\s+/g, '');
  if (clean.length % 4 === 1 || clean.length > MAX_VALUE) return undefined;
  const buf = Buffer.from(clean, 'base64');
  const text = wide ? buf.toString('utf16le') : buf.toString('utf8');
  return looksLikeText(text) ? text : undefined;
}

// -EncodedCommand takes any unambiguous prefix of its name (-e, -en, -enc, -ec ...).
const ENCODED = /(^|[\s;|&'"(])-(?:e|ec|en|enc|enco|encod|encode|encoded|encodedc\w*)\s+['"]?([A-Za-z0-9+/]{16,}={0,2})['"]?/gim;

export const encodedCommandStep: Transform = {
  name: 'encoded command',
  apply: (s, note) => replaceAll(s, ENCODED, (m) => {
    const text = base64Text(m[2]!, true);
    if (text === undefined) return undefined;
    note('PowerShell -EncodedCommand (base64 UTF-16LE)', true);
    return `${m[1]}-Command ${text}`;
  }),
};

const ENCODINGS: Record<string, boolean> = { unicode: true, bigendianunicode: false, utf8: false, ascii: false, default: false, utf7: false };
const B64_GETSTRING = new RegExp(
  `\\[(?:System\\.)?Text\\.Encoding\\]::(\\w+)\\.GetString\\(\\s*\\[(?:System\\.)?Convert\\]::FromBase64String\\(\\s*(${LIT})\\s*\\)\\s*\\)`, 'gi');

const base64Strings: Transform = {
  name: 'base64 strings',
  apply: (s, note) => replaceAll(s, B64_GETSTRING, (m) => {
    const wide = ENCODINGS[m[1]!.toLowerCase()];
    if (wide === undefined) return undefined;
    const text = base64Text(litValue(m[2]!), wide);
    if (text === undefined) return undefined;
    note('[Convert]::FromBase64String', true);
    return psQuote(text);
  }),
};

const COMPRESSED = new RegExp(`(Deflate|GZip)Stream[\\s\\S]{0,200}?\\[(?:System\\.)?Convert\\]::FromBase64String\\(\\s*(${LIT})\\s*\\)`, 'gi');

/** Text of a DeflateStream/GZipStream over base64, replacing the StreamReader(...).ReadToEnd() around it. */
const compressed: Transform = {
  name: 'compressed base64',
  apply: (s, note) => {
    COMPRESSED.lastIndex = 0;
    const m = COMPRESSED.exec(s);
    if (!m) return s;
    let data: Buffer;
    try {
      const raw = Buffer.from(litValue(m[2]!).replace(/\s+/g, ''), 'base64');
      data = /gzip/i.test(m[1]!) ? gunzipSync(raw, { maxOutputLength: MAX_VALUE }) : inflateRawSync(raw, { maxOutputLength: MAX_VALUE });
    } catch {
      return s;
    }
    const text = data.toString('utf8');
    if (!looksLikeText(text)) return s;
    note(`${m[1]}Stream over base64`, true);
    // The expression begins at the New-Object that builds the reader (or the stream) and ends after ReadToEnd().
    const lineStart = s.lastIndexOf('\n', m.index) + 1;
    const before = s.slice(lineStart, m.index);
    const ctor = Math.max(before.search(/\(?\s*New-Object\s+(?:System\.)?IO\.StreamReader/i), -1);
    const start = ctor >= 0 ? lineStart + ctor : m.index;
    const tail = s.slice(m.index + m[0].length, m.index + m[0].length + 400);
    const end = /\.ReadToEnd\(\s*\)/i.exec(tail);
    if (ctor < 0 || !end) {
      const lineEnd = s.indexOf('\n', m.index);
      return s.slice(0, lineStart) + text + (lineEnd < 0 ? '' : s.slice(lineEnd));
    }
    let stop = m.index + m[0].length + end.index + end[0].length;
    // An opening parenthesis before New-Object is closed before .ReadToEnd(); keep the pair balanced.
    const opened = s.slice(start, stop).split('(').length - s.slice(start, stop).split(')').length;
    if (opened > 0 && s[stop] === ')') stop++;
    return s.slice(0, start) + psQuote(text) + s.slice(stop);
  },
};

const CHAR_JOIN = new RegExp(
  `(?:-join\\s*)?\\[char\\[\\]\\]\\s*\\(?\\s*@?\\((${NUMS})\\)\\s*\\)?(?:\\s*-join\\s*${LIT})?` +
  `|\\((${NUMS})\\|\\s*(?:%|ForEach-Object|foreach)\\s*\\{\\s*\\[char\\]\\s*\\$_\\s*\\}\\s*\\)(?:\\s*-join\\s*${LIT})?`, 'gi');
const CHAR_ONE = /\[char\]\s*(?:\(\s*([^()]{1,40})\s*\)|(0x[0-9a-f]+|\d+))/gi;

const charArrays: Transform = {
  name: 'char arrays',
  apply: (s, note) => {
    let out = replaceAll(s, CHAR_JOIN, (m) => {
      const v = charsOf((m[1] ?? m[2])!);
      if (v === undefined) return undefined;
      note('[char] arrays joined');
      return psQuote(v);
    });
    out = replaceAll(out, CHAR_ONE, (m) => {
      const v = charOf(evalInt((m[1] ?? m[2])!));
      if (v === undefined) return undefined;
      note('[char] casts');
      return psQuote(v);
    });
    return out;
  },
};

// A literal followed by a member access or index belongs to that, not to the sum ('a'+'b'.Trim()).
// The syntax-tree step (pstree.ts) folds sums first; this catches what it cannot parse (fragments, errors).
const CONCAT = new RegExp(`${LIT}(?:\\s*\\+\\s*${LIT}(?!\\s*[.[]))+`, 'g');
const LIT_G = new RegExp(LIT, 'g');
const concat: Transform = {
  name: 'concatenation',
  apply: (s, note) => (foldedByTree(s) ? s : replaceAll(s, CONCAT, (m) => {
    note('string concatenation');
    return psQuote([...m[0].matchAll(LIT_G)].map((t) => litValue(t[0])).join(''));
  })),
};

// Parentheses around one literal, after an operator or at the start of an argument (not a method call's).
const PAREN = new RegExp(`(^|[\\s(=+,;|&.])\\(\\s*(${LIT})\\s*\\)`, 'gm');
const parens: Transform = {
  name: 'parentheses',
  apply: (s) => replaceAll(s, PAREN, (m) => (m[1] === '.' ? undefined : `${m[1]}${m[2]}`)),
};

// A backtick before a character with no escape meaning is just that character: I`E`X is IEX.
const BACKTICK = /`([A-Za-z0-9_\-.])/g;
const backticks: Transform = {
  name: 'backticks',
  apply: (s, note) => replaceAll(s, BACKTICK, (m) => (/[0abefnrtuv]/.test(m[1]!) ? undefined : (note('backtick escapes'), m[1]!))),
};

const FORMAT = new RegExp(`(?:\\(\\s*(${LIT})\\s*\\)|(${LIT}))\\s*-f\\s*(${LIT}(?:\\s*,\\s*${LIT})*)`, 'gi');
const formatOp: Transform = {
  name: 'format operator',
  apply: (s, note) => replaceAll(s, FORMAT, (m) => {
    const args = [...m[3]!.matchAll(new RegExp(LIT, 'g'))].map((a) => litValue(a[0]));
    let bad = false;
    const v = litValue((m[1] ?? m[2])!).replace(/\{\{|\}\}|\{(\d+)(?:,[^}:]*)?(?::[^}]*)?\}/g, (t, i?: string) => {
      if (t === '{{') return '{';
      if (t === '}}') return '}';
      const a = args[Number(i)];
      if (a === undefined) bad = true;
      return a ?? '';
    });
    if (bad) return undefined;
    note('-f format operator');
    return psQuote(v);
  }),
};

const REPLACE_OP = new RegExp(`(${LIT})\\s*-(c|i)?replace\\s*(${LIT})\\s*,\\s*(${LIT})`, 'gi');
const REPLACE_METHOD = new RegExp(`(?:\\(\\s*(${LIT})\\s*\\)|(${LIT}))\\s*\\.replace\\(\\s*(${LIT})\\s*,\\s*(${LIT})\\s*\\)`, 'gi');
const replaces: Transform = {
  name: 'replace',
  apply: (s, note) => {
    let out = replaceAll(s, REPLACE_OP, (m) => {
      if (!replaceFits(litValue(m[1]!), litValue(m[4]!))) return undefined;
      try {
        const re = new RegExp(litValue(m[3]!), m[2]?.toLowerCase() === 'c' ? 'g' : 'gi');
        note('-replace');
        // PowerShell writes group references as $1 like JavaScript does.
        return psQuote(litValue(m[1]!).replace(re, litValue(m[4]!)));
      } catch {
        return undefined;
      }
    });
    out = replaceAll(out, REPLACE_METHOD, (m) => {
      if (!replaceFits(litValue((m[1] ?? m[2])!), litValue(m[4]!))) return undefined;
      note('.Replace()');
      return psQuote(litValue((m[1] ?? m[2])!).split(litValue(m[3]!)).join(litValue(m[4]!)));
    });
    return out;
  },
};

const JOIN = new RegExp(`(${LIT})\\s*-join\\s*${LIT}|-join\\s*(${LIT})|\\[string\\]::join\\(\\s*${LIT}\\s*,\\s*(${LIT})\\s*\\)`, 'gi');
const joins: Transform = { name: 'join', apply: (s) => replaceAll(s, JOIN, (m) => (m[1] ?? m[2] ?? m[3])!) };

// Automatic variables with fixed values, indexed to spell "iex" and the like without writing it.
const KNOWN_VALUES: Record<string, string> = {
  pshome: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0', shellid: 'Microsoft.PowerShell',
  'env:comspec': 'C:\\Windows\\system32\\cmd.exe', 'env:public': 'C:\\Users\\Public',
};
const INDEXED = /\$(PSHome|ShellId|env:ComSpec|env:Public)\[(\s*-?\d+\s*(?:,\s*-?\d+\s*)*)\]/gi;
const knownVariables: Transform = {
  name: 'indexed automatic variables',
  apply: (s, note) => replaceAll(s, INDEXED, (m) => {
    const v = KNOWN_VALUES[m[1]!.toLowerCase()]!;
    const chars = m[2]!.split(',').map((x) => Number(x.trim())).map((i) => v[i < 0 ? v.length + i : i]);
    if (chars.some((c) => c === undefined)) return undefined;
    note('characters taken from automatic variables');
    return psQuote(chars.join(''));
  }),
};

// A literal naming a command, invoked with & or . ("&('i'+'ex')"), is that command.
const CALL_NAME = new RegExp(`(^|[\\s;|(])[&.]\\s*(?:\\(\\s*(${LIT})\\s*\\)|(${LIT}))`, 'gm');
const callNames: Transform = {
  name: 'invoked names',
  apply: (s, note) => replaceAll(s, CALL_NAME, (m) => {
    const v = litValue((m[2] ?? m[3])!);
    if (!/^[A-Za-z][\w-]*$/.test(v)) return undefined;
    note('command name built from strings');
    return `${m[1]}${v}`;
  }),
};

// New-Object takes its type name as a string as readily as bare: ('Net.'+'WebClient') ends up quoted.
const NEW_OBJECT = new RegExp(`(New-Object\\s+(?:-TypeName\\s+|-ComObject\\s+)?)(${LIT})`, 'gi');
const typeNames: Transform = {
  name: 'type names',
  apply: (s) => replaceAll(s, NEW_OBJECT, (m) => {
    const v = litValue(m[2]!);
    return /^[A-Za-z][\w.]*$/.test(v) ? `${m[1]}${v}` : undefined;
  }),
};

// Not inside a literal or a longer name: the word must stand alone ("'iex'" is a string, "$iex" a variable).
const IEX_ARG = new RegExp(`(?<![\\w'"$.\\-])(?:iex|Invoke-Expression)\\s*(?:-Command\\s+)?(?:\\(\\s*(${LIT})\\s*\\)|(${LIT}))`, 'gi');
const IEX_PIPE = new RegExp(`(${LIT})\\s*\\|\\s*(?:iex|Invoke-Expression)(?![\\w'"-])`, 'gi');
const invokeExpression: Transform = {
  name: 'Invoke-Expression',
  apply: (s, note) => {
    const unwrap = (m: RegExpExecArray) => {
      note('Invoke-Expression of a string', true);
      return litValue((m[1] ?? m[2])!);
    };
    return replaceAll(replaceAll(s, IEX_ARG, unwrap), IEX_PIPE, unwrap);
  },
};

// $s = '...'; IEX $s: a variable assigned once, from a literal, runs that literal.
const ASSIGN = new RegExp(`\\$(\\w{1,64})\\s*=\\s*(${LIT})\\s*(?=;|$)`, 'gm');
const IEX_VAR = /(?<![\w'"$.\-])(?:iex|Invoke-Expression)\s*(?:-Command\s+)?(?:\(\s*\$(\w{1,64})\s*\)|\$(\w{1,64})\b)(?!\s*[.[])|\$(\w{1,64})\s*\|\s*(?:iex|Invoke-Expression)(?![\w'"-])/gi;
const invokeVariable: Transform = {
  name: 'Invoke-Expression of a variable',
  apply: (s, note) => {
    IEX_VAR.lastIndex = 0;
    if (!IEX_VAR.test(s)) return s;
    const values = singleAssignments(s, ASSIGN, litValue);
    return replaceAll(s, IEX_VAR, (m) => {
      const k = (m[1] ?? m[2] ?? m[3])!.toLowerCase();
      const v = values.get(k);
      // Assigned more than once (or also some other way) means the value at this point is not certain.
      if (typeof v !== 'string' || new RegExp(`\\$${k}\\s*[-+*/]?=`, 'gi').exec(s.replace(ASSIGN, '')) !== null) return undefined;
      note('Invoke-Expression of a string', true);
      return v;
    });
  },
};

/** In the order one round applies them: decoding first, then the string algebra, then unwrapping. */
export const POWERSHELL: Transform[] = [
  encodedCommandStep, compressed, base64Strings, backticks, charArrays, knownVariables, treeConcat, concat, parens, formatOp, replaces, joins, callNames, typeNames, invokeExpression, invokeVariable,
];
