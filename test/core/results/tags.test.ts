import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenTags, isTagSafelisted, nestTags, splitSafelisted, summaryBucket, tagList } from '../../../src/core/results/tags.js';
import { normalizeTagValue, validateTags } from '../../../src/sdk/tags/validate.js';
import { shortType, tagKind, TAG_TYPE_LIST, TAG_TYPES } from '../../../src/sdk/tags/taxonomy.js';

test('taxonomy has every leaf of the Tagging model with its type', () => {
  // 214 leaves in Assemblyline's model, `file.rule` (a mapping) among them.
  assert.equal(TAG_TYPE_LIST.length, 214);
  assert.equal(new Set(TAG_TYPE_LIST).size, 214);
  assert.equal(TAG_TYPES.size, 213);
  const counts: Record<string, number> = {};
  for (const kind of TAG_TYPES.values()) counts[kind] = (counts[kind] ?? 0) + 1;
  assert.deepEqual(counts, {
    upper: 7, keyword: 171, sha256: 3, ssdeep: 6, platform: 1, processor: 1, phone: 1, md5: 4, sha1: 3, integer: 2,
    domain: 2, ip: 2, unc_path: 2, uri: 2, uri_path: 2, email: 1, mac: 1, ja4: 2,
  });
  assert.equal(TAG_TYPE_LIST[0], 'attribution.actor');
  assert.equal(TAG_TYPE_LIST[213], 'vector');
  for (const [type, kind] of [
    ['network.port', 'integer'], ['file.swf.header.frame.count', 'integer'], ['network.tls.ja3_hash', 'md5'],
    ['file.pe.imports.gimphash', 'sha256'], ['file.pe.authenticode.spc_sp_opus_info.program_name', 'keyword'],
    ['dynamic.operating_system.platform', 'platform'], ['network.email.address', 'email'], ['file.rule.yara', 'keyword'],
    ['file.plist.cf_bundle.version.short', 'keyword'], ['code.sha256', 'sha256'],
  ] as const) assert.equal(tagKind(type), kind, type);
  assert.equal(tagKind('file.rule'), undefined);
  assert.equal(tagKind('file.rule.Yara'), undefined);
  assert.equal(tagKind('network.static.hostname'), undefined);
  assert.equal(shortType('network.static.domain'), 'domain');
});

const ok = (type: string, value: unknown, expected: unknown) =>
  assert.deepEqual(normalizeTagValue(type, value), { ok: true, value: expected }, `${type} ${String(value)}`);
const bad = (type: string, value: unknown) => assert.equal(normalizeTagValue(type, value).ok, false, `${type} ${String(value)} should fail`);

test('domains are normalised and checked', () => {
  ok('network.static.domain', 'EVIL.Example.COM', 'evil.example.com');
  ok('network.static.domain', 'evil.com.', 'evil.com');
  ok('network.dynamic.domain', 'xn--bcher-kva.example', 'bücher.example');
  ok('network.dynamic.domain', '\uff45\uff56\uff49\uff4c.com', 'evil.com');
  ok('network.static.domain', 'a\u3002example\u3002org', 'a.example.org');
  ok('network.static.domain', 'setup.exe', 'setup.exe');
  assert.equal(normalizeTagValue('network.static.domain', 'setup.exe', { isKnownTld: (t) => t === 'COM' }).ok, false);
  for (const v of ['localhost', 'bad_label.com', 'a..com', '-a.com', 'a-.com', 'evil.c', 'evil.123', 'user@evil.com', '']) bad('network.static.domain', v);
});

test('IP addresses', () => {
  ok('network.static.ip', '010.001.002.003', '10.1.2.3');
  ok('network.static.ip', '2001:DB8::1', '2001:DB8::1');
  ok('network.static.ip', '::1', '::1');
  ok('network.dynamic.ip', 'fe80::1%eth0', 'fe80::1%eth0');
  for (const v of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '2001:db8::1%eth0', 'evil.com', 'gggg::1']) bad('network.static.ip', v);
});

test('URIs need a scheme and a valid host; only the host is lowercased', () => {
  ok('network.static.uri', 'HTTP://EVIL.Example.com:8080/Path?q=A', 'HTTP://evil.example.com:8080/Path?q=A');
  ok('network.static.uri', 'https://user:pw@Evil.com/a#Frag', 'https://user:pw@evil.com/a#Frag');
  ok('network.dynamic.uri', 'http://10.0.0.1/a', 'http://10.0.0.1/a');
  ok('network.dynamic.uri', 'http://[::1]:80/', 'http://[::1]:80/');
  for (const v of ['evil.com/path', 'http://1.2.3.0/', 'http://evil.com/a b', 'http://nohost/', 'http://evil.com:123456/', 'mailto:a@b.com']) bad('network.static.uri', v);
  ok('network.static.uri_path', '/index.php?a=1', '/index.php?a=1');
  bad('network.static.uri_path', 'index.php');
});

test('other validated types', () => {
  ok('network.email.address', 'John.Doe@Evil.COM', 'john.doe@evil.com');
  bad('network.email.address', 'nobody@localhost');
  bad('network.email.address', 'a b@evil.com');
  ok('attribution.family', 'emotet', 'EMOTET');
  ok('network.port', '443', 443);
  ok('network.port', 443, 443);
  ok('network.port', ' 8_080 ', 8080);
  bad('network.port', 'http');
  bad('network.port', '1e3');
  ok('file.pe.imports.md5', 'D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e');
  bad('file.pe.imports.md5', 'd41d8cd98f00b204e9800998ecf8427');
  bad('code.sha256', 'zz'.repeat(32));
  ok('network.mac_address', 'AA:BB:CC:DD:EE:FF', 'aa:bb:cc:dd:ee:ff');
  bad('network.mac_address', 'aa:bb:cc:dd:ee');
  ok('info.phone_number', '+1 (555) 123-4567', '+1 (555) 123-4567');
  bad('info.phone_number', '12345');
  ok('network.static.unc_path', '\\\\server\\share\\file.txt', '\\\\server\\share\\file.txt');
  ok('network.static.unc_path', '\\\\fs.corp.local@SSL@443\\share\\', '\\\\fs.corp.local@SSL@443\\share\\');
  bad('network.static.unc_path', '\\\\server');
  ok('dynamic.operating_system.platform', 'windows', 'Windows');
  bad('dynamic.operating_system.platform', 'BeOS');
  ok('dynamic.operating_system.processor', 'X64', 'x64');
  bad('dynamic.operating_system.processor', 'arm64');
  ok('network.tls.ja4_hash', 't13d1516h2_8daaf6152771_b186095e22b6', 't13d1516h2_8daaf6152771_b186095e22b6');
  bad('network.tls.ja4_hash', 'not-a-ja4');
  ok('file.pe.imports.fuzzy', '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C', '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C');
  bad('file.pe.imports.fuzzy', 'abc');
  ok('file.rule.yara', 'Win_Trojan_X', 'Win_Trojan_X');
  ok('file.string.extracted', 12, '12');
  bad('file.string.extracted', '');
  bad('file.string.extracted', { a: 1 });
  bad('network.static.hostname', 'evil.com');
});

test('validateTags keeps normalised unique values and reports the rest', () => {
  const got = validateTags({
    'network.static.domain': ['Evil.com', 'evil.com', 'nodot'],
    'network.port': ['80', 80, 'x'],
    'bogus.type': ['v'],
    'file.behavior': 'single value',
  });
  assert.deepEqual(got.tags, { 'network.static.domain': ['evil.com'], 'network.port': [80], 'file.behavior': ['single value'] });
  assert.deepEqual(got.invalid.map((i) => [i.type, i.value]), [['network.static.domain', 'nodot'], ['network.port', 'x'], ['bogus.type', 'v']]);
  assert.equal(got.invalid[2]!.reason, 'unknown tag type');
});

test('flat and nested forms, list form', () => {
  const flat = { 'network.static.domain': ['a.com'], 'network.static.ip': ['1.1.1.1'], 'network.port': [443], 'file.rule.yara': ['R1'], vector: ['email'] };
  const nested = nestTags(flat);
  assert.deepEqual(nested, {
    network: { static: { domain: ['a.com'], ip: ['1.1.1.1'] }, port: [443] },
    file: { rule: { yara: ['R1'] } },
    vector: ['email'],
  });
  assert.deepEqual(flattenTags(nested), flat);
  assert.deepEqual(nestTags({ 'a.b': [] }), {});
  assert.deepEqual(tagList({ 'network.port': [443] }), [{ type: 'network.port', value: 443, short_type: 'port', safelisted: false }]);
  assert.deepEqual(tagList({ 'network.static.domain': ['a.com', 'b.com'] }, true).map((t) => [t.value, t.safelisted]), [['a.com', true], ['b.com', true]]);
});

test('safelisting by exact value and by start-anchored regex', () => {
  const safelist = {
    tags: new Map([['network.static.domain', new Set(['microsoft.com'])], ['network.port', new Set(['53'])]]),
    regex: new Map([['network.static.uri', [/https?:\/\/[^/]*\.windowsupdate\.com\//g]], ['file.string.extracted', [/safe/]]]),
  };
  assert.ok(isTagSafelisted('network.static.domain', 'microsoft.com', safelist));
  assert.ok(!isTagSafelisted('network.dynamic.domain', 'microsoft.com', safelist));
  assert.ok(isTagSafelisted('network.port', 53, safelist));
  assert.ok(isTagSafelisted('network.static.uri', 'http://a.windowsupdate.com/x', safelist));
  assert.ok(isTagSafelisted('network.static.uri', 'http://a.windowsupdate.com/x', safelist), 'a g flag must not leave state behind');
  assert.ok(!isTagSafelisted('file.string.extracted', 'not safe', safelist), 'patterns match at the start only');
  const split = splitSafelisted({ 'network.static.domain': ['microsoft.com', 'evil.com'], 'network.port': [53] }, safelist);
  assert.deepEqual(split, { tags: { 'network.static.domain': ['evil.com'] }, safelisted: { 'network.static.domain': ['microsoft.com'], 'network.port': ['53'] } });
});

test('summary buckets', () => {
  assert.equal(summaryBucket('file.behavior'), 'behavior');
  assert.equal(summaryBucket('av.virus_name'), 'attribution');
  assert.equal(summaryBucket('network.dynamic.uri'), 'ioc');
  assert.equal(summaryBucket('network.static.uri_path'), null);
});
