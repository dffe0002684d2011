import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execute, manifest } from '../../../src/services/characterize/index.js';
import { displayName } from '../../../src/services/characterize/names.js';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { allTags, heuristicIds, runOn, tempDir } from '../../helpers/service.js';

let root: string;
let cleanup: () => Promise<void>;
before(async () => ({ dir: root, cleanup } = await tempDir('characterize-')));
after(() => cleanup());

const PE_TYPE = 'executable/windows/pe32';
const entropyValues = (out: Awaited<ReturnType<typeof execute>>) =>
  (out.sections[0]!.body as { data: { values: number[] } }).data.values;

test('manifest is valid', () => {
  validateManifest(manifest);
});

test('random data has high entropy in every partition', async () => {
  const out = await runOn(execute, root, 'random.bin', 'unknown', randomBytes(64 * 1024));
  const graph = out.sections[0]!;
  assert.equal(graph.bodyFormat, 'GRAPH_DATA');
  assert.equal(graph.promoteTo, 'ENTROPY');
  const body = graph.body as { type: string; data: { domain: number[]; values: number[] } };
  assert.equal(body.type, 'colormap');
  assert.deepEqual(body.data.domain, [0, 8]);
  assert.ok(body.data.values.length >= 45 && body.data.values.length <= 50, `${body.data.values.length} partitions`);
  for (const v of body.data.values) assert.ok(v > 7, `partition entropy ${v}`);
  const overall = Number(/File entropy: ([\d.]+)/.exec(graph.title)![1]);
  assert.ok(overall > 7.9, `overall ${overall}`);
  assert.deepEqual(heuristicIds(out), []);
});

test('a constant file has zero entropy', async () => {
  const out = await runOn(execute, root, 'zeros.bin', 'unknown', Buffer.alloc(10_000, 0x41));
  assert.equal(out.sections[0]!.title, 'File entropy: 0');
  assert.ok(entropyValues(out).every((v) => v === 0));
});

test('small files use 256-byte partitions', async () => {
  const out = await runOn(execute, root, 'small.bin', 'unknown', Buffer.alloc(1000, 1));
  assert.equal(entropyValues(out).length, 4);
});

test('double extension', async () => {
  const out = await runOn(execute, root, 'a.pdf.exe', PE_TYPE, Buffer.from('MZ'));
  assert.deepEqual(heuristicIds(out), [102]);
  assert.deepEqual(allTags(out, 'file.name.anomaly'), ['DOUBLE_FILE_EXTENSION']);
});

test('shortcuts named after their target are not a double extension', async () => {
  const out = await runOn(execute, root, 'report.pdf.lnk', 'shortcut/windows', Buffer.from('L'));
  assert.deepEqual(heuristicIds(out), []);
});

test('right-to-left override hiding the extension', async () => {
  assert.equal(displayName('invoice\u202Efdp.exe'), 'invoiceexe.pdf');
  const out = await runOn(execute, root, '\u202Eexe.pdf', 'document/pdf', Buffer.from('%PDF-1.4'));
  assert.deepEqual(heuristicIds(out), [103]);
  assert.deepEqual(allTags(out, 'file.name.anomaly'), ['UNICODE_EXTENSION_HIDING']);
  const attack = await runOn(execute, root, 'invoice\u202Efdp.exe', PE_TYPE, Buffer.from('MZ'));
  assert.ok(heuristicIds(attack).includes(103));
  assert.match(String(attack.sections[1]!.body), /invoiceexe\.pdf/);
});

test('extension contradicting the identified type', async () => {
  const out = await runOn(execute, root, 'report.pdf', PE_TYPE, Buffer.from('MZ'));
  assert.deepEqual(heuristicIds(out), [105]);
  const sec = out.sections.find((s) => s.heuristic?.id === 105)!;
  assert.deepEqual(sec.heuristic!.signatures, { executable_disguised: 1 });
  assert.deepEqual(allTags(out, 'file.name.anomaly'), ['EXTENSION_TYPE_MISMATCH']);
  // Benign mismatches (a PDF identified as text) are not worth a score.
  assert.deepEqual(heuristicIds(await runOn(execute, root, 'report.pdf', 'text/plain', 'hello')), []);
});

test('a clean text file raises nothing', async () => {
  const out = await runOn(execute, root, 'notes.txt', 'text/plain', 'Meeting notes: nothing to see here.\n');
  assert.equal(out.sections.length, 1);
  assert.deepEqual(heuristicIds(out), []);
});

test('empty names and whitespace padding', async () => {
  assert.deepEqual(heuristicIds(await runOn(execute, root, '   .exe', PE_TYPE, 'MZ')), [104]);
  const padded = `invoice.pdf${' '.repeat(40)}.exe`;
  assert.deepEqual(heuristicIds(await runOn(execute, root, padded, PE_TYPE, 'MZ')).sort(), [101, 102]);
});
