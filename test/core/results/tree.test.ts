import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFileTree, fileScores, type FileTreeNode, type TreeFileInfo, type TreeResult } from '../../../src/core/results/tree.js';

const [R, A, B, C, D, E] = ['1', '2', '3', '4', '5', '6'].map((d) => d.repeat(64)) as [string, string, string, string, string, string];

const info = (sha256: string, type: string, size: number, classification = 'TLP:C'): [string, TreeFileInfo] => [sha256, { sha256, type, size, classification }];
const FILES = new Map([
  info(R, 'archive/zip', 1000), info(A, 'executable/windows/pe32', 400), info(B, 'document/office/word', 300),
  info(C, 'executable/windows/dll32', 200), info(D, 'unknown', 10), info(E, 'text/plain', 5),
]);
const res = (sha256: string, score: number, extracted: Array<[string, string]>, supplementary: string[] = []): TreeResult => ({
  sha256, result: { score }, response: { extracted: extracted.map(([s, name]) => ({ sha256: s, name })), supplementary: supplementary.map((s) => ({ sha256: s })) },
});
// sample.zip holds a.exe, b.doc and dup.bin; a.exe drops c.dll and dup.bin again; b.doc drops the same dll; the dll
// drops e.txt (three levels below the root).
const RESULTS = [
  res(R, 0, [[A, 'a.exe'], [B, 'b.doc'], [D, 'dup.bin']], [E]),
  res(R, 300, []),
  res(A, 1000, [[C, 'c.dll'], [D, 'd.bin']]),
  res(B, 10, [[C, 'c2.dll']], [E]),
  res(C, 50, [[E, 'e.txt']]),
];

const node = (sha256: string, name: string[], score: number, children: Record<string, FileTreeNode> = {}, truncated = false): FileTreeNode => {
  const i = FILES.get(sha256)!;
  return { name, type: i.type, sha256, size: i.size, children, truncated, score };
};

test('tree: first placement wins, repeats truncate their would-be parent, names come from the extractors', () => {
  const got = buildFileTree({ files: [{ sha256: R, name: 'sample.zip' }], results: RESULTS, fileInfo: FILES, maxExtractionDepth: 6 });
  assert.deepEqual(got, {
    tree: {
      [R]: node(R, ['sample.zip'], 300, {
        [A]: node(A, ['a.exe'], 1000, {
          [C]: node(C, ['c.dll', 'c2.dll'], 50, { [E]: node(E, ['e.txt'], 0) }),
          [D]: node(D, ['dup.bin', 'd.bin'], 0),
        }),
        [B]: node(B, ['b.doc'], 10, {}, true),
      }, true),
    },
    classification: 'TLP:C',
    filtered: false,
    partial: false,
    supplementary: [E],
  });
});

test('tree: depth limit of max_extraction_depth + 1 levels', () => {
  const got = buildFileTree({ files: [{ sha256: R, name: 'sample.zip' }], results: RESULTS, fileInfo: FILES, maxExtractionDepth: 2 });
  const c = got.tree[R]!.children[A]!.children[C]!;
  assert.deepEqual(c.children, {});
  assert.equal(c.truncated, false);
  const flat = buildFileTree({ files: [{ sha256: R, name: 'sample.zip' }], results: RESULTS, fileInfo: FILES, maxExtractionDepth: 0 });
  // Children cut by the depth limit count as placed but do not mark their parent truncated (as in Assemblyline).
  assert.deepEqual(flat.tree, { [R]: node(R, ['sample.zip'], 300) });
});

test('tree: the full tree repeats files', () => {
  const got = buildFileTree({ files: [{ sha256: R, name: 'sample.zip' }], results: RESULTS, fileInfo: FILES, maxExtractionDepth: 6, fullTree: true });
  const root = got.tree[R]!;
  assert.equal(root.truncated, false);
  assert.deepEqual(Object.keys(root.children), [A, B, D]);
  assert.deepEqual(Object.keys(root.children[B]!.children), [C]);
  assert.deepEqual(Object.keys(root.children[B]!.children[C]!.children), [E]);
});

test('tree: missing and forbidden files', () => {
  const partialInfo = new Map([...FILES].filter(([k]) => k !== C));
  const missing = buildFileTree({ files: [{ sha256: R, name: 'sample.zip' }], results: RESULTS, fileInfo: partialInfo, maxExtractionDepth: 6 });
  assert.equal(missing.partial, true);
  assert.deepEqual(Object.keys(missing.tree[R]!.children[A]!.children), [D]);

  const restricted = new Map(FILES);
  restricted.set(B, { ...FILES.get(B)!, classification: 'TLP:A' });
  const ops = {
    unrestricted: 'TLP:C',
    isAccessible: (_u: string, c: string) => c !== 'TLP:A',
    max: (a: string, b: string) => (b === 'TLP:A' ? b : a),
    min: (a: string) => a,
  };
  const got = buildFileTree({
    files: [{ sha256: R, name: 'sample.zip' }], results: RESULTS, fileInfo: restricted, maxExtractionDepth: 6, userClassification: 'TLP:G', classificationOps: ops,
  });
  assert.equal(got.filtered, true);
  assert.equal(got.partial, true);
  assert.deepEqual(Object.keys(got.tree[R]!.children), [A]);
});

test('fileScores sums each file\'s results', () => {
  assert.deepEqual(fileScores(RESULTS), new Map([[R, 300], [A, 1000], [B, 10], [C, 50]]));
});
