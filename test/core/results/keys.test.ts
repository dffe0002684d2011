import { pythonJsonDumps } from '../../../src/core/util/pyjson.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  base62, confKey, confKeySource, emptyResultKey, errorKey, isEmptyResultKey, parseErrorKey, parseResultKey,
  pythonBytesRepr, resultKey, type ConfKeyTask,
} from '../../../src/core/results/keys.js';

// Vectors computed with CPython 3.11 (hashlib.md5 over str(bytes), base62 alphabet 0-9A-Za-z), independently of
// this implementation.
const BASE_TASK: ConfKeyTask = {
  serviceConfig: {}, deepScan: false, maxFiles: 500, minClassification: 'TLP:C', ignoreFiltering: false,
};
const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

test('conf_key is "0" with nothing to hash', () => {
  assert.equal(confKeySource({}), null);
  assert.equal(confKey(), '0');
  assert.equal(confKey({ serviceToolVersion: null, task: null }), '0');
});

test('conf_key of a tool version alone', () => {
  assert.equal(confKeySource({ serviceToolVersion: '4.5.0.stable12' }), "b'4.5.0.stable12_None_None_None'");
  assert.equal(confKey({ serviceToolVersion: '4.5.0.stable12' }), 'CoHBAibnk3u');
});

test('bytes repr switches to double quotes around a lone apostrophe', () => {
  assert.equal(confKeySource({ serviceToolVersion: "it's" }), 'b"it\'s_None_None_None"');
  assert.equal(confKey({ serviceToolVersion: "it's" }), 'GleWQH1t50R');
});

test('conf_key of a task with an empty config', () => {
  assert.equal(
    confKeySource({ task: BASE_TASK }),
    `b'None_[]_[["deep_scan", false], ["ignore_filtering", false], ["max_files", 500], ["min_classification", "TLP:C"]]_None'`,
  );
  assert.equal(confKey({ task: BASE_TASK }), '194ZBEYk2AF');
});

test('conf_key sorts the service config and writes Python JSON', () => {
  const task = { ...BASE_TASK, serviceConfig: { b: 2, a: 'x', c: true, d: null }, deepScan: true, maxFiles: 10, minClassification: 'TLP:A' };
  assert.equal(confKey({ serviceToolVersion: '1.0', task }), 'LjbSJayQ4wo');
});

test('conf_key escapes non-ASCII, quotes, control characters and nested values like Python', () => {
  const task = {
    ...BASE_TASK,
    serviceConfig: {
      pw: ['infected', "it's", 'a"b\\c\n\t\x01'],
      nested: { z: 1, a: [1.5, -2, { k: 'v' }] },
      'émoji': '\u{1F600}',
    },
  };
  assert.equal(confKey({ serviceToolVersion: 'v\u00e9\u2018\u{1F600}', task }), 'Hssc1hGAJm6');
});

test('ignore_cache and partial results are salted', () => {
  const salt = () => '3gXbX6Z0Bj4UuUQyFHCjPq';
  assert.equal(confKey({ serviceToolVersion: '1.0', task: { ...BASE_TASK, ignoreCache: true }, salt }), '6SLZU07wz3w');
  assert.equal(confKey({ serviceToolVersion: '1.0', task: BASE_TASK, partial: true, salt }), '6SLZU07wz3w');
  // Random salts: two keys of the same cache-ignoring task differ.
  const t = { ...BASE_TASK, ignoreCache: true };
  assert.notEqual(confKey({ task: t }), confKey({ task: t }));
});

test('Python JSON, bytes repr and base62 encodings', () => {
  assert.equal(pythonJsonDumps({ a: [1, 'é', null, false], b: {} }, { separators: [', ', ': '], sortKeys: false }), '{"a": [1, "\\u00e9", null, false], "b": {}}');
  assert.equal(pythonBytesRepr('a\\b\x7f\u00e9'), "b'a\\\\b\\x7f\\xc3\\xa9'");
  assert.equal(base62(0n), '0');
  assert.equal(base62(61n), 'z');
  assert.equal(base62(62n), '10');
});

test('result, empty and error keys', () => {
  const key = resultKey({ sha256: SHA, serviceName: 'Extract', serviceVersion: '4.5.0.stable12', serviceToolVersion: '4.5.0.stable12' });
  assert.equal(key, `${SHA}.Extract.v4_5_0_stable12.cCoHBAibnk3u`);
  assert.equal(emptyResultKey({ sha256: SHA, serviceName: 'My.Svc', serviceVersion: '1.0' }), `${SHA}.My_Svc.v1_0.c0.e`);
  assert.equal(errorKey({ sha256: SHA, serviceName: 'Extract', serviceVersion: '1', errorType: 'SERVICE BUSY' }), `${SHA}.Extract.v1.c0.e20`);
  assert.equal(errorKey({ sha256: SHA, serviceName: 'X', serviceVersion: '0', errorType: 'TASK PRE-EMPTED', task: BASE_TASK }), `${SHA}.X.v0.c194ZBEYk2AF.e30`);
  assert.ok(isEmptyResultKey(`${SHA}.My_Svc.v1_0.c0.e`));
  assert.ok(!isEmptyResultKey(key));
});

test('parse keys', () => {
  assert.deepEqual(parseResultKey(`${SHA}.Extract.v4_5_0.cabc`), { sha256: SHA, serviceName: 'Extract', serviceVersion: '4_5_0', confKey: 'abc', isEmpty: false });
  assert.deepEqual(parseResultKey(`${SHA}.Extract.v1.c0.e`), { sha256: SHA, serviceName: 'Extract', serviceVersion: '1', confKey: '0', isEmpty: true });
  assert.equal(parseResultKey(`${SHA}.Extract.v1.c0.e21`), null);
  assert.equal(parseResultKey('short.Extract.v1.c0'), null);
  assert.deepEqual(parseErrorKey(`${SHA}.Extract.v4_5.cXyZ.e21`), { sha256: SHA, serviceName: 'Extract', code: 21, type: 'SERVICE DOWN' });
  assert.deepEqual(parseErrorKey(`${SHA}.Extract.v1.c0.e99`), { sha256: SHA, serviceName: 'Extract', code: 99, type: null });
  assert.equal(parseErrorKey(`${SHA}.Extract.v1.c0`), null);
  assert.equal(parseErrorKey('abc.e1'), null);
});

test('a remembered conf_key is the computed one, and salted keys are never remembered', () => {
  const task = { ...BASE_TASK, serviceConfig: { b: 2, a: 'x', c: true, d: null }, deepScan: true, maxFiles: 10, minClassification: 'TLP:A' };
  for (let i = 0; i < 3; i++) assert.equal(confKey({ serviceToolVersion: '1.0', task: { ...task } }), 'LjbSJayQ4wo');
  assert.notEqual(confKey({ serviceToolVersion: '1.0', task: { ...task, maxFiles: 11 } }), 'LjbSJayQ4wo');
  const salted = { serviceToolVersion: '1.0', task: { ...task, ignoreCache: true } };
  assert.notEqual(confKey(salted), confKey(salted));
  assert.notEqual(confKey({ serviceToolVersion: '1.0', task, partial: true }), confKey({ serviceToolVersion: '1.0', task, partial: true }));
});
