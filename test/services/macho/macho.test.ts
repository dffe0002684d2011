// The MachO service on corpus samples (a universal binary whose slices are extracted, signed and unsigned
// images), on a hand-made hostile image, and on damaged copies that must never crash the parser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execute, manifest } from '../../../src/services/macho/index.js';
import { parseMacho, parseMachoFile } from '../../../src/services/macho/parse.js';
import { suspiciousDylib } from '../../../src/services/macho/traits.js';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { allTags, heuristicIds, runOn, tempDir } from '../../helpers/service.js';
import { readSample } from '../../helpers/yarax-samples.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = resolve(root, '../shared/corpus/yarax-modules/macho');

/** A 64-bit little-endian executable: an RWX __TEXT, a dylib from a hidden temp folder, LC_MAIN, and an nlist table of undefined imports. */
function handMade(): Buffer {
  const names = ['_socket', '_connect', '_dup2', '_execve', '_ptrace'];
  const strtab = Buffer.from(`\0${names.join('\0')}\0`, 'latin1');
  const cmds: Buffer[] = [];
  const seg = Buffer.alloc(72);
  seg.writeUInt32LE(0x19, 0); seg.writeUInt32LE(72, 4); seg.write('__TEXT', 8, 'latin1');
  seg.writeBigUInt64LE(0x100000000n, 24); seg.writeBigUInt64LE(0x1000n, 32); seg.writeBigUInt64LE(0n, 40); seg.writeBigUInt64LE(0x1000n, 48);
  seg.writeUInt32LE(7, 56); seg.writeUInt32LE(7, 60);
  cmds.push(seg);
  const lib = Buffer.from('/tmp/.cache/libupdate.dylib\0\0\0\0\0', 'latin1');
  const dylib = Buffer.alloc(24 + lib.length);
  dylib.writeUInt32LE(0xc, 0); dylib.writeUInt32LE(dylib.length, 4); dylib.writeUInt32LE(24, 8); lib.copy(dylib, 24);
  cmds.push(dylib);
  const main = Buffer.alloc(24);
  main.writeUInt32LE(0x80000028, 0); main.writeUInt32LE(24, 4); main.writeBigUInt64LE(0x800n, 8);
  cmds.push(main);
  const symtab = Buffer.alloc(24);
  cmds.push(symtab);
  const sizeofcmds = cmds.reduce((n, c) => n + c.length, 0);
  const symoff = 32 + sizeofcmds;
  const stroff = symoff + names.length * 16;
  symtab.writeUInt32LE(0x2, 0); symtab.writeUInt32LE(24, 4); symtab.writeUInt32LE(symoff, 8); symtab.writeUInt32LE(names.length, 12);
  symtab.writeUInt32LE(stroff, 16); symtab.writeUInt32LE(strtab.length, 20);
  const nlists = Buffer.alloc(names.length * 16);
  let strx = 1;
  names.forEach((n, i) => { nlists.writeUInt32LE(strx, i * 16); nlists[i * 16 + 4] = 0x01; strx += n.length + 1; });
  const header = Buffer.alloc(32);
  header.writeUInt32BE(0xcffaedfe, 0); header.writeUInt32LE(0x01000007, 4); header.writeUInt32LE(3, 8); header.writeUInt32LE(2, 12);
  header.writeUInt32LE(cmds.length, 16); header.writeUInt32LE(sizeofcmds, 20); header.writeUInt32LE(0x20085, 24);
  const img = Buffer.concat([header, ...cmds, nlists, strtab]);
  return Buffer.concat([img, Buffer.alloc(0x1000 - img.length, 0x90)]);
}

describe('MachO service', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir('assay-macho-')));
  after(() => cleanup());

  it('has a valid manifest that takes Mach-O files', () => {
    validateManifest(manifest);
    assert.ok(new RegExp(`^(?:${manifest.accepts})`).test('executable/mach-o'));
  });

  it('extracts each slice of a universal binary, and each slice parses as the fat header says', async () => {
    const fat = await readSample(join(corpus, 'tiny_universal'));
    const out = await runOn(execute, dir, 'tiny_universal', 'executable/mach-o', fat);
    assert.ok(heuristicIds(out).includes(5));
    assert.equal(out.extracted?.length, 2);
    const info = parseMacho(fat)!;
    for (const [i, x] of out.extracted!.entries()) {
      const slice = parseMachoFile(readFileSync(x.path))!;
      assert.equal(slice.cputype, info.fat!.archs[i]!.cputype);
      assert.equal(readFileSync(x.path).length, info.fat!.archs[i]!.size);
    }
    assert.deepEqual(out.extracted!.map((x) => x.name), ['tiny_universal.x86.0', 'tiny_universal.x86_64.1']);
    // Slices are scored when analysed as children, not on the container.
    assert.deepEqual(heuristicIds(out), [5]);
  });

  it('reads a signed application: dylibs tagged, certificate signature, no unsigned heuristic', async () => {
    const chess = await readSample(join(corpus, 'chess'));
    const f = parseMacho(chess)!.files[0]!;
    assert.equal(f.codeSignature?.readable, true);
    assert.equal(f.codeSignature?.cms, true);
    const out = await runOn(execute, dir, 'Chess', 'executable/mach-o', chess);
    assert.ok(allTags(out, 'file.lib').some((l) => l.includes('/System/Library/Frameworks/')));
    assert.ok(!heuristicIds(out).includes(2));
    assert.ok(!heuristicIds(out).includes(3));
    assert.ok(out.sections.some((s) => s.title.startsWith('Imported symbols')));
  });

  it('flags an unsigned executable of the corpus', async () => {
    const x86 = await readSample(join(corpus, 'macho_x86_file'));
    const out = await runOn(execute, dir, 'x86', 'executable/mach-o', x86);
    assert.ok(heuristicIds(out).includes(2));
    const header = out.sections[0]!.body as Record<string, unknown>;
    assert.equal(header.UUID, '5FB5950F-4025-3D4F-A8FB-9648C1740790');
    assert.equal(header['Entry point (file offset)'], 3728);
  });

  it('scores a hand-made implant: RWX, hidden temp dylib, reverse-shell imports, ptrace, executable stack', async () => {
    const out = await runOn(execute, dir, 'implant', 'executable/mach-o', handMade());
    const ids = heuristicIds(out);
    for (const id of [2, 4, 6, 8, 9, 10]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids}`);
    assert.ok(!ids.includes(11), 'entry point is in the RWX __TEXT');
    assert.deepEqual(out.sections.find((s) => s.heuristic?.id === 8)!.heuristic!.signatures, { socket_dup2_exec: 1 });
    assert.ok(allTags(out, 'file.lib').includes('/tmp/.cache/libupdate.dylib'));
  });

  it('tells suspicious library paths from ordinary ones', () => {
    for (const p of ['/tmp/x.dylib', '/Users/Shared/.a/b.dylib', 'libfoo.dylib', '/Library/.hidden/x.dylib']) assert.ok(suspiciousDylib(p), p);
    for (const p of ['/usr/lib/libSystem.B.dylib', '@rpath/Foo.framework/Foo', '/System/Library/Frameworks/Cocoa.framework/Versions/A/Cocoa', '@executable_path/../Frameworks/a.dylib']) {
      assert.ok(!suspiciousDylib(p), p);
    }
  });

  it('reports a file that only looks like Mach-O', async () => {
    const out = await runOn(execute, dir, 'fake', 'executable/mach-o', Buffer.from('\xca\xfe\xba\xbe\xff\xff\xff\xff', 'latin1'));
    assert.deepEqual(heuristicIds(out), [1]);
  });

  it('stays bounded on a chain-shaped export trie', () => {
    // 150000 nodes, each exporting a name one letter longer than its parent's.
    const nodes = 150_000;
    const size = 9;
    const trie = Buffer.alloc(nodes * size);
    for (let i = 0; i < nodes; i++) {
      const o = i * size;
      const next = (i + 1) * size;
      trie[o] = 2; trie[o + 1] = 0; trie[o + 2] = 0; trie[o + 3] = i + 1 < nodes ? 1 : 0; trie[o + 4] = 0x61; trie[o + 5] = 0;
      trie[o + 6] = (next & 0x7f) | 0x80; trie[o + 7] = ((next >> 7) & 0x7f) | 0x80; trie[o + 8] = (next >> 14) & 0x7f;
    }
    const header = Buffer.alloc(32 + 16);
    header.writeUInt32BE(0xcffaedfe, 0); header.writeUInt32LE(0x01000007, 4); header.writeUInt32LE(6, 12);
    header.writeUInt32LE(1, 16); header.writeUInt32LE(16, 20);
    header.writeUInt32LE(0x80000033, 32); header.writeUInt32LE(16, 36); header.writeUInt32LE(48, 40); header.writeUInt32LE(trie.length, 44);
    const started = Date.now();
    const f = parseMacho(Buffer.concat([header, trie]))!.files[0]!;
    assert.ok(Date.now() - started < 20_000);
    assert.equal(f.exports.length, 4097, 'names stop growing at 4096 characters');
    assert.equal(f.exports[3], 'aaa');
  });

  it('never throws on truncated or corrupted copies of real samples', async () => {
    let parsed = 0;
    const check = (b: Buffer) => {
      const r = parseMacho(b);
      if (r) { assert.ok(Array.isArray(r.files)); parsed++; }
    };
    let seed = 777;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (const name of ['chess', 'tiny_universal', 'macho_x86_file']) {
      const sample = await readSample(join(corpus, name));
      for (let cut = 0; cut < sample.length; cut += Math.max(1, Math.floor(sample.length / 200))) check(sample.subarray(0, cut));
      for (let i = 0; i < 200; i++) {
        const copy = Buffer.from(sample);
        for (let k = 0; k < 8; k++) copy[rand() % Math.min(copy.length, 8192)] = rand() & 0xff;
        check(copy);
      }
    }
    assert.ok(parsed > 600, `most damaged copies still give a partial result (${parsed})`);
  });
});
