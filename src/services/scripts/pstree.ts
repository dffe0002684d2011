// PowerShell string concatenation folded on the syntax tree of tree-sitter's PowerShell grammar (shipped as WASM
// by @vscode/tree-sitter-wasm): only sums whose every operand is a string literal are folded, so operator
// precedence ('a' + 'b'.Trim()) and literals inside larger expressions are handled as PowerShell would. The
// grammar loads once per worker; until it has (or if it cannot), the regex step in powershell.ts does the work.
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import { dirname, join } from 'node:path';
import { applyEdits, type Edit, type Transform } from './transform.js';

interface TsNode {
  type: string;
  text: string;
  startIndex: number;
  endIndex: number;
  hasError: boolean;
  childCount: number;
  namedChildCount: number;
  children: TsNode[];
  namedChildren: TsNode[];
}
interface TsQuery {
  captures(node: TsNode): Array<{ node: TsNode }>;
}
interface TsParser {
  parse(text: string): { rootNode: TsNode; delete(): void } | null;
}

/** A PowerShell single-quoted literal holding `v`. */
export const psQuote = (v: string) => `'${v.replace(/'/g, "''")}'`;

let parser: TsParser | undefined;
let sums: TsQuery | undefined;
let loading: Promise<void> | undefined;
export let loadError: string | undefined;

/** Loads the grammar (once); resolves whether or not it could be loaded. */
export function loadPowerShellGrammar(): Promise<void> {
  loading ??= (async () => {
    try {
      const require = createRequire(import.meta.url);
      const main = require.resolve('@vscode/tree-sitter-wasm');
      const ts = require('@vscode/tree-sitter-wasm') as {
        Parser: { init(): Promise<void>; new (): TsParser & { setLanguage(l: unknown): void } };
        Language: { load(path: string): Promise<unknown> };
        Query: new (lang: unknown, source: string) => TsQuery;
      };
      // V8 would otherwise optimise the 1 MB grammar with TurboFan in the background: about ten CPU seconds per
      // process, which also hold up its exit. Its baseline (Liftoff) code parses as fast for our use, so the
      // grammar alone is compiled baseline-only; the flag is restored at once for every other module.
      v8.setFlagsFromString('--liftoff-only');
      let lang: unknown;
      try {
        await ts.Parser.init();
        lang = await ts.Language.load(join(dirname(main), 'tree-sitter-powershell.wasm'));
      } finally {
        v8.setFlagsFromString('--no-liftoff-only');
      }
      const p = new ts.Parser();
      p.setLanguage(lang);
      sums = new ts.Query(lang, '[(additive_expression) (additive_argument_expression)] @sum');
      parser = p;
    } catch (e) {
      loadError = (e as Error).message;
    }
  })();
  return loading;
}

export const grammarLoaded = () => parser !== undefined;

let lastClean: string | undefined;
/**
 * Whether the tree step has already folded every sum in this exact text: it parsed without errors (or held no
 * literal sums at all). The regex step then has nothing left to do and must not second-guess the grammar.
 */
export const foldedByTree = (text: string) => lastClean === text;

const ADDITIVE = new Set(['additive_expression', 'additive_argument_expression']);

/** The value of a plain string literal operand (through the grammar's single-child wrappers), or undefined. */
function literal(n: TsNode): string | undefined {
  let cur = n;
  while (cur.type !== 'string_literal') {
    // ('abc') is as constant as 'abc'.
    if (cur.type === 'parenthesized_expression' && cur.childCount === 3 && cur.namedChildCount === 1) {
      cur = cur.namedChildren[0]!;
      continue;
    }
    if (cur.namedChildCount !== 1 || cur.childCount !== 1) return undefined;
    cur = cur.namedChildren[0]!;
  }
  const t = cur.text;
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2 && !t.startsWith("@'")) return t.slice(1, -1).replace(/''/g, "'");
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2 && !/[$`]/.test(t)) return t.slice(1, -1);
  return undefined;
}

/**
 * Folds the runs of literals in one chain of + operators, flattened without recursion (obfuscators write chains
 * of thousands). A leading run is always its own subtree; later runs may be folded only when the chain starts
 * with a string, which makes every + a string concatenation.
 */
function foldChain(top: TsNode, edits: Edit[]): void {
  const operands: TsNode[] = [];
  const ops: string[] = [];
  let cur = top;
  while (ADDITIVE.has(cur.type) && cur.childCount === 3) {
    operands.push(cur.children[2]!);
    ops.push(cur.children[1]!.type);
    cur = cur.children[0]!;
  }
  operands.push(cur);
  operands.reverse();
  ops.reverse();
  const values = operands.map(literal);
  const allConcat = values[0] !== undefined && ops.every((o) => o === '+');
  let i = 0;
  while (i < operands.length) {
    if (values[i] === undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < operands.length && values[j + 1] !== undefined && ops[j] === '+') j++;
    if (j > i && (i === 0 || allConcat)) {
      edits.push({ start: operands[i]!.startIndex, end: operands[j]!.endIndex, text: psQuote(values.slice(i, j + 1).join('')) });
    }
    i = j + 1;
  }
}

/**
 * Every sum in the tree, found by a query (walking all nodes from JavaScript costs more than the parse), folded
 * from the top of its chain. The sums of one chain's left spine all start where the chain starts, and any other
 * sum starts elsewhere, so the widest sum at each start is a chain's top. (Asking nodes for their parent would
 * do: tree-sitter finds a parent by descending from the root, which is quadratic on long chains.)
 */
function collect(root: TsNode, edits: Edit[]): void {
  const tops = new Map<number, TsNode>();
  for (const { node } of sums!.captures(root)) {
    if (node.childCount !== 3 || node.hasError) continue;
    const cur = tops.get(node.startIndex);
    if (!cur || node.endIndex > cur.endIndex) tops.set(node.startIndex, node);
  }
  for (const top of tops.values()) foldChain(top, edits);
}

// Some string literal followed by + and another: without one there is nothing to fold and no need to parse.
const CANDIDATE = /['"][ \t]*\+[ \t\r\n]*['"(]/;
/** Above this size the grammar is too slow for one round; the regex step folds alone. */
const MAX_PARSE = 2 * 1024 * 1024;

/** Folds literal sums on the syntax tree; undefined when the grammar is not loaded. */
export function foldConcatenation(text: string): { text: string; folded: number } | undefined {
  if (!parser || text.length > MAX_PARSE) return undefined;
  if (!CANDIDATE.test(text)) {
    lastClean = text;
    return { text, folded: 0 };
  }
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    const edits: Edit[] = [];
    collect(tree.rootNode, edits);
    // tree-sitter offsets are UTF-16 code units for JavaScript strings, the same as String.slice.
    const out = applyEdits(text, edits);
    // Folding only literals keeps the syntax valid: a text that parsed cleanly still does after it.
    lastClean = tree.rootNode.hasError ? undefined : out;
    return { text: out, folded: edits.length };
  } finally {
    tree.delete();
  }
}

export const treeConcat: Transform = {
  name: 'concatenation (syntax tree)',
  apply: (s, note) => {
    const r = foldConcatenation(s);
    if (r?.folded) note('string concatenation');
    return r?.text ?? s;
  },
};
