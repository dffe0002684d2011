// Builds the import graph of src/: every static import, re-export and literal dynamic import, type-only ones
// included (a type import still ties two modules' shapes together). Paths are relative to the repository root.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const repoRoot = resolve(dirname(new URL(import.meta.url).pathname), '../..');

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Resolves a relative specifier written with a .js extension (NodeNext style) to the .ts source file. */
function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  }
  return null;
}

export interface ImportGraph {
  /** file → files it imports (both repo-relative). */
  edges: Map<string, string[]>;
}

/** The import graph of every .ts file under `dir` (tests included unless `includeTests` is false). */
export function importGraph(dir = join(repoRoot, 'src'), includeTests = false): ImportGraph {
  const edges = new Map<string, string[]>();
  for (const file of walk(dir, [])) {
    if (!includeTests && file.endsWith('.test.ts')) continue;
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const ref of info.importedFiles) {
      const target = resolveLocal(file, ref.fileName);
      if (target) targets.add(relative(repoRoot, target));
    }
    edges.set(relative(repoRoot, file), [...targets].sort());
  }
  return { edges };
}

/** Strongly connected components with more than one file (or a file importing itself): the import circles. */
export function importCircles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  let counter = 0;
  // Iterative Tarjan: the graph is a few hundred files, but recursion depth should not depend on its shape.
  for (const start of graph.edges.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    index.set(start, counter); low.set(start, counter); counter++;
    stack.push(start); onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const out = graph.edges.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const to = out[frame.next++];
        if (!graph.edges.has(to)) continue;
        if (!index.has(to)) {
          index.set(to, counter); low.set(to, counter); counter++;
          stack.push(to); onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do { member = stack.pop()!; onStack.delete(member); component.push(member); } while (member !== frame.node);
        if (component.length > 1 || out.includes(frame.node)) circles.push(component.sort());
      }
    }
  }
  return circles;
}
