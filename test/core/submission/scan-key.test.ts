// The scan key: one per file and effective parameters, whatever order the parameters were written in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, scanKey } from '../../../src/core/submission/scan-key.js';
import type { SubmissionParams } from '../../../src/core/submission/params.js';

const PARAMS = {
  classification: 'TLP:C', deep_scan: false, ignore_cache: false, ignore_recursion_prevention: false, ignore_filtering: false,
  ignore_size: false, max_extracted: 100, max_supplementary: 100,
  service_spec: { Extract: { password: 'infected', list: ['b', 'a', 'a"q'] }, A: { x: 1 } },
  services: { selected: ['Static Analysis', 'Antivirus', 'Extraction'], excluded: ['Zeta', 'Alpha'], rescan: [], resubmit: ['Dynamic'] },
} as unknown as SubmissionParams;

describe('scan key', () => {
  it('keeps the keys scan keys have always had', () => {
    // Computed by the first implementation (sorted [key, value] pairs, md5, "v0"): cached scores stay reachable.
    assert.equal(scanKey('a'.repeat(64), PARAMS), 'e700c8b79da4ada55631c81892852612v0');
    const plain = { ...PARAMS, service_spec: {}, services: { selected: ['Filtering', 'Antivirus', 'Static Analysis', 'Extraction', 'Networking'], excluded: [], rescan: [], resubmit: [] } };
    assert.equal(scanKey('b'.repeat(64), plain as unknown as SubmissionParams), '939c1830bcc964441f1ad5a8bf08f8a6v0');
  });

  it('ignores the order of keys and of list items, and sees every value', () => {
    const shuffled = {
      ...PARAMS,
      service_spec: { A: { x: 1 }, Extract: { list: ['a"q', 'a', 'b'], password: 'infected' } },
      services: { resubmit: ['Dynamic'], rescan: [], excluded: ['Alpha', 'Zeta'], selected: ['Extraction', 'Static Analysis', 'Antivirus'] },
    } as unknown as SubmissionParams;
    assert.equal(scanKey('a'.repeat(64), shuffled), scanKey('a'.repeat(64), PARAMS));
    assert.notEqual(scanKey('a'.repeat(64), { ...PARAMS, deep_scan: true }), scanKey('a'.repeat(64), PARAMS));
    assert.notEqual(scanKey('c'.repeat(64), PARAMS), scanKey('a'.repeat(64), PARAMS));
  });

  it('writes objects as sorted pairs and sorts arrays by their canonical text', () => {
    assert.equal(canonicalJson({ b: [3, 1, { y: 2, x: null }], a: 'q' }), '[["a","q"],["b",[1,3,[["x",null],["y",2]]]]]');
    assert.equal(canonicalJson({ u: undefined, l: [undefined, 'a'] }), '[["l",["a",null]],["u",null]]');
  });
});
