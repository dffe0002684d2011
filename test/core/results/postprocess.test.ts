import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceOutput } from '../../../src/sdk/index.js';
import { heuristicCatalogue } from '../../../src/core/results/heuristics.js';
import { buildResult, errorRecord, type ResultContext } from '../../../src/core/results/postprocess.js';

const SHA = 'a'.repeat(64);
const PAYLOAD = 'b'.repeat(64);
const REPORT = 'c'.repeat(64);
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

const MANIFEST = {
  name: 'PeScan',
  version: '1.2.0',
  heuristics: [
    { id: 1, name: 'Injection', score: 500, attack: ['T1055'] },
    { id: 2, name: 'Bad domain', score: 100, signatureScoreMap: { evil_rule: 1000 } },
    { id: 3, name: 'Update traffic', score: 100 },
    { id: 'packed', name: 'Known implant', score: 50, attack: ['S0154', 'G0007'] },
  ],
};

const OUTPUT: ServiceOutput = {
  serviceToolVersion: 'pefile 2024.8',
  sections: [
    { title: 'PE header', body: 'Compiled 2020', tags: { 'file.pe.linker.timestamp': ['1600000000'] } },
    {
      title: 'Suspicious imports', depth: 1, bodyFormat: 'KEY_VALUE', body: { VirtualAllocEx: 'kernel32.dll' },
      heuristic: { id: 1 }, tags: { 'file.pe.imports.suspicious': ['VirtualAllocEx'] },
    },
    {
      title: 'Network indicators', bodyFormat: 'TABLE', body: [{ domain: 'evil.com' }], bodyConfig: { column_order: ['domain'] },
      heuristic: { id: 2, signatures: { evil_rule: 1 } },
      tags: { 'network.static.domain': ['EVIL.com', 'microsoft.com', 'nodot'], 'network.static.ip': ['010.0.0.1'], 'network.port': ['443', 'x'] },
    },
    { title: 'Update traffic', depth: 1, zeroizeOnTagSafe: true, heuristic: { id: 3 }, tags: { 'network.static.domain': ['windowsupdate.com'] } },
    { title: '', body: 'dropped' },
    { title: 'child of the untitled section', depth: 1 },
    { title: 'Attribution', heuristic: { id: 'packed' }, classification: 'TLP:A', body: [] as unknown as object, bodyFormat: 'JSON' },
    { title: 'Too deep', depth: 3, body: '' },
  ],
  extracted: [
    { name: 'payload.exe', path: '/w/payload.exe', description: 'Unpacked payload' },
    { name: 'report.json', path: '/w/report.json', description: 'Raw report', supplementary: true },
    { name: 'lost.bin', path: '/w/lost.bin', description: 'Never stored' },
  ],
};

function context(over: Partial<ResultContext> = {}): ResultContext {
  return {
    manifest: MANIFEST,
    sha256: SHA,
    type: 'executable/windows/pe32',
    size: 4096,
    started: '2024-05-01T11:59:58.000000Z',
    completed: '2024-05-01T11:59:59.500000Z',
    ttlDays: 30,
    classification: 'TLP:C',
    heuristics: heuristicCatalogue([MANIFEST]),
    safelist: {
      tags: new Map([['network.static.domain', new Set(['microsoft.com', 'windowsupdate.com'])]]),
      signatures: new Set(),
    },
    extracted: new Map([['/w/payload.exe', PAYLOAD], ['/w/report.json', REPORT]]),
    now: NOW,
    ...over,
  };
}

const noTags = {};
const section = (over: Record<string, unknown>) => ({
  body: null, body_format: 'TEXT', body_config: {}, classification: 'TLP:C', depth: 0, heuristic: null, tags: noTags,
  safelisted_tags: {}, auto_collapse: false, zeroize_on_tag_safe: false, promote_to: null, ...over,
});

test('buildResult: golden record for a section tree with heuristics, signatures, safelisted and invalid tags', () => {
  const built = buildResult(OUTPUT, context());
  assert.equal(built.isEmpty, false);
  assert.deepEqual(built.record, {
    archive_ts: null,
    classification: 'TLP:A',
    created: '2024-05-01T12:00:00.000000Z',
    expiry_ts: '2024-05-31T12:00:00.000000Z',
    sha256: SHA,
    type: 'executable/windows/pe32',
    size: 4096,
    drop_file: false,
    partial: false,
    from_archive: false,
    response: {
      milestones: { service_started: '2024-05-01T11:59:58.000000Z', service_completed: '2024-05-01T11:59:59.500000Z' },
      service_version: '1.2.0',
      service_name: 'PeScan',
      service_tool_version: 'pefile 2024.8',
      service_context: null,
      service_debug_info: null,
      extracted: [{
        name: 'payload.exe', sha256: PAYLOAD, description: 'Unpacked payload', classification: 'TLP:C',
        is_section_image: false, parent_relation: 'EXTRACTED', allow_dynamic_recursion: false,
      }],
      supplementary: [{
        name: 'report.json', sha256: REPORT, description: 'Raw report', classification: 'TLP:C',
        is_section_image: false, parent_relation: 'INFORMATION', allow_dynamic_recursion: false,
      }],
    },
    result: {
      score: 1550,
      sections: [
        section({ title_text: 'PE header', body: 'Compiled 2020', tags: { file: { pe: { linker: { timestamp: ['1600000000'] } } } } }),
        section({
          title_text: 'Suspicious imports', depth: 1, body: '{"VirtualAllocEx":"kernel32.dll"}', body_format: 'KEY_VALUE',
          heuristic: {
            heur_id: 'PESCAN.1', name: 'Injection', score: 500, signature: [],
            attack: [{ attack_id: 'T1055', pattern: 'Process Injection', categories: ['stealth', 'privilege-escalation'] }],
          },
          tags: { file: { pe: { imports: { suspicious: ['VirtualAllocEx'] } } } },
        }),
        section({
          title_text: 'Network indicators', body: '[{"domain":"evil.com"}]', body_format: 'TABLE', body_config: { column_order: ['domain'] },
          heuristic: { heur_id: 'PESCAN.2', name: 'Bad domain', score: 1000, attack: [], signature: [{ name: 'evil_rule', frequency: 1, safe: false }] },
          tags: { network: { static: { domain: ['evil.com'], ip: ['10.0.0.1'] }, port: [443] } },
          safelisted_tags: { 'network.static.domain': ['microsoft.com'] },
        }),
        section({
          title_text: 'Update traffic', depth: 1, zeroize_on_tag_safe: true,
          heuristic: { heur_id: 'PESCAN.3', name: 'Update traffic', score: 0, attack: [], signature: [] },
          safelisted_tags: { 'network.static.domain': ['windowsupdate.com'] },
        }),
        section({
          title_text: 'Attribution', body_format: 'JSON', classification: 'TLP:A',
          heuristic: {
            heur_id: 'PESCAN.packed', name: 'Known implant', score: 50, signature: [],
            attack: [
              { attack_id: 'S0154', pattern: 'Cobalt Strike', categories: ['software'] },
              { attack_id: 'G0007', pattern: 'APT28', categories: ['group'] },
            ],
          },
          tags: { attribution: { implant: ['COBALT STRIKE'], actor: ['APT28'] } },
        }),
        section({ title_text: 'Too deep', depth: 1 }),
      ],
    },
  });
  assert.deepEqual(built.invalidTags, [
    { section: 2, type: 'network.static.domain', value: 'nodot', reason: 'no "." in domain' },
    { section: 2, type: 'network.port', value: 'x', reason: 'not an integer' },
  ]);
  assert.deepEqual(built.warnings, [
    'A section without a title was dropped with its subsections',
    'File "lost.bin" has no stored copy and was left out',
  ]);
});

test('buildResult: safelisted signatures, unknown heuristics and the tool version override', () => {
  const out: ServiceOutput = {
    sections: [
      { title: 'Sig', heuristic: { id: 2, signatures: { evil_rule: 2 } } },
      { title: 'Unknown', heuristic: { id: 99 } },
    ],
  };
  const built = buildResult(out, context({ safelist: { signatures: new Set(['evil_rule']) }, serviceToolVersion: 'override', ttlDays: 0 }));
  assert.equal(built.record.result.score, 0);
  assert.deepEqual(built.record.result.sections[0]!.heuristic?.signature, [{ name: 'evil_rule', frequency: 2, safe: true }]);
  assert.equal(built.record.result.sections[1]!.heuristic, null);
  assert.deepEqual(built.warnings, ['Heuristic with ID \'PESCAN.99\' does not exist; section "Unknown" keeps no heuristic']);
  assert.equal(built.record.response.service_tool_version, 'override');
  assert.equal(built.record.expiry_ts, null);
  assert.equal(built.isEmpty, false, 'sections make a result non-empty even at score 0');
});

test('buildResult: empty results', () => {
  assert.equal(buildResult({ sections: [] }, context()).isEmpty, true);
  assert.equal(buildResult({ sections: [{ title: '' }] }, context()).isEmpty, true);
  assert.equal(buildResult({ sections: [], partial: true }, context()).isEmpty, false);
  const withFile = buildResult({ sections: [], extracted: [OUTPUT.extracted![0]!] }, context());
  assert.equal(withFile.isEmpty, false);
  assert.equal(buildResult({ sections: [], dropFile: true }, context()).record.drop_file, true);
});

test('errorRecord', () => {
  const rec = errorRecord({
    sha256: SHA, serviceName: 'PeScan', serviceVersion: '1.2.0', type: 'SERVICE DOWN', message: 'no worker', recoverable: true, ttlDays: 2, now: NOW,
  });
  assert.deepEqual(rec, {
    archive_ts: null,
    created: '2024-05-01T12:00:00.000000Z',
    expiry_ts: '2024-05-03T12:00:00.000000Z',
    response: {
      message: 'no worker', service_debug_info: null, service_name: 'PeScan', service_tool_version: null,
      service_version: '1.2.0', status: 'FAIL_RECOVERABLE',
    },
    sha256: SHA,
    type: 'SERVICE DOWN',
    severity: 'error',
  });
  const dflt = errorRecord({ sha256: SHA, serviceName: 'X', serviceVersion: '0', message: 'boom', now: NOW });
  assert.equal(dflt.type, 'EXCEPTION');
  assert.equal(dflt.response.status, 'FAIL_NONRECOVERABLE');
  assert.equal(dflt.expiry_ts, null);
});
