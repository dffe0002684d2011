// PowerShell string concatenation folded on the syntax tree of tree-sitter's PowerShell grammar (shipped as WASM
// by @vscode/tree-sitter-wasm): only sums whose every operand is a string literal are folded, so operator
// precedence ('a' + 'b'.Trim()) and literals inside larger expressions are handled as PowerShell would. The
// grammar loads once per worker; until it has (or if it cannot), the regex step in powershell.ts does the work.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Transform } from './transform.js';

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
interface TsParser {
  parse(text: string): { rootNode: TsNode; delete(): void } | null;
}

/** A PowerShell single-quoted literal holding `v`. */
export const psQuote = (v: string) => `'${v.replace(/'/g, "''")}'`;

let parser: TsParser | undefined;
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
      };
      await ts.Parser.init();
      const lang = await ts.Language.load(join(dirname(main), 'tree-sitter-powershell.wasm'));
      const p = new ts.Parser();
      p.setLanguage(lang);
      parser = p;
    } catch (e) {
      loadError = (e as Error).message;
    }
  })();
  return loading;
}

export const grammarLoaded = () => parser !== undefined;

const ADDITIVE = new Set(['additive_expression', 'additive_argument_expression']);

/** The value of a plain string literal operand (through the grammar's single-child wrappers), or undefined. */
function literal(n: TsNode): string | undefined {
  let cur = n;
  while (cur.type !== 'string_literal') {
    if (cur.namedChildCount !== 1 || cur.childCount !== 1) return undefined;
    cur = cur.namedChildren[0]!;
  }
  const t = cur.text;
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2 && !t.startsWith("@'")) return t.slice(1, -1).replace(/''/g, "'");
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2 && !/[$`]/.test(t)) return t.slice(1, -1);
  return undefined;
}

type Edit = { start: number; end: number; text: string };

/**
 * Folds the runs of literals in one chain of + operators, flattened without recursion (obfuscators write chains
 * of thousands). A leading run is always its own subtree; later runs may be folded only when the chain starts
 * with a string, which makes every + a string concatenation. Operands that are not literals are returned so the
 * walk can look inside them.
 */
function foldChain(top: TsNode, edits: Edit[]): TsNode[] {
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
  const rest: TsNode[] = [];
  let i = 0;
  while (i < operands.length) {
    if (values[i] === undefined) {
      rest.push(operands[i]!);
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
  return rest;
}

function collect(root: TsNode, edits: Edit[]): void {
  const stack = [root];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (ADDITIVE.has(n.type) && n.childCount === 3 && !n.hasError) stack.push(...foldChain(n, edits));
    else stack.push(...n.children);
  }
}

/** Folds literal sums on the syntax tree; undefined when the grammar is not loaded. */
export function foldConcatenation(text: string): { text: string; folded: number } | undefined {
  if (!parser) return undefined;
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    const edits: Edit[] = [];
    collect(tree.rootNode, edits);
    if (!edits.length) return { text, folded: 0 };
    // tree-sitter offsets are UTF-16 code units for JavaScript strings, the same as String.slice.
    let out = text;
    for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
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
