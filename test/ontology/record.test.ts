// Ontology record building, object ids and download selection, on hand-made results.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recursiveUpdate, toNdjson } from '../../src/core/ontology/export.js';
import { fingerprint, pyStrRepr, signatureOntologyId } from '../../src/core/ontology/object-id.js';
import { buildOntologyRecord, MAX_FACT_CHARS, ontologyHeuristicId } from '../../src/core/ontology/record.js';
import { queryList, selectFileResults, selectResultKeys } from '../../src/core/ontology/select.js';
import type { ResultRecord, ResultSection } from '../../src/core/results/model.js';

const SHA = 'a'.repeat(64);

function section(over: Partial<ResultSection>): ResultSection {
  return {
    title_text: 'Section', body: null, body_format: 'TEXT', body_config: {}, classification: 'TLP:C', depth: 0, heuristic: null,
    tags: {}, safelisted_tags: {}, auto_collapse: false, zeroize_on_tag_safe: false, promote_to: null, ...over,
  };
}

function result(service: string, sections: ResultSection[], score = 0): ResultRecord {
  return {
    archive_ts: null, classification: 'TLP:C', created: '2026-01-01T00:00:00.000000Z', expiry_ts: null, sha256: SHA, type: 'text/plain',
    size: 10, drop_file: false, partial: false, from_archive: false,
    response: {
      milestones: { service_started: '', service_completed: '' }, service_version: '1.0', service_name: service, service_tool_version: null,
      service_context: null, service_debug_info: null, extracted: [], supplementary: [],
    },
    result: { score, sections },
  };
}

const heur = (id: string, score: number, signature: Array<{ name: string; frequency: number; safe: boolean }> = []) => ({ heur_id: id, name: `Heuristic ${id}`, score, attack: [], signature });

describe('python text and object ids', () => {
  // Expected values computed with CPython 3 (repr() and Assemblyline's fingerprint: sha256 of str(sorted pairs),
  // first 32 hex digits, base62).
  it('writes strings as repr() does', () => {
    assert.equal(pyStrRepr('plain'), "'plain'");
    assert.equal(pyStrRepr("it's"), `"it's"`);
    assert.equal(pyStrRepr('both\'"'), `'both\\'"'`);
    assert.equal(pyStrRepr('tab\there\n'), "'tab\\there\\n'");
    assert.equal(pyStrRepr('é\u2028x\\'), "'é\\u2028x\\\\'");
    assert.equal(pyStrRepr('\x00\x7f\u00a0'), "'\\x00\\x7f\\xa0'");
  });
  it('fingerprints like Assemblyline', () => {
    assert.equal(fingerprint({ name: 'EICAR_Test_File', type: 'YARA' }), '4YASF2X4PvxVlVfdcbFNbC');
    assert.equal(fingerprint({ type: 'YARA', name: "it's" }), 'OxAsiOyXLGGiFvsvlERup');
    assert.equal(fingerprint({ name: 'say "hi"', type: 'YARA' }), 'jwN4LUINxulaeuSHuJU1O');
    assert.equal(fingerprint({ name: 'é\u2028x\\', type: 'YARA' }), '6OKHqzpFSCVahHmcUlOC9D');
    assert.equal(fingerprint({ name: 'x', type: null, n: 3, b: true }), '45x3hzHP5NJubQhJ51MmL0');
    assert.equal(signatureOntologyId('evil_rule', 'SIGMA'), 'signature_4CAu7V4ONDkys4V4sqZB0N');
  });
});

describe('ontology record of a result', () => {
  it('is null for a purely informational result', () => {
    assert.equal(buildOntologyRecord(result('Notes', [section({ body: 'just text' })]), null), null);
  });

  it('aggregates a heuristic raised twice and keeps safelisted tags', () => {
    const r = result('Scan', [
      section({ heuristic: heur('SCAN.3', 10), tags: { network: { static: { domain: ['a.example'] } } } }),
      section({ heuristic: heur('SCAN.3', 10), safelisted_tags: { 'network.static.domain': ['b.example'] } }),
      section({ tags: { file: { behavior: ['x'] } } }),
    ], 20);
    const rec = buildOntologyRecord(r, null, { heuristicScore: (id) => (id === 'SCAN.3' ? 7 : undefined) })!;
    assert.deepEqual(rec.results!.heuristics, [
      { heur_id: 'SCAN_3', score: 7, times_raised: 2, name: 'Heuristic SCAN.3', tags: { 'network.static.domain': ['a.example', 'b.example'] } },
    ]);
    assert.deepEqual(rec.results!.tags, { 'network.static.domain': ['a.example', 'b.example'], 'file.behavior': ['x'] });
    assert.equal(rec.results!.score, 20);
    assert.equal(rec.results!.signature, undefined, 'only rule-matching services give signature parts');
    assert.deepEqual(rec.file, { sha256: SHA, type: 'text/plain', size: 10 }, 'no hashes without a file record');
  });

  it('keeps structured bodies as facts, naming repeats apart and leaving out oversized or broken ones', () => {
    const r = result('PE', [
      section({ title_text: 'Header', body_format: 'KEY_VALUE', body: '{"machine":"x86"}' }),
      section({ title_text: 'Header', body_format: 'ORDERED_KEY_VALUE', body: '[["a",1]]' }),
      section({ title_text: 'Dump', body_format: 'JSON', body: JSON.stringify({ x: 'y'.repeat(MAX_FACT_CHARS) }) }),
      section({ title_text: 'Broken', body_format: 'TABLE', body: '[{' }),
      section({ title_text: 'Scalar', body_format: 'JSON', body: '42' }),
    ]);
    const rec = buildOntologyRecord(r, { md5: 'm', sha1: 's', sha256: SHA, type: 'executable/windows/pe32', size: 99, classification: 'TLP:A' })!;
    assert.deepEqual(rec.results!.other, { Header: '{"machine":"x86"}', 'Header (2)': '[["a",1]]' });
    assert.deepEqual(rec.results!.heuristics, []);
    assert.equal(rec.classification, 'TLP:A', 'raised to the file\'s classification');
    assert.deepEqual(rec.file, { md5: 'm', sha1: 's', sha256: SHA, type: 'executable/windows/pe32', size: 99 });
  });

  it('names heuristics the way Assemblyline services do', () => {
    assert.equal(ontologyHeuristicId('PE.12', 'PE'), 'PE_12');
    assert.equal(ontologyHeuristicId('OTHER.1', 'PE'), 'OTHER.1');
  });
});

describe('download selection and output', () => {
  const keys = [`${SHA}.Scorer.v1_0_0.c0`, `${SHA}.Sigma.v2.c0`, `${'b'.repeat(64)}.Scorer.v1_0_0.c0`, `${SHA}.Empty.v1.c0.e`, `${SHA}.My_Svc.v1.c0`];
  it('drops empty-result keys and narrows by file and by service like Assemblyline', () => {
    assert.deepEqual(selectResultKeys(keys, [], []), [keys[0], keys[1], keys[2], keys[4]]);
    assert.deepEqual(selectResultKeys(keys, [SHA.toUpperCase()], ['Scorer']), [keys[0]]);
    assert.deepEqual(selectResultKeys(keys, [], ['Scorer', 'Scorer']), [keys[0], keys[2]]);
    assert.deepEqual(selectResultKeys(keys, [], ['My.Svc']), [keys[4]]);
  });
  it('reads repeatable parameters', () => {
    assert.deepEqual(queryList(undefined), []);
    assert.deepEqual(queryList('a'), ['a']);
    assert.deepEqual(queryList(['a', '', 'b']), ['a', 'b']);
  });
  it('keeps the newest result of each service unless all are asked for', () => {
    const r = (svc: string, created: string) => ({ created, response: { service_name: svc } });
    const list = [r('A', '2026-01-01'), r('A', '2026-03-01'), r('B', '2026-02-01')];
    assert.deepEqual(selectFileResults(list, [], false).map((x) => x.created), ['2026-03-01', '2026-02-01']);
    assert.deepEqual(selectFileResults(list, ['A'], true).map((x) => x.created), ['2026-03-01', '2026-01-01']);
  });
  it('merges live values recursively and writes one line per record', () => {
    const target = { file: { sha256: 'x', names: ['n'] }, results: { score: 1 } };
    recursiveUpdate(target, { file: { parent: 'p' }, submission: { sid: 's' } });
    assert.deepEqual(target, { file: { sha256: 'x', names: ['n'], parent: 'p' }, results: { score: 1 }, submission: { sid: 's' } });
    assert.equal(toNdjson([]), '');
    assert.equal(toNdjson([{ a: 1 }, { b: 'é' }]), '{"a":1}\n{"b":"é"}\n');
  });
});
