import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAttackLookup, type AttackLookup } from '../../../src/core/results/attack.js';
import { heuristicCatalogue, heuristicId, heuristicRecords, scoreHeuristic } from '../../../src/core/results/heuristics.js';

const MANIFEST = {
  name: 'PeScan',
  heuristics: [
    { id: 1, name: 'Injection', score: 500, attack: ['T1055'], description: 'Writes into another process' },
    { id: 2, name: 'YARA hit', score: 100, signatureScoreMap: { evil_rule: 1000, meh_rule: 10 }, maxScore: 1500, filetype: 'executable/' },
    { id: 'packed', name: 'Packed', score: 50, attack: ['T1086', 'S0154', 'G0007', 'T9999'] },
  ],
};
const CATALOGUE = heuristicCatalogue([MANIFEST]);

test('manifest heuristics become catalogue records', () => {
  assert.equal(heuristicId('pe.scan', 3), 'PE.SCAN.3');
  const [first, second] = heuristicRecords(MANIFEST, 'TLP:G');
  assert.deepEqual(first, {
    heur_id: 'PESCAN.1', name: 'Injection', score: 500, max_score: null, attack_id: ['T1055'], classification: 'TLP:G',
    description: 'Writes into another process', filetype: '*', signature_score_map: {},
    stats: { count: 0, min: 0, max: 0, avg: 0, sum: 0, first_hit: null, last_hit: null },
  });
  assert.equal(second!.max_score, 1500);
  assert.deepEqual(second!.signature_score_map, { evil_rule: 1000, meh_rule: 10 });
  assert.deepEqual([...CATALOGUE.keys()], ['PESCAN.1', 'PESCAN.2', 'PESCAN.packed']);
});

test('score without signatures: score × frequency, attack entries from the definition and the section', () => {
  const got = scoreHeuristic('PeScan', { id: 1, frequency: 3, attack: ['T1059.001', 'T1055'] }, CATALOGUE);
  assert.deepEqual(got, {
    heuristic: {
      heur_id: 'PESCAN.1', name: 'Injection', score: 1500,
      attack: [
        { attack_id: 'T1055', pattern: 'Process Injection', categories: ['stealth', 'privilege-escalation'] },
        { attack_id: 'T1059.001', pattern: 'PowerShell', categories: ['execution'] },
      ],
      signature: [],
    },
    tags: [],
  });
  assert.equal(scoreHeuristic('PeScan', { id: 1, frequency: 0 }, CATALOGUE).heuristic?.score, 500);
});

test('signatures use the score map, fall back to the heuristic score, and are capped', () => {
  const got = scoreHeuristic('PeScan', { id: 2, signatures: { meh_rule: 2, other: 1 } }, CATALOGUE);
  assert.equal(got.heuristic?.score, 10 * 2 + 100);
  assert.deepEqual(got.heuristic?.signature, [{ name: 'meh_rule', frequency: 2, safe: false }, { name: 'other', frequency: 1, safe: false }]);
  assert.equal(scoreHeuristic('PeScan', { id: 2, signatures: { evil_rule: 2 } }, CATALOGUE).heuristic?.score, 1500);
});

test('safelisted signatures zero the score only when all are safelisted', () => {
  const safe = new Set(['meh_rule']);
  assert.equal(scoreHeuristic('PeScan', { id: 2, signatures: { meh_rule: 1 } }, CATALOGUE, { safeSignatures: safe }).heuristic?.score, 0);
  const mixed = scoreHeuristic('PeScan', { id: 2, signatures: { meh_rule: 1, other: 1 } }, CATALOGUE, { safeSignatures: safe });
  assert.equal(mixed.heuristic?.score, 110);
  assert.deepEqual(mixed.heuristic?.signature.map((s) => s.safe), [true, false]);
});

test('revoked, software, group and unknown ATT&CK ids', () => {
  const got = scoreHeuristic('PeScan', { id: 'packed' }, CATALOGUE);
  assert.deepEqual(got.heuristic?.attack, [
    { attack_id: 'T1059.001', pattern: 'PowerShell', categories: ['execution'] },
    { attack_id: 'S0154', pattern: 'Cobalt Strike', categories: ['software'] },
    { attack_id: 'G0007', pattern: 'APT28', categories: ['group'] },
    { attack_id: 'T9999', pattern: 'T9999', categories: [] },
  ]);
  assert.deepEqual(got.tags, [['attribution.implant', 'COBALT STRIKE'], ['attribution.actor', 'APT28']]);
  // A tool does not name an implant.
  const tool = scoreHeuristic('PeScan', { id: 1, attack: ['S0002'] }, CATALOGUE);
  assert.deepEqual(tool.tags, []);
});

test('an injected lookup replaces the fallback; software brings its techniques', () => {
  const lookup: AttackLookup = (id) => ({
    S9000: { name: 'Gizmo', categories: [], kind: 'software' as const, malware: true, techniques: ['T0001', 'T0404'] },
    T0001: { name: 'Thing', categories: ['execution'], kind: 'technique' as const },
  })[id] ?? defaultAttackLookup(id);
  const got = scoreHeuristic('PeScan', { id: 1, attack: ['S9000'] }, CATALOGUE, { attackLookup: lookup });
  assert.deepEqual(got.heuristic?.attack.map((a) => a.attack_id), ['T1055', 'S9000', 'T0001']);
  assert.deepEqual(got.tags, [['attribution.implant', 'GIZMO']]);
});

test('unknown heuristics give no heuristic', () => {
  assert.deepEqual(scoreHeuristic('PeScan', { id: 42 }, CATALOGUE), { heuristic: null, reason: "Heuristic with ID 'PESCAN.42' does not exist", tags: [] });
  assert.equal(scoreHeuristic('Other', { id: 1 }, CATALOGUE).heuristic, null);
});
