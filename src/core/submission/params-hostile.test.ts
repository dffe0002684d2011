// Request params with keys every object inherits, found by fuzzing the intake: they were taken for
// SubmissionParams fields, so "constructor" became a field, "__proto__" replaced the params' prototype and
// "hasOwnProperty" shadowed the method in the service selection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultParams, resolveParams } from './params.js';

const user = { uname: 'alice', groups: ['USERS'], classification: 'TLP:C', roles: ['submission_customize' as const] };
const resolve = (params: unknown) => resolveParams({ params }, user, { ttl: 30, maxDtl: 0 });

describe('submission params from hostile requests', () => {
  const known = Object.keys(defaultParams('TLP:C', 30)).sort();

  it('ignores inherited names at the top level and inside objects', () => {
    for (const text of [
      '{"constructor": "x", "toString": "y", "hasOwnProperty": 1}',
      '{"__proto__": {"deep_scan": true, "polluted": 1}}',
      '{"services": {"hasOwnProperty": "x", "__proto__": {"selected": ["Evil"]}}}',
    ]) {
      const p = resolve(JSON.parse(text));
      assert.equal(Object.getPrototypeOf(p), Object.prototype, text);
      assert.deepEqual(Object.keys(p).sort(), known, text);
      assert.equal(p.deep_scan, false, text);
      assert.equal(typeof p.services.hasOwnProperty, 'function', text);
      assert.deepEqual(Object.keys(p.services).sort(), ['excluded', 'rescan', 'resubmit', 'runtime_excluded', 'selected'], text);
      assert.ok(!p.services.selected.includes('Evil'), text);
    }
  });

  it('still merges the known fields of the same request', () => {
    const p = resolve(JSON.parse('{"constructor": "x", "deep_scan": true, "services": {"toString": 1, "selected": ["Extraction"]}}'));
    assert.equal(p.deep_scan, true);
    assert.deepEqual(p.services.selected, ['Extraction']);
  });
});
