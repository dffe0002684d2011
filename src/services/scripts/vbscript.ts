// VBScript deobfuscation steps: Chr()/ChrW() built strings, & concatenation, StrReverse, Replace, case
// functions, and Execute/ExecuteGlobal/Eval of a constant string, which is replaced by the code it runs.
import { charOf, evalInt, replaceAll, replaceFits, singleAssignments, type Transform } from './transform.js';

const LIT = '"(?:[^"\\r\\n]|"")*"';
const litValue = (tok: string) => tok.slice(1, -1).replace(/""/g, '"');
export const vbQuote = (v: string) => `"${v.replace(/"/g, '""')}"`;

// Line continuations join a statement split over lines; they are everywhere in generated droppers.
const CONTINUATION = /[ \t]_[ \t]*\r?\n[ \t]*/g;
const continuations: Transform = { name: 'line continuations', apply: (s) => s.replace(CONTINUATION, ' ') };

const CHR = /\bChr[WB]?\s*\(\s*([0-9a-fA-F&hH\s+\-*/()]{1,40}?)\s*\)/gi;
const chr: Transform = {
  name: 'Chr()',
  apply: (s, note) => replaceAll(s, CHR, (m) => {
    const v = charOf(evalInt(m[1]!));
    if (v === undefined || v === '\r' || v === '\n') return undefined;
    note('Chr()/ChrW() characters');
    return vbQuote(v);
  }),
};

const CONCAT = new RegExp(`${LIT}(?:\\s*[&+]\\s*${LIT})+`, 'g');
const LIT_G = new RegExp(LIT, 'g');
const concat: Transform = {
  name: 'concatenation',
  apply: (s, note) => replaceAll(s, CONCAT, (m) => {
    note('string concatenation');
    return vbQuote([...m[0].matchAll(LIT_G)].map((t) => litValue(t[0])).join(''));
  }),
};

const FUNCS = new RegExp(`\\b(StrReverse|LCase|UCase|Trim|Replace)\\s*\\(\\s*(${LIT})\\s*(?:,\\s*(${LIT})\\s*,\\s*(${LIT})\\s*)?\\)`, 'gi');
const functions: Transform = {
  name: 'string functions',
  apply: (s, note) => replaceAll(s, FUNCS, (m) => {
    const fn = m[1]!.toLowerCase();
    const v = litValue(m[2]!);
    if ((fn === 'replace') !== (m[3] !== undefined)) return undefined;
    if (fn === 'replace' && !replaceFits(v, litValue(m[4]!))) return undefined;
    note(fn === 'strreverse' ? 'StrReverse()' : fn === 'replace' ? 'Replace()' : `${m[1]}()`);
    if (fn === 'strreverse') return vbQuote([...v].reverse().join(''));
    if (fn === 'lcase') return vbQuote(v.toLowerCase());
    if (fn === 'ucase') return vbQuote(v.toUpperCase());
    if (fn === 'trim') return vbQuote(v.trim());
    return vbQuote(v.split(litValue(m[3]!)).join(litValue(m[4]!)));
  }),
};

const EXECUTE = new RegExp(`\\b(?:Execute|ExecuteGlobal|Eval)\\b\\s*(?:\\(\\s*(${LIT})\\s*\\)|(${LIT}))`, 'gi');
const execute: Transform = {
  name: 'Execute',
  apply: (s, note) => replaceAll(s, EXECUTE, (m) => {
    note('Execute/ExecuteGlobal of a string', true);
    // VBScript statements on one line are separated by ':'; a newline keeps the unwrapped code readable.
    return litValue((m[1] ?? m[2])!);
  }),
};

// s = "...": Execute s — a variable assigned once, from a literal, runs that literal.
const ASSIGN = new RegExp(`^[ \\t]*(?:Dim[ \\t]+\\w+[ \\t]*:[ \\t]*)?(\\w{1,64})[ \\t]*=[ \\t]*(${LIT})[ \\t]*$`, 'gim');
const EXECUTE_VAR = /\b(?:Execute|ExecuteGlobal)\b[ \t]*(?:\([ \t]*(\w{1,64})[ \t]*\)|(\w{1,64}))[ \t]*$/gim;
const executeVariable: Transform = {
  name: 'Execute of a variable',
  apply: (s, note) => {
    EXECUTE_VAR.lastIndex = 0;
    if (!EXECUTE_VAR.test(s)) return s;
    const values = singleAssignments(s, ASSIGN, litValue);
    const others = s.replace(ASSIGN, '');
    return replaceAll(s, EXECUTE_VAR, (m) => {
      const k = (m[1] ?? m[2])!.toLowerCase();
      const v = values.get(k);
      // Assigned anywhere else (s = s & "...") means the value at this point is not certain.
      if (typeof v !== 'string' || new RegExp(`(?:^|[\\s:])${k}[ \\t]*=`, 'im').test(others)) return undefined;
      note('Execute/ExecuteGlobal of a string', true);
      return v;
    });
  },
};

export const VBSCRIPT: Transform[] = [continuations, chr, concat, functions, execute, executeVariable];
