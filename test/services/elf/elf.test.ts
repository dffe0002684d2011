// The ELF service on binaries compiled here (a reverse-shell shaped program, dynamic, static and stripped),
// on hand-made hostile headers, and on damaged copies that must never crash the parser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execute, elfSections, manifest } from '../../../src/services/elf/index.js';
import { parseElf } from '../../../src/services/elf/parse.js';
import { analyse, unusualInterpreter } from '../../../src/services/elf/analyse.js';
import { telfhash, telfhashSymbols } from '../../../src/services/elf/telfhash.js';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { allTags, heuristicIds, runOn, tempDir } from '../../helpers/service.js';

const SOURCE = `#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/ptrace.h>
#include <unistd.h>
int main(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET; a.sin_port = htons(4444);
  connect(s, (struct sockaddr *)&a, sizeof a);
  dup2(s, 0); dup2(s, 1);
  if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) return 1;
  char *argv[] = {"/bin/sh", 0};
  execve("/bin/sh", argv, 0);
  return 0;
}
`;

/** A minimal 64-bit executable: one RWX LOAD segment, optional PT_INTERP, no sections, optional trailing data. */
function handMade(opts: { interp?: string; tail?: Buffer } = {}): Buffer {
  const interp = opts.interp ? Buffer.from(`${opts.interp}\0`) : undefined;
  const phnum = interp ? 2 : 1;
  const headerEnd = 64 + 56 * phnum;
  const code = Buffer.alloc(64, 0x90);
  const body = Buffer.concat([interp ?? Buffer.alloc(0), code, opts.tail ?? Buffer.alloc(0)]);
  const b = Buffer.alloc(headerEnd + body.length);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2; b[5] = 1; b[6] = 1;
  b.writeUInt16LE(2, 16); b.writeUInt16LE(62, 18); b.writeUInt32LE(1, 20);
  const base = 0x400000;
  const codeAt = headerEnd + (interp?.length ?? 0);
  b.writeBigUInt64LE(BigInt(base + codeAt), 24);
  b.writeBigUInt64LE(64n, 32);
  b.writeUInt16LE(64, 52); b.writeUInt16LE(56, 54); b.writeUInt16LE(phnum, 56); b.writeUInt16LE(64, 58);
  let ph = 64;
  if (interp) {
    b.writeUInt32LE(3, ph); b.writeUInt32LE(4, ph + 4);
    b.writeBigUInt64LE(BigInt(headerEnd), ph + 8); b.writeBigUInt64LE(BigInt(base + headerEnd), ph + 16);
    b.writeBigUInt64LE(BigInt(interp.length), ph + 32); b.writeBigUInt64LE(BigInt(interp.length), ph + 40);
    ph += 56;
  }
  b.writeUInt32LE(1, ph); b.writeUInt32LE(7, ph + 4);
  b.writeBigUInt64LE(0n, ph + 8); b.writeBigUInt64LE(BigInt(base), ph + 16); b.writeBigUInt64LE(BigInt(base), ph + 24);
  b.writeBigUInt64LE(BigInt(b.length), ph + 32); b.writeBigUInt64LE(BigInt(b.length), ph + 40); b.writeBigUInt64LE(0x1000n, ph + 48);
  body.copy(b, headerEnd);
  return b;
}

describe('ELF service', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let gcc = true;
  const built: Record<string, Buffer> = {};

  before(async () => {
    ({ dir, cleanup } = await tempDir('assay-elf-'));
    if (spawnSync('which', ['gcc']).status !== 0) {
      gcc = false;
      return;
    }
    writeFileSync(join(dir, 'shell.c'), SOURCE);
    const cc = (out: string, ...flags: string[]) => {
      const r = spawnSync('gcc', ['-O0', ...flags, '-o', join(dir, out), join(dir, 'shell.c')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      built[out] = readFileSync(join(dir, out));
    };
    cc('dynamic');
    cc('stripped', '-s');
    const st = spawnSync('gcc', ['-static', '-O0', '-o', join(dir, 'static'), join(dir, 'shell.c')]);
    if (st.status === 0) built.static = readFileSync(join(dir, 'static'));
  });
  after(() => cleanup());

  const needGcc = (t: { skip: (m: string) => void }) => {
    if (gcc) return true;
    if (process.env.CI === 'true') assert.fail('gcc is required in CI');
    t.skip('gcc not installed');
    return false;
  };

  it('has a valid manifest that takes Linux executables', () => {
    validateManifest(manifest);
    assert.ok(new RegExp(`^(?:${manifest.accepts})`).test('executable/linux/elf64'));
    assert.ok(new RegExp(`^(?:${manifest.accepts})`).test('executable/linux/so32'));
  });

  it('reads a dynamic reverse-shell shaped program: libraries, interpreter, imports, and scores the behaviour', async (t) => {
    if (!needGcc(t)) return;
    const info = parseElf(built.dynamic!)!;
    assert.equal(info.bits, 64);
    const facts = analyse(built.dynamic!, info);
    assert.ok(facts.libraries.includes('libc.so.6'), facts.libraries.join());
    assert.match(facts.interpreter ?? '', /ld-linux|ld-musl|ld64/);
    for (const f of ['socket', 'connect', 'dup2', 'execve', 'ptrace']) assert.ok(facts.imports.includes(f), `import ${f}`);
    assert.equal(facts.stripped, false);
    const out = await runOn(execute, dir, 'shell', 'executable/linux/elf64', built.dynamic!);
    assert.deepEqual(allTags(out, 'file.elf.libraries'), ['libc.so.6']);
    assert.equal(allTags(out, 'file.elf.interpreter').length, 1);
    assert.ok(allTags(out, 'file.elf.sections.name').includes('.text'));
    assert.ok(allTags(out, 'file.elf.segments.type').includes('LOAD'));
    assert.ok(allTags(out, 'file.elf.notes.name').includes('GNU'));
    const ids = heuristicIds(out);
    assert.ok(ids.includes(24), `heuristics ${ids}`);
    assert.ok(ids.includes(26), 'ptrace is anti-debugging');
    assert.ok(!ids.includes(23), 'the system loader is not unusual');
    const shell = out.sections.find((s) => s.heuristic?.id === 24)!;
    assert.deepEqual(shell.heuristic!.signatures, { socket_dup2_exec: 1 });
  });

  it('sees the stripped copy as stripped but still finds its dynamic imports', async (t) => {
    if (!needGcc(t)) return;
    const info = parseElf(built.stripped!)!;
    const facts = analyse(built.stripped!, info);
    assert.equal(facts.stripped, true);
    assert.equal(info.symtab.length, 0);
    assert.ok(facts.imports.includes('execve'));
    const out = await runOn(execute, dir, 'shell-stripped', 'executable/linux/elf64', built.stripped!);
    const ids = heuristicIds(out);
    assert.ok(ids.includes(24));
    assert.ok(!ids.includes(22), 'stripped alone is not packed');
  });

  it('flags a statically linked program carrying socket code', async (t) => {
    if (!needGcc(t)) return;
    if (!built.static) {
      if (process.env.CI === 'true') assert.fail('static glibc is required in CI');
      t.skip('static libc not installed');
      return;
    }
    const facts = analyse(built.static, parseElf(built.static)!);
    assert.equal(facts.staticallyLinked, true);
    assert.equal(facts.interpreter, undefined);
    const out = await runOn(execute, dir, 'shell-static', 'executable/linux/elf64', built.static);
    const ids = heuristicIds(out);
    assert.ok(ids.includes(25), `heuristics ${ids}`);
    assert.ok(ids.includes(24), 'symbols of the static binary show the reverse shell');
  });

  it('computes telfhash over the exported functions, the same for the stripped copy', (t) => {
    if (!needGcc(t)) return;
    const dyn = parseElf(built.dynamic!)!;
    const names = telfhashSymbols(dyn)!;
    for (const n of ['connect', 'dup2', 'execve', 'ptrace', 'socket']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('__libc_start_main'));
    assert.deepEqual(names, [...names].sort());
    // Five short names are too little for TLSH; the stripped copy keeps .dynsym and hashes the same.
    assert.equal(telfhash(dyn), 'tnull');
    assert.equal(telfhash(parseElf(built.stripped!)!), 'tnull');
    if (built.static) {
      const h = telfhash(parseElf(built.static)!)!;
      // glibc marks most of its functions weak or hidden, so a static build may also have too few names.
      assert.match(h, /^(?:t1[0-9a-f]{70}|tnull)$/);
      const out = elfSections(built.static);
      assert.equal((out[0]!.body as Record<string, unknown>).telfhash, h);
    }
  });

  it('hashes the exported functions of a shared library into a t1 telfhash', (t) => {
    if (!needGcc(t)) return;
    const names = Array.from({ length: 60 }, (_, i) => `Handler_${(i * 7919).toString(36)}_v${i}`);
    const src = [...names.map((n) => `int ${n}(int x) { return x + ${names.indexOf(n)}; }`), 'int strange64(void) { return 0; }', 'int _hidden_start(void) { return 0; }'].join('\n');
    writeFileSync(join(dir, 'lib.c'), src);
    const r = spawnSync('gcc', ['-shared', '-fPIC', '-o', join(dir, 'lib.so'), join(dir, 'lib.c')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const info = parseElf(readFileSync(join(dir, 'lib.so')))!;
    const expected = names.map((n) => n.toLowerCase()).sort();
    assert.deepEqual(telfhashSymbols(info), expected, 'names ending in 64 or starting with _ are left out');
    assert.match(telfhash(info)!, /^t1[0-9a-f]{70}$/);
  });

  it('flags RWX, missing section headers, UPX and packing, and an odd interpreter on a hand-made binary', async () => {
    const upx = handMade({ interp: '/tmp/.x/ld.so', tail: Buffer.concat([Buffer.from('UPX!'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + (i >> 3)) & 0xff))]) });
    const out = await runOn(execute, dir, 'packed', 'executable/linux/elf64', upx);
    const ids = heuristicIds(out);
    for (const id of [3, 20, 21, 22, 23]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids}`);
    assert.deepEqual(allTags(out, 'file.elf.interpreter'), ['/tmp/.x/ld.so', '/tmp/.x/ld.so']);
    const plain = await runOn(execute, dir, 'plain', 'executable/linux/elf64', handMade({ interp: '/lib64/ld-linux-x86-64.so.2' }));
    assert.ok(!heuristicIds(plain).includes(23));
    assert.ok(!heuristicIds(plain).includes(21));
  });

  it('knows the loaders of common systems and nothing else', () => {
    for (const p of ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1', '/lib/ld-linux-armhf.so.3', '/lib/ld-musl-x86_64.so.1',
      '/system/bin/linker64', '/usr/lib/ld.so.1', '/lib/ld.so.1', '/libexec/ld-elf.so.1', '/usr/libexec/ld.elf_so', '/lib/ld-uClibc.so.0']) {
      assert.ok(!unusualInterpreter(p), p);
    }
    for (const p of ['/tmp/ld.so', './ld-linux.so.2', '/home/user/.x/ld-linux-x86-64.so.2', '/lib64/ld-linux-x86-64.so.2/../../tmp/x']) {
      assert.ok(unusualInterpreter(p), p);
    }
  });

  it('reports a file that only looks like ELF', async () => {
    const out = await runOn(execute, dir, 'fake', 'executable/linux/elf64', Buffer.from('\x7fELF\x09\x09garbage'));
    assert.deepEqual(heuristicIds(out), [1]);
  });

  it('stays bounded when every section and segment covers the whole file', () => {
    // 65279 sections and 65535 PT_DYNAMIC/PT_LOAD segments, each spanning the whole file of non-zero bytes.
    const shnum = 0xfeff;
    const phnum = 0xffff;
    const phoff = 64;
    const shoff = phoff + phnum * 56;
    const b = Buffer.alloc(shoff + shnum * 64, 0x41);
    b.write('\x7fELF', 0, 'latin1');
    b[4] = 2; b[5] = 1; b[6] = 1;
    b.writeUInt16LE(2, 16); b.writeUInt16LE(62, 18);
    b.writeBigUInt64LE(BigInt(phoff), 32); b.writeBigUInt64LE(BigInt(shoff), 40);
    b.writeUInt16LE(56, 54); b.writeUInt16LE(phnum, 56); b.writeUInt16LE(64, 58); b.writeUInt16LE(shnum, 60); b.writeUInt16LE(0, 62);
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * 56;
      b.writeUInt32LE(i % 2 ? 2 : 1, o); b.writeUInt32LE(7, o + 4); b.writeBigUInt64LE(0n, o + 8);
      b.writeBigUInt64LE(BigInt(b.length), o + 32); b.writeBigUInt64LE(BigInt(b.length), o + 40);
    }
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * 64;
      b.writeUInt32LE(0, o); b.writeUInt32LE(1, o + 4); b.writeBigUInt64LE(0n, o + 24); b.writeBigUInt64LE(BigInt(b.length), o + 32);
    }
    const started = Date.now();
    const sections = elfSections(b);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
    const header = sections[0]!.body as Record<string, unknown>;
    assert.match(String(header.Warnings), /dynamic entries/);
    assert.equal((sections.find((s) => s.title.startsWith('Sections'))!.body as unknown[]).length, 1000);
  });

  it('never throws on truncated or corrupted copies of a real binary', (t) => {
    const sample = built.dynamic ?? handMade({ interp: '/lib64/ld-linux-x86-64.so.2' });
    if (!built.dynamic) t.diagnostic('gcc missing: fuzzing the hand-made binary');
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let cut = 0; cut < sample.length; cut += Math.max(1, Math.floor(sample.length / 300))) elfSections(sample.subarray(0, cut));
    for (let i = 0; i < 300; i++) {
      const copy = Buffer.from(sample);
      // Damage the header and table region, where the offsets and counts live.
      for (let k = 0; k < 8; k++) copy[rand() % Math.min(copy.length, 4096)] = rand() & 0xff;
      const tail = copy.length - 2048;
      if (tail > 0) for (let k = 0; k < 8; k++) copy[tail + (rand() % 2048)] = rand() & 0xff;
      assert.ok(elfSections(copy).length >= 1);
    }
  });
});
