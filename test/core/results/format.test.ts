import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassificationOps } from '../../../src/core/results/c12n.js';
import { emptyResultFromKey, formatResult, formatSection, sectionHierarchy } from '../../../src/core/results/format.js';
import type { ResultRecord, ResultSection } from '../../../src/core/results/model.js';

const SHA = 'd'.repeat(64);

function sec(over: Partial<ResultSection>): ResultSection {
  return {
    title_text: 't', body: null, body_format: 'TEXT', body_config: {}, classification: 'TLP:C', depth: 0, heuristic: null,
    tags: {}, safelisted_tags: {}, auto_collapse: false, zeroize_on_tag_safe: false, promote_to: null, ...over,
  };
}

function record(sections: ResultSection[]): ResultRecord {
  return {
    archive_ts: null, classification: 'TLP:C', created: '2024-05-01T12:00:00.000000Z', expiry_ts: null, sha256: SHA,
    type: 'text/plain', size: 3, drop_file: false, partial: false, from_archive: false,
    response: {
      milestones: { service_started: '2024-05-01T12:00:00.000000Z', service_completed: '2024-05-01T12:00:00.000000Z' },
      service_version: '1', service_name: 'Svc', service_tool_version: null, service_context: null, service_debug_info: null,
      extracted: [{ name: 'x', sha256: 'e'.repeat(64), description: 'd', classification: 'TLP:A', is_section_image: false, parent_relation: 'EXTRACTED', allow_dynamic_recursion: false }],
      supplementary: [],
    },
    result: { score: 0, sections },
  };
}

test('formatSection parses structured bodies and lists tags with safelisted ones last', () => {
  const got = formatSection(sec({
    body: '{"a":1}', body_format: 'KEY_VALUE',
    tags: { network: { static: { domain: ['evil.com'] }, port: [443] } },
    safelisted_tags: { 'network.static.domain': ['microsoft.com'] },
  }));
  assert.deepEqual(got, {
    title_text: 't', body: { a: 1 }, body_format: 'KEY_VALUE', body_config: {}, classification: 'TLP:C', depth: 0,
    heuristic: null, auto_collapse: false, zeroize_on_tag_safe: false, promote_to: null,
    tags: [
      { type: 'network.static.domain', value: 'evil.com', short_type: 'domain', safelisted: false },
      { type: 'network.port', value: 443, short_type: 'port', safelisted: false },
      { type: 'network.static.domain', value: 'microsoft.com', short_type: 'domain', safelisted: true },
    ],
  });
  assert.equal(formatSection(sec({ body: '{"a":1}', body_format: 'TEXT' })).body, '{"a":1}');
  assert.equal(formatSection(sec({ body: 'not json', body_format: 'JSON' })).body, 'not json');
  assert.deepEqual(formatSection(sec({ body: '[["k","v"]]', body_format: 'ORDERED_KEY_VALUE' })).body, [['k', 'v']]);
});

test('sectionHierarchy from depths', () => {
  assert.deepEqual(sectionHierarchy([{ depth: 0 }, { depth: 1 }, { depth: 2 }, { depth: 1 }, { depth: 0 }, { depth: 1 }]), [
    { id: 0, children: [{ id: 1, children: [{ id: 2, children: [] }] }, { id: 3, children: [] }] },
    { id: 4, children: [{ id: 5, children: [] }] },
  ]);
  assert.deepEqual(sectionHierarchy([]), []);
  assert.equal(sectionHierarchy([{ depth: 0 }, { depth: 2 }]), null);
  assert.equal(sectionHierarchy([{ depth: 1 }]), null);
});

test('formatResult raises classifications to the file, builds the hierarchy and leaves the record untouched', () => {
  const rec = record([sec({ title_text: 'a', body: '[1]', body_format: 'JSON' }), sec({ title_text: 'b', depth: 1 })]);
  const copy = structuredClone(rec);
  const got = formatResult(rec, { minClassification: 'TLP:G', buildHierarchy: true })!;
  assert.deepEqual(rec, copy);
  assert.equal(got.classification, 'TLP:G');
  assert.deepEqual(got.result.sections.map((s) => [s.title_text, s.classification, s.body]), [['a', 'TLP:G', [1]], ['b', 'TLP:G', null]]);
  assert.deepEqual(got.section_hierarchy, [{ id: 0, children: [{ id: 1, children: [] }] }]);
  assert.equal('safelisted_tags' in got.result.sections[0]!, false);
  assert.equal(formatResult(rec)!.section_hierarchy, undefined);
  const broken = formatResult(record([sec({ depth: 2 })]), { buildHierarchy: true })!;
  assert.equal('section_hierarchy' in broken, false);
});

test('formatResult hides what the viewer may not see', () => {
  // Viewers at TLP:G see TLP:C and TLP:G only.
  const rank: Record<string, number> = { 'TLP:C': 0, 'TLP:G': 1, 'TLP:A': 2 };
  const ops: ClassificationOps = {
    unrestricted: 'TLP:C',
    isAccessible: (user, c) => rank[c]! <= rank[user]!,
    max: (a, b) => (rank[b]! > rank[a]! ? b : a),
    min: (a, b) => (rank[b]! < rank[a]! ? b : a),
  };
  const rec = record([sec({ title_text: 'open', depth: 0 }), sec({ title_text: 'secret', classification: 'TLP:A', depth: 1 })]);
  const got = formatResult(rec, { userClassification: 'TLP:G', minClassification: 'TLP:C', classificationOps: ops, buildHierarchy: true })!;
  assert.deepEqual(got.result.sections.map((s) => [s.title_text, s.classification, s.depth]), [
    ['WARNING: Service sections have been sanitized', 'TLP:C', 0],
    ['open', 'TLP:C', 0],
  ]);
  assert.deepEqual(got.section_hierarchy, [{ id: 0, children: [] }, { id: 1, children: [] }]);
  assert.deepEqual(got.response.extracted, []);
  assert.equal(got.classification, 'TLP:C');
  assert.equal(formatResult(rec, { userClassification: 'TLP:C', minClassification: 'TLP:G', classificationOps: ops }), null);
});

test('emptyResultFromKey and its API form', () => {
  const now = Date.UTC(2024, 4, 1, 12, 0, 0);
  const empty = emptyResultFromKey(`${SHA}.Extract.v4_5_0.c0.e`, { now })!;
  assert.deepEqual(empty, {
    archive_ts: null, classification: 'TLP:C', created: '2024-05-01T12:00:00.000000Z', expiry_ts: '2024-05-06T12:00:00.000000Z',
    sha256: SHA, type: null, size: null, drop_file: false, partial: false, from_archive: false,
    response: {
      milestones: { service_started: '2024-05-01T12:00:00.000000Z', service_completed: '2024-05-01T12:00:00.000000Z' },
      service_version: '4_5_0', service_name: 'Extract', service_tool_version: null, service_context: null,
      service_debug_info: null, extracted: [], supplementary: [],
    },
    result: { score: 0, sections: [] },
  });
  const api = formatResult(empty, { minClassification: 'TLP:G', buildHierarchy: true })!;
  assert.equal(api.classification, 'TLP:G');
  assert.deepEqual(api.section_hierarchy, []);
  assert.equal(emptyResultFromKey(`${SHA}.Extract.v4_5_0.c0`), null);
});
