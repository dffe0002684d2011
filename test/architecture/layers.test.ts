// The layers, held by the import graph of src/ (type-only imports included):
// - the analyser SDK (src/sdk/) sits at the bottom and imports nothing else of Assay;
// - an analyser (src/services/<name>/) imports only the SDK and its own folder;
// - core imports no analyser (it discovers them by directory) and no HTTP;
// - the API imports no storage engine or interface (it goes through core);
// - no tests live in src/, and no import circles exist anywhere in src/.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importCircles, importGraph, repoRoot, type ImportGraph } from './import-graph.js';

const graph = importGraph();

/** "src/services/pe/parse.ts" → "services/pe"; "src/core/x/y.ts" → "core"; "src/app.ts" → "app". */
function area(file: string): string {
  const parts = file.split('/');
  if (parts[1] === 'services') return parts.length > 3 ? `services/${parts[2]}` : 'services';
  return parts.length > 2 ? parts[1]! : parts[1]!.replace(/\.ts$/, '');
}

/** Every import from a file in `from` to a file whose area `forbidden` rejects, as "a → b" lines. */
function violations(g: ImportGraph, from: (a: string) => boolean, forbidden: (to: string, fromArea: string) => boolean): string[] {
  const out: string[] = [];
  for (const [file, targets] of g.edges) {
    const a = area(file);
    if (!from(a)) continue;
    for (const t of targets) if (forbidden(area(t), a)) out.push(`${file} → ${t}`);
  }
  return out;
}

describe('architecture: layers', () => {
  it('the SDK imports nothing of Assay outside itself', () => {
    assert.deepEqual(violations(graph, (a) => a === 'sdk', (to) => to !== 'sdk'), []);
  });

  it('an analyser imports only the SDK and its own folder', () => {
    const found = violations(graph, (a) => a.startsWith('services'), (to, from) => to !== 'sdk' && to !== from);
    assert.deepEqual(found, []);
  });

  it('core imports no analyser, no HTTP layer, no CLI and no client', () => {
    const found = violations(graph, (a) => a === 'core', (to) => to.startsWith('services') || ['api', 'cli', 'client', 'app'].includes(to));
    assert.deepEqual(found, []);
  });

  it('the API goes through core, never to storage', () => {
    assert.deepEqual(violations(graph, (a) => a === 'api', (to) => to === 'store' || to.startsWith('services')), []);
  });

  it('storage imports nothing above it', () => {
    assert.deepEqual(violations(graph, (a) => a === 'store', (to) => to !== 'store'), []);
  });

  it('the client SDK stands alone (users import it without the server)', () => {
    assert.deepEqual(violations(graph, (a) => a === 'client', (to) => to !== 'client'), []);
  });

  it('has no import circles', () => {
    assert.deepEqual(importCircles(graph), []);
  });

  it('keeps tests under test/, none in src/', () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.test.ts') || name === 'test-support.ts') found.push(p.slice(repoRoot.length + 1));
      }
    };
    walk(join(repoRoot, 'src'));
    assert.deepEqual(found, []);
  });
});

describe('architecture: the checks themselves', () => {
  it('find a planted circle and a planted layer breach', () => {
    const planted: ImportGraph = {
      edges: new Map([
        ['src/core/a.ts', ['src/core/b.ts', 'src/services/pe/index.ts']],
        ['src/core/b.ts', ['src/core/a.ts']],
        ['src/services/pe/index.ts', ['src/sdk/index.ts']],
        ['src/sdk/index.ts', []],
      ]),
    };
    assert.deepEqual(importCircles(planted), [['src/core/a.ts', 'src/core/b.ts']]);
    assert.deepEqual(
      violations(planted, (a) => a === 'core', (to) => to.startsWith('services')),
      ['src/core/a.ts → src/services/pe/index.ts'],
    );
  });
});
