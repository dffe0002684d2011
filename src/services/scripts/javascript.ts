// JavaScript/JScript deobfuscation through the syntax tree: acorn parses the script, expressions built only from
// constants are folded to the string they evaluate to (concatenation, String.fromCharCode, unescape, atob,
// split/reverse/join, arrays of fragments joined, replace, escapes), and eval/Function of a constant string is
// replaced by the code it runs. When the text does not parse (JScript quirks, fragments) a few regex steps do the
// safe part of the same work.
import { parse, type Node } from 'acorn';
import { applyEdits, charOf, MAX_VALUE, replaceAll, replaceFits, type Edit, type Note, type Transform } from './transform.js';

type Value = string | number | Value[] | undefined;
type AnyNode = Node & Record<string, any>;

const jsQuote = (v: string) => JSON.stringify(v);
const isStr = (v: Value): v is string => typeof v === 'string';
const name = (n: AnyNode | undefined): string | undefined =>
  n?.type === 'Identifier' ? n.name : n?.type === 'Literal' && typeof n.value === 'string' ? n.value : undefined;

function unescapeJs(s: string): string {
  return s.replace(/%u([0-9a-f]{4})|%([0-9a-f]{2})/gi, (_, u?: string, b?: string) => String.fromCharCode(parseInt((u ?? b)!, 16)));
}

/** Children of a node that are nodes themselves. */
function* childNodes(n: AnyNode): Generator<AnyNode> {
  for (const v of Object.values(n)) {
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === 'string') yield c;
    } else if (v && typeof v === 'object' && typeof (v as AnyNode).type === 'string') {
      yield v as AnyNode;
    }
  }
}

/** Variables declared once with an initial value and never assigned again, whatever their scope. */
function constantBindings(root: AnyNode): Map<string, AnyNode> {
  const inits = new Map<string, AnyNode | null>();
  const changed = new Set<string>();
  const stack = [root];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier') {
      inits.set(n.id.name, inits.has(n.id.name) || !n.init ? null : n.init);
    } else if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier') {
      changed.add(n.left.name);
    } else if (n.type === 'UpdateExpression' && n.argument.type === 'Identifier') {
      changed.add(n.argument.name);
    }
    stack.push(...childNodes(n));
  }
  const out = new Map<string, AnyNode>();
  for (const [k, v] of inits) if (v && !changed.has(k)) out.set(k, v);
  return out;
}

class Folder {
  /** Techniques used by the value being computed; kept only if it becomes an edit (see collect). */
  pending: string[] = [];
  private note = (t: string) => void this.pending.push(t);
  /** Variables are looked through only for what eval runs: inlining them everywhere would bloat the script. */
  resolving = 0;

  constructor(private constants = new Map<string, AnyNode>()) {}

  /** The value eval-like calls receive: constant variables count as their value. */
  evalValue(n: AnyNode): Value {
    this.resolving++;
    try {
      return this.value(n);
    } finally {
      this.resolving--;
    }
  }

  value(n: AnyNode): Value {
    switch (n.type) {
      case 'Identifier': {
        const init = this.resolving > 0 && this.resolving < 16 ? this.constants.get(n.name) : undefined;
        if (!init) return undefined;
        // Each variable followed raises the depth, so "var a = a + 1"-style cycles end.
        this.resolving++;
        try {
          const v = this.value(init);
          if (v !== undefined) this.note('constant variables');
          return v;
        } finally {
          this.resolving--;
        }
      }
      case 'Literal':
        return typeof n.value === 'string' || typeof n.value === 'number' ? n.value : undefined;
      case 'TemplateLiteral':
        return n.expressions.length === 0 ? n.quasis[0].value.cooked ?? undefined : undefined;
      case 'ArrayExpression': {
        const out: Value[] = [];
        for (const e of n.elements) {
          const v = e ? this.value(e) : undefined;
          if (v === undefined || Array.isArray(v)) return undefined;
          out.push(v);
        }
        return out;
      }
      case 'UnaryExpression':
        if (n.operator === '-') {
          const v = this.value(n.argument);
          return typeof v === 'number' ? -v : undefined;
        }
        return undefined;
      case 'BinaryExpression':
        return this.binary(n);
      case 'CallExpression':
        return this.call(n);
      case 'MemberExpression': {
        if (!n.computed) return undefined;
        const o = this.value(n.object);
        const i = this.value(n.property);
        if ((Array.isArray(o) || isStr(o)) && typeof i === 'number') return o[i];
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private binary(n: AnyNode): Value {
    const l = this.value(n.left);
    const r = this.value(n.right);
    if (l === undefined || r === undefined || Array.isArray(l) || Array.isArray(r)) return undefined;
    if (n.operator === '+') {
      if (isStr(l) || isStr(r)) {
        const s = String(l) + String(r);
        if (s.length > MAX_VALUE) return undefined;
        this.note('string concatenation');
        return s;
      }
      return l + r;
    }
    if (typeof l !== 'number' || typeof r !== 'number') return undefined;
    switch (n.operator) {
      case '-': return l - r;
      case '*': return l * r;
      case '/': return r ? l / r : undefined;
      case '%': return r ? l % r : undefined;
      case '^': return l ^ r;
      case '|': return l | r;
      case '&': return l & r;
      default: return undefined;
    }
  }

  private call(n: AnyNode): Value {
    const callee = n.callee as AnyNode;
    const args = (n.arguments as AnyNode[]).map((a) => (a.type === 'Literal' && a.regex ? undefined : this.value(a)));
    if (callee.type === 'Identifier' || (callee.type === 'MemberExpression' && name(callee.object) === 'window')) {
      const fn = callee.type === 'Identifier' ? callee.name : name(callee.property);
      const a = args[0];
      if (args.length !== 1 || !isStr(a)) return undefined;
      try {
        if (fn === 'unescape') return this.noted('unescape()', unescapeJs(a));
        if (fn === 'decodeURIComponent' || fn === 'decodeURI') return this.noted('URI decoding', decodeURIComponent(a));
        if (fn === 'atob') return this.noted('atob() base64', Buffer.from(a, 'base64').toString('latin1'));
      } catch {
        return undefined;
      }
      return undefined;
    }
    if (callee.type !== 'MemberExpression') return undefined;
    const method = callee.computed ? this.value(callee.property) : name(callee.property);
    if (!isStr(method)) return undefined;
    if (name(callee.object) === 'String' && method === 'fromCharCode') {
      let s = '';
      for (const a of args) {
        const c = typeof a === 'number' ? charOf(a) : undefined;
        if (c === undefined) return undefined;
        s += c;
      }
      return this.noted('String.fromCharCode()', s);
    }
    const obj = this.value(callee.object);
    const [a0, a1] = args;
    if (Array.isArray(obj)) {
      if (method === 'reverse' && args.length === 0) return this.noted('reversed arrays', [...obj].reverse());
      if (method === 'join' && (args.length === 0 || isStr(a0))) {
        return this.noted('array of fragments joined', obj.join(args.length ? (a0 as string) : ','));
      }
      return undefined;
    }
    if (!isStr(obj)) return undefined;
    const regexArg = (n.arguments[0] as AnyNode | undefined)?.regex as { pattern: string; flags: string } | undefined;
    switch (method) {
      case 'split':
        return isStr(a0) && args.length === 1 ? this.noted('split()', obj.split(a0)) : undefined;
      case 'replace':
      case 'replaceAll': {
        if (!isStr(a1) || !replaceFits(obj, a1)) return undefined;
        if (regexArg) {
          try {
            return this.noted('replace()', obj.replace(new RegExp(regexArg.pattern, regexArg.flags), a1));
          } catch {
            return undefined;
          }
        }
        if (!isStr(a0)) return undefined;
        return this.noted('replace()', method === 'replace' ? obj.replace(a0, () => a1) : obj.split(a0).join(a1));
      }
      case 'concat':
        return args.every(isStr) ? this.noted('string concatenation', obj + args.join('')) : undefined;
      case 'toString': case 'valueOf':
        return args.length === 0 ? obj : undefined;
      case 'toLowerCase': case 'toUpperCase': case 'trim':
        return args.length === 0 ? obj[method]() : undefined;
      case 'charAt':
        return typeof a0 === 'number' ? obj.charAt(a0) : undefined;
      case 'substr':
        return typeof a0 === 'number' && (a1 === undefined || typeof a1 === 'number') ? obj.substr(a0, a1) : undefined;
      case 'substring': case 'slice':
        return typeof a0 === 'number' && (a1 === undefined || typeof a1 === 'number') ? obj[method](a0, a1) : undefined;
      default:
        return undefined;
    }
  }

  private noted<T extends Value>(technique: string, v: T): T | undefined {
    if (isStr(v) && v.length > MAX_VALUE) return undefined;
    this.note(technique);
    return v;
  }
}

/** The code an eval-like call runs, when it is a constant string. */
function evalCode(n: AnyNode, folder: Folder): string | undefined {
  if (n.type !== 'CallExpression') return undefined;
  const c = n.callee as AnyNode;
  const fn = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' && !c.computed ? name(c.property) : undefined;
  if (fn === 'eval' || fn === 'execScript') {
    const v = n.arguments.length >= 1 ? folder.evalValue(n.arguments[0]) : undefined;
    return isStr(v) ? v : undefined;
  }
  // Function('code')() and new Function('code')() run their last argument.
  if ((c.type === 'CallExpression' || c.type === 'NewExpression') && name(c.callee) === 'Function' && n.arguments.length === 0) {
    const last = c.arguments[c.arguments.length - 1];
    const v = last ? folder.evalValue(last) : undefined;
    // Function("return this")() only reaches the global object; "unwrapping" it would break the code.
    return isStr(v) && !/^\s*return this;?\s*$/.test(v) ? v : undefined;
  }
  return undefined;
}

function collect(n: AnyNode, folder: Folder, edits: Edit[], note: Note, layers: { count: number }): void {
  folder.pending = [];
  const code = evalCode(n, folder);
  if (code !== undefined) {
    for (const t of folder.pending) note(t);
    note(name(n.callee) === 'eval' || name((n.callee as AnyNode).property) === 'eval' ? 'eval() of a string' : 'Function() of a string', true);
    layers.count++;
    edits.push({ start: n.start, end: n.end, text: code });
    return;
  }
  if (n.type !== 'Literal' && n.type !== 'ArrayExpression' && /Expression|TemplateLiteral/.test(n.type)) {
    folder.pending = [];
    const v = folder.value(n);
    if (isStr(v)) {
      for (const t of folder.pending) note(t);
      edits.push({ start: n.start, end: n.end, text: jsQuote(v) });
      return;
    }
  }
  if (n.type === 'Literal' && typeof n.value === 'string' && /\\(?:x[0-9a-f]{2}|u[0-9a-f{])/i.test(n.raw ?? '')) {
    note('\\x/\\u escapes');
    edits.push({ start: n.start, end: n.end, text: jsQuote(n.value) });
    return;
  }
  for (const c of childNodes(n)) {
    // Property names are not expressions: folding them would change the object's shape.
    if (!n.computed && (c === n.key || (n.type === 'MemberExpression' && c === n.property))) continue;
    collect(c, folder, edits, note, layers);
  }
}

function parseJs(text: string): AnyNode | undefined {
  for (const sourceType of ['script', 'module'] as const) {
    try {
      return parse(text, { ecmaVersion: 'latest', sourceType, allowReturnOutsideFunction: true, allowHashBang: true, allowAwaitOutsideFunction: sourceType === 'script' ? undefined : true }) as AnyNode;
    } catch {
      // try the other source type, then give up
    }
  }
  return undefined;
}

/** One AST pass; undefined when the text does not parse. */
export function foldJs(text: string, note: Note): { text: string; layers: number } | undefined {
  const ast = parseJs(text);
  if (!ast) return undefined;
  const edits: Edit[] = [];
  const layers = { count: 0 };
  collect(ast, new Folder(constantBindings(ast)), edits, note, layers);
  return { text: applyEdits(text, edits), layers: layers.count };
}

const FROMCHARCODE = /String\.fromCharCode\(\s*((?:\d+|0x[0-9a-f]+)(?:\s*,\s*(?:\d+|0x[0-9a-f]+))*)\s*\)/gi;
const DQ_ESC = /"((?:[^"\\\r\n]|\\.)*\\[xu](?:[^"\\\r\n]|\\.)*)"|'((?:[^'\\\r\n]|\\.)*\\[xu](?:[^'\\\r\n]|\\.)*)'/g;
const JS_CONCAT = /"([^"\\\r\n]*)"\s*\+\s*"([^"\\\r\n]*)"|'([^'\\\r\n]*)'\s*\+\s*'([^'\\\r\n]*)'/g;

/** The regex fallback for text acorn cannot parse. */
function regexSteps(text: string, note: Note): string {
  let out = replaceAll(text, FROMCHARCODE, (m) => {
    const cs = m[1]!.split(',').map((x) => charOf(Number(x.trim())));
    if (cs.some((c) => c === undefined)) return undefined;
    note('String.fromCharCode()');
    return jsQuote(cs.join(''));
  });
  out = replaceAll(out, DQ_ESC, (m) => {
    try {
      const body = (m[1] ?? m[2])!.replace(/\\u\{([0-9a-f]+)\}/gi, (_, h: string) => `\\u${h.padStart(4, '0')}`);
      const v = JSON.parse(`"${body.replace(/\\x([0-9a-f]{2})/gi, '\\u00$1').replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"')}"`) as string;
      note('\\x/\\u escapes');
      return jsQuote(v);
    } catch {
      return undefined;
    }
  });
  for (let i = 0; i < 64; i++) {
    const next = replaceAll(out, JS_CONCAT, (m) => jsQuote((m[1] ?? m[3])! + (m[2] ?? m[4])!));
    if (next === out) break;
    note('string concatenation');
    out = next;
  }
  return out;
}

export const javascriptStep: Transform = {
  name: 'javascript',
  apply: (s, note) => {
    try {
      return foldJs(s, note)?.text ?? regexSteps(s, note);
    } catch (e) {
      // Expressions nested deeper than the stack allows (thousands of chained +) fall back to the regex steps.
      if (e instanceof RangeError) return regexSteps(s, note);
      throw e;
    }
  },
};

export const JAVASCRIPT: Transform[] = [javascriptStep];
