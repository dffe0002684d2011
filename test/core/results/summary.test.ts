import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceOutput } from '../../../src/sdk/index.js';
import type { ClassificationOps } from '../../../src/core/results/c12n.js';
import { formatResult } from '../../../src/core/results/format.js';
import { heuristicCatalogue } from '../../../src/core/results/heuristics.js';
import type { ResultRecord } from '../../../src/core/results/model.js';
import { buildResult } from '../../../src/core/results/postprocess.js';
import { buildSummary, fileResultsSummary, hType } from '../../../src/core/results/summary.js';

const F1 = '1'.repeat(64);
const F2 = '2'.repeat(64);
const MANIFEST = {
  name: 'PeScan',
  version: '1',
  heuristics: [
    { id: 1, name: 'Injection', score: 500, attack: ['T1055'] },
    { id: 2, name: 'Bad domain', score: 100, signatureScoreMap: { evil_rule: 1000 } },
    { id: 4, name: 'Signed', score: -100 },
    { id: 'packed', name: 'Known implant', score: 50, attack: ['S0154', 'G0007'] },
  ],
};
const CATALOGUE = heuristicCatalogue([MANIFEST]);

function result(sha256: string, output: ServiceOutput): ResultRecord {
  return buildResult(output, {
    manifest: MANIFEST, sha256, type: 'executable/windows/pe32', size: 1, started: 's', completed: 'c', ttlDays: 0,
    classification: 'TLP:C', heuristics: CATALOGUE, extracted: new Map(), now: 0,
    safelist: { tags: new Map([['network.static.domain', new Set(['microsoft.com'])]]) },
  }).record;
}

const R1 = result(F1, {
  sections: [
    { title: 'Injection', heuristic: { id: 1 }, tags: { 'file.behavior': ['Process injection'], 'network.static.domain': ['evil.com'] } },
    { title: 'Info', tags: { 'av.virus_name': ['Trojan.Gen'] } },
    { title: 'Network', heuristic: { id: 2, signatures: { evil_rule: 1 } }, tags: { 'network.static.domain': ['evil.com', 'microsoft.com'], 'network.static.ip': ['10.0.0.1'] } },
  ],
});
const R2 = result(F2, {
  sections: [
    { title: 'Signed', heuristic: { id: 4 }, tags: { 'cert.issuer': ['CN=Test'] } },
    { title: 'Implant', heuristic: { id: 'packed' } },
    { title: 'Injection', heuristic: { id: 1, attack: ['T1059.001'] }, tags: { 'network.static.domain': ['evil.com'], 'file.behavior': ['Process injection'] } },
    { title: 'AV hit', classification: 'TLP:A', heuristic: { id: 2, signatures: { evil_rule: 1 } }, tags: { 'av.virus_name': ['Trojan.Gen'] } },
  ],
});
const K1 = `${F1}.PeScan.v1.c0`;
const K2 = `${F2}.PeScan.v1.c0`;

test('hType thresholds', () => {
  assert.deepEqual([1000, 999, 300, 0, -1].map((s) => hType(s)), ['malicious', 'suspicious', 'suspicious', 'info', 'safe']);
  assert.equal(hType(50, { info: 0, suspicious: 40, malicious: 100 }), 'suspicious');
});

test('submission summary of two results', () => {
  const got = buildSummary({ results: [[K1, R1], [K2, R2]], fileClassifications: new Map([[F1, 'TLP:C'], [F2, 'TLP:G']]) });
  const { heuristic_sections: sections, ...rest } = got;
  assert.deepEqual(rest, {
    map: {
      [F1]: [
        'attack_pattern__T1055', 'heuristic__PESCAN.1', 'heuristic__PESCAN.2', 'heuristic.signature__evil_rule',
        'network.static.domain__evil.com', 'network.static.ip__10.0.0.1', 'network.static.domain__microsoft.com',
        'file.behavior__Process injection', 'av.virus_name__Trojan.Gen',
      ],
      [F2]: [
        'attack_pattern__T1055', 'attack_pattern__T1059.001', 'attack_pattern__S0154', 'attack_pattern__G0007',
        'heuristic__PESCAN.packed', 'heuristic__PESCAN.4', 'heuristic__PESCAN.1', 'heuristic__PESCAN.2',
        'heuristic.signature__evil_rule', 'av.virus_name__Trojan.Gen', 'network.static.domain__evil.com',
        'file.behavior__Process injection', 'attribution.implant__COBALT STRIKE', 'attribution.actor__APT28',
      ],
      'attack_pattern__T1055': [F1, F2],
      'attack_pattern__T1059.001': [F2],
      'attack_pattern__S0154': [F2],
      'attack_pattern__G0007': [F2],
      'heuristic__PESCAN.packed': [F2],
      'heuristic__PESCAN.4': [F2],
      'heuristic__PESCAN.1': [F1, F2],
      'heuristic__PESCAN.2': [F1, F2],
      'heuristic.signature__evil_rule': [F1, F2],
      'network.static.domain__evil.com': [F1, F2],
      'network.static.ip__10.0.0.1': [F1],
      'network.static.domain__microsoft.com': [F1],
      'file.behavior__Process injection': [F1, F2],
      'av.virus_name__Trojan.Gen': [F1, F2],
      'attribution.implant__COBALT STRIKE': [F2],
      'attribution.actor__APT28': [F2],
    },
    tags: {
      behavior: { 'file.behavior': [['Process injection', 'suspicious', false, 'TLP:C']] },
      attribution: {
        // First seen at "info" on TLP:C, then raised to malicious by a TLP:A section: the lower classification stays.
        'av.virus_name': [['Trojan.Gen', 'malicious', false, 'TLP:C']],
        'attribution.implant': [['COBALT STRIKE', 'info', false, 'TLP:G']],
        'attribution.actor': [['APT28', 'info', false, 'TLP:G']],
      },
      ioc: {
        'network.static.domain': [['evil.com', 'malicious', false, 'TLP:C'], ['microsoft.com', 'malicious', true, 'TLP:C']],
        'network.static.ip': [['10.0.0.1', 'malicious', false, 'TLP:C']],
      },
    },
    attack_matrix: {
      stealth: [['T1055', 'Process Injection', 'suspicious']],
      'privilege-escalation': [['T1055', 'Process Injection', 'suspicious']],
      execution: [['T1059.001', 'PowerShell', 'suspicious']],
      software: [['S0154', 'Cobalt Strike', 'info']],
      group: [['G0007', 'APT28', 'info']],
    },
    heuristics: {
      info: [['PESCAN.packed', 'Known implant']],
      safe: [['PESCAN.4', 'Signed']],
      suspicious: [['PESCAN.1', 'Injection']],
      malicious: [['PESCAN.2', 'Bad domain']],
    },
    classification: 'TLP:A',
    filtered: false,
    partial: false,
    heuristic_name_map: { 'Bad domain': ['PESCAN.2'], Injection: ['PESCAN.1'], Signed: ['PESCAN.4'], 'Known implant': ['PESCAN.packed'] },
  });
  // One section per distinct (heuristic, title, body, verdict): the two identical "Injection" sections count once.
  assert.deepEqual(Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, v.map((s) => s.title_text)])), {
    'PESCAN.2': ['Network', 'AV hit'], 'PESCAN.1': ['Injection'], 'PESCAN.packed': ['Implant'], 'PESCAN.4': ['Signed'],
  });
  assert.deepEqual(sections['PESCAN.2']![0]!.tags.map((t) => [t.value, t.safelisted]), [['evil.com', false], ['10.0.0.1', false], ['microsoft.com', true]]);
});

test('summary filtering, partial flag and no results', () => {
  const ops: ClassificationOps = {
    unrestricted: 'TLP:C',
    isAccessible: (_u, c) => c !== 'TLP:A',
    max: (a, b) => (b === 'TLP:A' || (b === 'TLP:G' && a === 'TLP:C') ? b : a),
    min: (a, b) => (b === 'TLP:C' ? b : a),
  };
  const got = buildSummary({ results: [[K2, R2]], userClassification: 'TLP:G', classificationOps: ops, partial: true });
  assert.equal(got.filtered, true);
  assert.equal(got.partial, true);
  assert.equal(got.heuristics.malicious, undefined);
  assert.deepEqual(got.tags.attribution['av.virus_name'], undefined);
  const none = buildSummary({ results: [] });
  assert.deepEqual(none.map, {});
  assert.deepEqual(none.tags, { behavior: {}, attribution: {}, ioc: {} });
});

test('per-file aggregates of formatted results', () => {
  const other = result(F2, { sections: [{ title: 'Also signed', heuristic: { id: 4 }, tags: { 'cert.issuer': ['CN=Test'], 'network.static.domain': ['evil.com'] } }] });
  const formatted = [R2, other].map((r) => formatResult(r, { minClassification: 'TLP:G' })!);
  assert.deepEqual(fileResultsSummary(formatted), {
    tags: {
      'av.virus_name': [['Trojan.Gen', 'malicious', false, 'TLP:A']],
      'network.static.domain': [['evil.com', 'suspicious', false, 'TLP:G']],
      'file.behavior': [['Process injection', 'suspicious', false, 'TLP:G']],
      'attribution.implant': [['COBALT STRIKE', 'info', false, 'TLP:G']],
      'attribution.actor': [['APT28', 'info', false, 'TLP:G']],
      // Seen twice at "safe": the merge rule only keeps malicious or suspicious, anything else reads "info".
      'cert.issuer': [['CN=Test', 'info', false, 'TLP:G']],
    },
    attack_matrix: {
      stealth: [['T1055', 'Process Injection', 'suspicious']],
      'privilege-escalation': [['T1055', 'Process Injection', 'suspicious']],
      execution: [['T1059.001', 'PowerShell', 'suspicious']],
      software: [['S0154', 'Cobalt Strike', 'info']],
      group: [['G0007', 'APT28', 'info']],
    },
    heuristics: {
      malicious: [['PESCAN.2', 'Bad domain']],
      suspicious: [['PESCAN.1', 'Injection']],
      info: [['PESCAN.packed', 'Known implant']],
      safe: [['PESCAN.4', 'Signed']],
    },
    signatures: [['evil_rule', 'malicious', false]],
  });
});
