// PE files built here with MinGW and signed with osslsigncode: the injection API set, a self-signed
// Authenticode signature (osslsigncode's own verification as the oracle for the digest and the signer), a
// signed file with one byte changed, an embedded PE resource, an overlay, and truncated or corrupted copies
// that must never crash the parser. YARA-X's pe module confirms the imphash and headers of the built file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { yarax } from '../../../src/sdk/yarax.js';
import type { ServiceOutput } from '../../../src/sdk/index.js';
import { execute, parsePe } from '../../../src/services/pe/index.js';
import type { PeInfo } from '../../../src/services/pe/parse.js';
import { allTags, heuristicIds, runFile, runOn } from '../../helpers/service.js';
import { buildInjector, GCC, have, run, TOOLS, WINDRES } from './mingw.js';

const missing = TOOLS.filter((t) => !have(t));

function needTools(t: TestContext): boolean {
  if (!missing.length) return true;
  if (process.env.CI === 'true') assert.fail(`missing tools: ${missing.join(', ')}`);
  t.skip(`missing tools: ${missing.join(', ')}`);
  return false;
}

function parsed(path: string): PeInfo {
  const pe = parsePe(readFileSync(path));
  assert.ok(pe.isPe, `${path} parses as PE`);
  return pe;
}

describe('PE analyser on built executables', () => {
  let dir = '';
  let osslVerify = '';
  const f = { inj: '', signed: '', patched: '', dropper: '', overlay: '' };
  const runExe = (path: string, name = 'sample.exe'): Promise<ServiceOutput> =>
    runOn(execute, dir, name, 'executable/windows/pe64', readFileSync(path));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pe-built-'));
    if (missing.length) return;
    f.inj = buildInjector(dir);
    run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '30',
      '-subj', '/CN=Assay Test Signer/O=Assay Tests'], dir);
    run('osslsigncode', ['sign', '-certs', 'cert.pem', '-key', 'key.pem', '-n', 'Injector', '-in', 'inj.exe', '-out', 'signed.exe'], dir);
    f.signed = join(dir, 'signed.exe');
    // osslsigncode reports the self-signed chain as a verification error (non-zero exit) but still prints digests.
    const v = spawnSync('osslsigncode', ['verify', '-in', 'signed.exe'], { cwd: dir, encoding: 'utf8' });
    osslVerify = v.stdout + v.stderr;
    // One byte of the .text section changed after signing.
    const signed = readFileSync(f.signed);
    const text = (parsePe(signed) as PeInfo).sections.find((s) => s.name === '.text')!;
    const patched = Buffer.from(signed);
    patched[text.rawOffset + 0x40] ^= 0xff;
    f.patched = join(dir, 'patched.exe');
    writeFileSync(f.patched, patched);
    // A dropper carrying the injector as an RCDATA resource.
    writeFileSync(join(dir, 'drop.rc'), '101 RCDATA "inj.exe"\n');
    writeFileSync(join(dir, 'drop.c'), 'int main(void) { return 0; }\n');
    run(WINDRES, ['drop.rc', '-O', 'coff', '-o', 'drop.res'], dir);
    run(GCC, ['-O2', '-s', '-o', 'dropper.exe', 'drop.c', 'drop.res'], dir);
    f.dropper = join(dir, 'dropper.exe');
    f.overlay = join(dir, 'overlay.exe');
    writeFileSync(f.overlay, Buffer.concat([readFileSync(f.inj), Buffer.from('PAYLOAD-'.repeat(512))]));
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('the injector raises the process injection heuristic (T1055) and carries its imphash', async (t) => {
    if (!needTools(t)) return;
    const out = await runExe(f.inj, 'inj.exe');
    const inj = out.sections.find((s) => s.heuristic?.id === 103);
    assert.ok(inj, 'injection heuristic');
    assert.deepEqual(inj.heuristic?.signatures, { remote_thread: 1 });
    assert.deepEqual(allTags(out, 'file.pe.imports.suspicious').sort(), ['CreateRemoteThread', 'VirtualAllocEx', 'WriteProcessMemory']);
    const pe = parsed(f.inj);
    assert.deepEqual(allTags(out, 'file.pe.imports.imphash'), [pe.imphash]);
    assert.ok(!heuristicIds(out).includes(106), 'inj.exe is not a system name');
    // A system binary's name on the same unsigned file.
    assert.ok(heuristicIds(await runExe(f.inj, 'svchost.exe')).includes(106));
  });

  it('YARA-X agrees with the imphash, entry point, timestamp and section count of the built file', (t) => {
    if (!needTools(t)) return;
    const pe = parsed(f.inj);
    const rule = `import "pe"
rule same { condition: pe.imphash() == "${pe.imphash}" and pe.entry_point == ${pe.entryPoint} and
  pe.timestamp == ${pe.coff.timestamp} and pe.number_of_sections == ${pe.sections.length} and
  pe.number_of_imported_functions == ${pe.imports.reduce((n, d) => n + d.functions.length, 0)} and
  pe.imports("KERNEL32.dll", "CreateRemoteThread") }`;
    const matches = yarax().compile(rule).scan(readFileSync(f.inj));
    assert.deepEqual(matches.map((m) => m.ruleIdentifier), ['same']);
  });

  it('the signed copy: signer found, self-signed heuristic, digest equal to osslsigncode\'s', async (t) => {
    if (!needTools(t)) return;
    const pe = parsed(f.signed);
    assert.equal(pe.signatures.length, 1);
    const s = pe.signatures[0];
    assert.equal(s.signer?.subject, '/CN=Assay Test Signer/O=Assay Tests');
    assert.equal(s.signer?.issuer, '/CN=Assay Test Signer/O=Assay Tests');
    assert.equal(s.selfSigned, true);
    assert.equal(s.digestAlgorithm, 'sha256');
    assert.equal(s.digestMatches, true);
    assert.equal(s.signatureValid, true);
    assert.equal(s.programName, 'Injector');
    const current = /Current message digest\s*:\s*([0-9A-F]+)/.exec(osslVerify)?.[1]?.toLowerCase();
    const calculated = /Calculated message digest\s*:\s*([0-9A-F]+)/.exec(osslVerify)?.[1]?.toLowerCase();
    assert.equal(s.digest, current);
    assert.equal(s.fileDigest, calculated);
    const serial = /Serial : ([0-9A-F]+)/.exec(osslVerify)?.[1]?.toLowerCase();
    assert.equal(s.signer?.serial.replaceAll(':', ''), serial?.replace(/^0+/, '').padStart(s.signer!.serial.replaceAll(':', '').length, '0'));
    const out = await runExe(f.signed);
    const ids = heuristicIds(out);
    assert.ok(ids.includes(6), 'self-signed heuristic');
    assert.ok(!ids.includes(1), 'no digest mismatch');
    assert.deepEqual(allTags(out, 'cert.subject'), ['/CN=Assay Test Signer/O=Assay Tests']);
    assert.equal(allTags(out, 'cert.thumbprint').length, 1);
  });

  it('the signed copy with one byte patched: digest mismatch heuristic', async (t) => {
    if (!needTools(t)) return;
    const s = parsed(f.patched).signatures[0];
    assert.ok(s.digest && s.fileDigest && s.digest !== s.fileDigest);
    assert.equal(s.digestMatches, false);
    const ids = heuristicIds(await runExe(f.patched));
    assert.ok(ids.includes(1), 'digest mismatch heuristic');
    assert.ok(!ids.includes(2), 'not reported as validly signed');
    // The file is flagged before any signer check; osslsigncode sees the same mismatch.
    const v = spawnSync('osslsigncode', ['verify', '-in', f.patched], { encoding: 'utf8' });
    const calculated = /Calculated message digest\s*:\s*([0-9A-F]+)/.exec(v.stdout + v.stderr)?.[1]?.toLowerCase();
    assert.equal(s.fileDigest, calculated);
  });

  it('a PE inside a resource is reported and extracted', async (t) => {
    if (!needTools(t)) return;
    const out = await runExe(f.dropper, 'dropper.exe');
    assert.ok(heuristicIds(out).includes(12));
    const child = out.extracted?.find((e) => e.name.endsWith('.exe'));
    assert.ok(child, 'embedded PE extracted');
    assert.deepEqual(readFileSync(child.path), readFileSync(f.inj));
    assert.deepEqual(allTags(out, 'file.pe.resources.language'), ['en-US']);
  });

  it('an overlay is reported and extracted without the bytes before it', async (t) => {
    if (!needTools(t)) return;
    const out = await runExe(f.overlay);
    assert.ok(heuristicIds(out).includes(109));
    const child = out.extracted?.find((e) => e.name.startsWith('overlay_'));
    assert.ok(child);
    assert.equal(readFileSync(child.path).toString(), 'PAYLOAD-'.repeat(512));
  });

  it('keylogging and anti-debugging API sets', async (t) => {
    if (!needTools(t)) return;
    writeFileSync(join(dir, 'keys.c'), `#include <windows.h>
static LRESULT CALLBACK hook(int c, WPARAM w, LPARAM l) { BYTE k[256]; GetKeyboardState(k); return CallNextHookEx(NULL, c, w, l); }
int main(void) {
  BOOL dbg = FALSE;
  CheckRemoteDebuggerPresent(GetCurrentProcess(), &dbg);
  if (dbg || IsDebuggerPresent()) return 1;
  SetWindowsHookExA(WH_KEYBOARD_LL, hook, NULL, 0);
  return 0;
}
`);
    run(GCC, ['-O2', '-s', '-o', 'keys.exe', 'keys.c', '-luser32'], dir);
    const out = await runExe(join(dir, 'keys.exe'));
    const keys = out.sections.find((x) => x.heuristic?.id === 104);
    assert.deepEqual(keys?.heuristic?.signatures, { keyboard_hook: 1 });
    assert.deepEqual(allTags(out, 'technique.keylogger'), ['keyboard_hook']);
    assert.ok(heuristicIds(out).includes(105), 'anti-debugging heuristic');
    assert.ok(!heuristicIds(out).includes(103));
  });

  it('header tampering: timestamps, a writable code section, a removed import table', async (t) => {
    if (!needTools(t)) return;
    const base = readFileSync(f.inj);
    const pe = parsed(f.inj);
    const withTimestamp = (ts: number) => {
      const b = Buffer.from(base);
      b.writeUInt32LE(ts, pe.lfanew + 8);
      return b;
    };
    const ids = async (b: Buffer) => heuristicIds(await runOn(execute, dir, 'x.exe', 'executable/windows/pe64', b));
    assert.ok((await ids(withTimestamp(0))).includes(107), 'zero timestamp');
    assert.ok((await ids(withTimestamp(Date.UTC(1992, 5, 19) / 1000))).includes(108), 'before 1995');
    assert.ok((await ids(withTimestamp(Date.UTC(2100, 0, 1) / 1000))).includes(26), 'future');
    const current = await ids(base);
    assert.ok(![26, 107, 108, 100, 101].some((id) => current.includes(id)), `clean build raised ${current}`);

    const wx = Buffer.from(base);
    const text = pe.sections.findIndex((x) => x.name === '.text');
    const at = pe.lfanew + 24 + pe.coff.sizeOfOptionalHeader + text * 40 + 36;
    wx.writeUInt32LE((wx.readUInt32LE(at) | 0x80000000) >>> 0, at);
    assert.ok((await ids(wx)).includes(100), 'W+X section');

    const noImports = Buffer.from(base);
    const importEntry = pe.lfanew + 24 + 112 + 8; // PE32+ data directory 1
    noImports.writeUInt32LE(0, importEntry);
    noImports.writeUInt32LE(0, importEntry + 4);
    const parsedNoImports = parsePe(noImports);
    assert.ok(parsedNoImports.isPe && parsedNoImports.imports.length === 0 && !parsedNoImports.imphash);
    assert.ok((await ids(noImports)).includes(101), 'no imports');
  });

  it('truncated copies never crash and give a partial result', async (t) => {
    if (!needTools(t)) return;
    const full = readFileSync(f.signed);
    const cuts = new Set<number>([0, 1, 2, 0x3c, 0x40, 0x80, 0x100, 0x180, 0x200, 0x300, 0x400, full.length - 1, full.length - 100]);
    for (let n = 0; n < full.length; n += 397) cuts.add(n);
    const started = performance.now();
    let asPe = 0;
    for (const n of [...cuts].sort((a, b) => a - b)) {
      const cut = full.subarray(0, n);
      const pe = parsePe(cut);
      if (pe.isPe) asPe++;
      if (n === 0x400 || n === 0x200) {
        await runOn(execute, dir, 'trunc.exe', 'executable/windows/pe64', cut);
      }
    }
    assert.ok(asPe > cuts.size / 2, 'most cuts still parse as PE (partial)');
    const half = parsed(f.signed);
    const truncated = parsePe(full.subarray(0, Math.floor(full.length / 2)));
    assert.ok(truncated.isPe);
    assert.equal(truncated.coff.timestamp, half.coff.timestamp);
    assert.ok(performance.now() - started < 20_000);
  });

  it('randomly corrupted headers and directories never crash the parser or the service', async (t) => {
    if (!needTools(t)) return;
    const full = readFileSync(f.signed);
    const pe = parsed(f.signed);
    // Deterministic generator so a failure can be replayed.
    let seed = 0x2545f491;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 0x100000000);
    const hot = pe.lfanew + 24 + pe.coff.sizeOfOptionalHeader + pe.sections.length * 40;
    for (let round = 0; round < 120; round++) {
      const b = Buffer.from(full);
      for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) {
        const at = rnd() < 0.7 ? Math.floor(rnd() * hot) : Math.floor(rnd() * b.length);
        b[at] = Math.floor(rnd() * 256);
      }
      parsePe(b);
      if (round % 30 === 0) await runOn(execute, dir, 'fuzz.exe', 'executable/windows/pe64', b);
    }
    const sample = await runFile(execute, f.signed, dir, 'signed.exe', 'executable/windows/pe64');
    assert.ok(sample.sections.length > 3);
  });
});
