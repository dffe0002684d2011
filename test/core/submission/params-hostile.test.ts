// Requests naming what every object inherits, found by fuzzing the intake: params keys such as "constructor"
// were taken for SubmissionParams fields ("__proto__" even replaced the params' prototype), and a submission
// profile named "__proto__" or "constructor" was taken for a system profile and crashed with a TypeError; a
// ttl of two hundred million days was accepted and the submission record then failed to build its expiry date.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssayError } from '../../../src/core/errors.js';
import { defaultParams, MAX_TTL_DAYS, profileParams, resolveParams } from '../../../src/core/submission/params.js';
import { newSubmission } from '../../../src/core/submission/record.js';

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

  it('takes a ttl whose expiry date exists, and refuses the others with a 400', () => {
    for (const ttl of [200_000_000, '99999999999', -5, MAX_TTL_DAYS + 1]) {
      assert.throws(() => resolve({ ttl }), (e: unknown) => e instanceof AssayError && e.status === 400 && /params\.ttl must be between 0/.test(e.message), String(ttl));
    }
    for (const ttl of [1e300, 2 ** 53, 1.5]) {
      assert.throws(() => resolve({ ttl }), (e: unknown) => e instanceof AssayError && /params\.ttl must be an integer/.test(e.message), String(ttl));
    }
    for (const ttl of [0, 1, MAX_TTL_DAYS]) {
      const p = resolve({ ttl });
      assert.equal(p.ttl, ttl);
      assert.equal(newSubmission({ sid: 's', files: [], params: p, metadata: {} }).sid, 's');
    }
    assert.equal(resolveParams({ params: { ttl: 0 } }, user, { ttl: 30, maxDtl: 7 }).ttl, 7);
    assert.equal(resolveParams({ params: { ttl: MAX_TTL_DAYS } }, user, { ttl: 30, maxDtl: 7 }).ttl, 7);
  });

  it('refuses integers past 2^53 in every numeric field', () => {
    for (const k of ['max_extracted', 'max_supplementary', 'priority']) {
      assert.throws(() => resolve({ [k]: 2 ** 53 }), (e: unknown) => e instanceof AssayError && e.status === 400 && e.message === `params.${k} must be an integer`, k);
    }
  });
});
