// The pieces of the report on their own: the technique table, names from the tree, statistics arithmetic and
// the reading rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canReadSubmission, type Reader } from '../../src/core/submission/access.js';
import { attackPlacement, TECHNIQUE_COUNT, techniqueInfo } from '../../src/core/results/attack-table.js';
import { accumulate, statsFor } from '../../src/core/report/heuristic-stats.js';
import { treeNames } from '../../src/core/report/report.js';
import type { FileTreeNode } from '../../src/core/results/tree.js';

describe('technique table', () => {
  it('knows the enterprise techniques with their tactics', () => {
    assert.ok(TECHNIQUE_COUNT > 500, `${TECHNIQUE_COUNT} techniques`);
    assert.deepEqual(techniqueInfo('T1547.004'), { id: 'T1547.004', name: 'Winlogon Helper DLL', tactics: ['persistence', 'privilege-escalation'] });
    assert.deepEqual(techniqueInfo('T1059.001')?.tactics, ['execution']);
    assert.equal(techniqueInfo('T9999'), undefined);
  });
  it('follows revoked ids to their replacement', () => {
    assert.deepEqual(techniqueInfo('T1086'), { id: 'T1059.001', name: 'PowerShell', tactics: ['execution'] });
  });
  it('keeps stored tactics and fills missing ones', () => {
    assert.deepEqual(attackPlacement({ attack_id: 'T1059', pattern: 'Command and Scripting Interpreter', categories: ['execution'] }), { name: 'Command and Scripting Interpreter', categories: ['execution'] });
    assert.deepEqual(attackPlacement({ attack_id: 'S0154', pattern: 'Cobalt Strike', categories: ['software'] }), { name: 'Cobalt Strike', categories: ['software'] });
    assert.deepEqual(attackPlacement({ attack_id: 'T1547.004', pattern: 'T1547.004', categories: [] }), { name: 'Winlogon Helper DLL', categories: ['persistence', 'privilege-escalation'] });
    assert.deepEqual(attackPlacement({ attack_id: 'T9999', pattern: 'T9999', categories: [] }), { name: 'T9999', categories: [] });
  });
});

describe('names from the tree', () => {
  const node = (sha256: string, name: string[], children: FileTreeNode[] = []): FileTreeNode => ({
    sha256, name, type: 'text/plain', size: 1, truncated: false, score: 0, children: Object.fromEntries(children.map((c) => [c.sha256, c])),
  });
  it('collects every name of a file placed more than once', () => {
    const tree = { r: node('r', ['root.zip'], [node('a', ['a.txt']), node('b', ['b.zip'], [node('a', ['copy.txt'])])]) };
    const names = treeNames(tree);
    assert.deepEqual(names.get('r'), ['root.zip']);
    assert.deepEqual([...names.get('a')!].sort(), ['a.txt', 'copy.txt']);
  });
});

describe('heuristic statistics arithmetic', () => {
  const res = (score: number, created: string, ids: string[]) => ({
    created,
    result: { score, sections: ids.map((heur_id) => ({ heuristic: { heur_id } })) },
  }) as never;
  it('counts a result once per heuristic, truncates the average and tracks first and last hits', () => {
    const acc = new Map();
    accumulate(acc, res(10, '2026-01-02T00:00:00.000000Z', ['A.1', 'A.1']));
    accumulate(acc, res(5, '2026-01-01T00:00:00.000000Z', ['A.1']));
    accumulate(acc, res(-4, '2026-01-03T00:00:00.000000Z', ['A.1', 'B.1']));
    const a = statsFor({ heur_id: 'A.1', name: 'a', classification: 'TLP:C' }, acc.get('A.1'));
    assert.deepEqual({ ...a }, { heur_id: 'A.1', name: 'a', classification: 'TLP:C', count: 3, min: -4, avg: 3, max: 10, sum: 11, first_hit: '2026-01-01T00:00:00.000000Z', last_hit: '2026-01-03T00:00:00.000000Z' });
    assert.equal(statsFor({ heur_id: 'B.1', name: 'b', classification: 'TLP:C' }, acc.get('B.1')).avg, -4);
  });
  it('caps the sum at the 32-bit limit', () => {
    const acc = new Map();
    for (let i = 0; i < 3; i++) accumulate(acc, res(1_000_000_000, '2026-01-01T00:00:00.000000Z', ['A.1']));
    assert.equal(statsFor({ heur_id: 'A.1', name: 'a', classification: 'TLP:C' }, acc.get('A.1')).sum, 2 ** 31 - 1);
  });
});

describe('who may read a submission', () => {
  const sub = { classification: 'TLP:C', params: { submitter: 'alice', groups: ['USERS'] } };
  const r = (over: Partial<Reader>): Reader => ({ uname: 'bob', groups: [], classification: 'TLP:C', isAdmin: false, ...over });
  it('admits its submitter, administrators and members of its groups', () => {
    assert.equal(canReadSubmission(r({ uname: 'alice' }), sub), true);
    assert.equal(canReadSubmission(r({ isAdmin: true }), sub), true);
    assert.equal(canReadSubmission(r({ groups: ['users'] }), sub), true);
  });
  it('refuses everyone else, and admits all to a submission without groups', () => {
    assert.equal(canReadSubmission(r({ groups: ['OTHER'] }), sub), false);
    assert.equal(canReadSubmission(r({ groups: ['OTHER'] }), { ...sub, params: { submitter: 'alice', groups: [] } }), true);
  });
});
