// Requests naming what every object inherits, found by fuzzing the intake: params keys such as "constructor"
// were taken for SubmissionParams fields ("__proto__" even replaced the params' prototype), and a submission
// profile named "__proto__" or "constructor" was taken for a system profile and crashed with a TypeError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssayError } from '../errors.js';
import { defaultParams, profileParams, resolveParams } from './params.js';

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

  it('knows no submission profile by an inherited name', () => {
    const plain = { ...user, roles: ['submission_create' as const] };
    for (const profile of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const p = resolveParams({ submission_profile: profile }, user, { ttl: 30, maxDtl: 0 });
      assert.deepEqual(p.services.selected, defaultParams('TLP:C', 30).services.selected, profile);
      assert.throws(() => resolveParams({ submission_profile: profile }, plain, { ttl: 30, maxDtl: 0 }),
        (e: unknown) => e instanceof AssayError && e.status === 400 && /does not exist/.test(e.message), profile);
      const saved = profileParams(profile, { ...user, profiles: { default: { deep_scan: true } } }, { ttl: 30 });
      assert.equal(saved.deep_scan, false, profile);
    }
    assert.equal(resolveParams({ submission_profile: 'static' }, plain, { ttl: 30, maxDtl: 0 }).services.selected.includes('Static Analysis'), true);
  });

  it('refuses a submission profile that is not a string', () => {
    for (const profile of [{ toString: 1 }, ['static'], 5]) {
      assert.throws(() => resolveParams({ submission_profile: profile }, user, { ttl: 30, maxDtl: 0 }), (e: unknown) => e instanceof AssayError && e.status === 400);
    }
  });
});
