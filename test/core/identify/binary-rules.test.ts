// Unit tests for the header-based rules, on small files built in memory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rc4 } from '../../../src/core/cart/rc4.js';
import { createIdentifier, type Identifier } from '../../../src/core/identify/index.js';
import { buildCfb, buildPe, buildZip } from './test-support.js';

let identifier: Identifier;
const typeOf = (data: Uint8Array, extra: { size?: number; path?: string } = {}) =>
  identifier.identify(data, { size: extra.size ?? data.length, path: extra.path }).type;

before(async () => {
  identifier = await createIdentifier();
});

describe('PE', () => {
  it('distinguishes PE32, PE32+ and DLLs by optional header and characteristics', () => {
    assert.equal(typeOf(buildPe({ bits: 32 })), 'executable/windows/pe32');
    assert.equal(typeOf(buildPe({ bits: 64 })), 'executable/windows/pe64');
    assert.equal(typeOf(buildPe({ bits: 32, dll: true })), 'executable/windows/dll32');
    assert.equal(typeOf(buildPe({ bits: 64, dll: true })), 'executable/windows/dll64');
  });

  it('gives .NET assemblies the PE labels by default, as Assemblyline does', () => {
    assert.equal(typeOf(buildPe({ bits: 32, dotnet: true })), 'executable/windows/pe32');
    assert.equal(typeOf(buildPe({ bits: 64, dll: true, dotnet: true })), 'executable/windows/dll64');
  });

  it('treats a CLI header with a zeroed size as .NET, as the loader does', async () => {
    const withDotnet = await createIdentifier({ dotnetLabel: true });
    const pe = buildPe({ bits: 32, dotnet: true });
    pe.writeUInt32LE(0, 0x80 + 24 + 92 + 4 + 14 * 8 + 4);
    assert.equal(withDotnet.identify(pe, { size: pe.length }).type, 'executable/windows/dotnet');
  });

  it('labels .NET assemblies executable/windows/dotnet when asked to', async () => {
    const withDotnet = await createIdentifier({ dotnetLabel: true });
    const pe = buildPe({ bits: 32, dotnet: true });
    assert.equal(withDotnet.identify(pe, { size: pe.length }).type, 'executable/windows/dotnet');
    const native = buildPe({ bits: 32 });
    assert.equal(withDotnet.identify(native, { size: native.length }).type, 'executable/windows/pe32');
  });

  it('falls back to the machine type when the optional header magic is damaged', () => {
    const pe = buildPe({ bits: 64 });
    pe.writeUInt16LE(0, 0x80 + 24);
    assert.equal(typeOf(pe), 'executable/windows/pe64');
    pe.writeUInt16LE(0x1234, 0x80 + 4);
    assert.equal(typeOf(pe), 'executable/windows/pe');
  });

  it('reads NT headers placed beyond the header bytes through the path', () => {
    const pe = Buffer.alloc(0x3000);
    buildPe({ bits: 32, dll: true }).copy(pe, 0x2000, 0x80);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x2000, 0x3c);
    const dir = mkdtempSync(join(tmpdir(), 'identify-'));
    try {
      const path = join(dir, 'far.dll');
      writeFileSync(path, pe);
      assert.equal(typeOf(pe.subarray(0, 0x1000), { size: pe.length, path }), 'executable/windows/dll32');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ELF and Mach-O', () => {
  const elf = (bits: 32 | 64, type: number) => {
    const b = Buffer.alloc(bits === 64 ? 64 : 52);
    b.write('\x7fELF', 0, 'latin1');
    b[4] = bits === 64 ? 2 : 1;
    b[5] = 1;
    b[6] = 1;
    b.writeUInt16LE(type, 16);
    b.writeUInt16LE(bits === 64 ? 0x3e : 3, 18);
    return b;
  };

  it('labels executables, shared objects and relocatable objects', () => {
    assert.equal(typeOf(elf(64, 2)), 'executable/linux/elf64');
    assert.equal(typeOf(elf(32, 2)), 'executable/linux/elf32');
    assert.equal(typeOf(elf(64, 3)), 'executable/linux/so64');
    assert.equal(typeOf(elf(32, 1)), 'executable/linux/elf32');
  });

  it('labels ET_DYN objects flagged DF_1_PIE as PIE executables', () => {
    const b = Buffer.alloc(0x200);
    elf(64, 3).copy(b);
    b.writeUInt32LE(0x40, 0x20); // e_phoff
    b.writeUInt16LE(56, 0x36); // e_phentsize
    b.writeUInt16LE(1, 0x38); // e_phnum
    b.writeUInt32LE(2, 0x40); // PT_DYNAMIC
    b.writeUInt32LE(0x100, 0x48); // p_offset
    b.writeUInt32LE(32, 0x60); // p_filesz
    b.writeUInt32LE(0x6ffffffb, 0x100); // DT_FLAGS_1
    b.writeUInt32LE(0x08000000, 0x108); // DF_1_PIE
    assert.equal(typeOf(b), 'executable/linux/pie64');
  });

  it('tells universal Mach-O binaries from Java classes sharing 0xCAFEBABE', () => {
    const fat = Buffer.from('cafebabe00000002' + '00'.repeat(56), 'hex');
    assert.equal(typeOf(fat), 'executable/mach-o');
    const thin = Buffer.from('cffaedfe07000001030000000200000000000000' + '00'.repeat(44), 'hex');
    assert.equal(typeOf(thin), 'executable/mach-o');
    const java = Buffer.from('cafebabe00000034001d0a0006000f09001000110800120a' + '00'.repeat(40), 'hex');
    assert.equal(typeOf(java), 'java/class');
  });
});

describe('OLE compound files', () => {
  it('labels by root CLSID', () => {
    const cases: [string, string][] = [
      ['00020906-0000-0000-C000-000000000046', 'document/office/word'],
      ['00020820-0000-0000-C000-000000000046', 'document/office/excel'],
      ['64818D10-4F9B-11CF-86EA-00AA00B929E8', 'document/office/powerpoint'],
      ['000C1084-0000-0000-C000-000000000046', 'document/installer/windows'],
      ['00020D0B-0000-0000-C000-000000000046', 'document/office/email'],
      ['0003000C-0000-0000-C000-000000000046', 'document/office/package'],
    ];
    for (const [clsid, label] of cases) {
      assert.equal(typeOf(buildCfb([{ name: 'Contents' }], clsid)), label, clsid);
    }
  });

  it('labels by top-level stream names', () => {
    assert.equal(typeOf(buildCfb([{ name: 'WordDocument' }, { name: '1Table' }])), 'document/office/word');
    assert.equal(typeOf(buildCfb([{ name: 'Workbook' }])), 'document/office/excel');
    assert.equal(typeOf(buildCfb([{ name: 'Current User' }, { name: 'PowerPoint Document' }])), 'document/office/powerpoint');
    assert.equal(typeOf(buildCfb([{ name: '__substg1.0_0037001F' }, { name: '__properties_version1.0' }])), 'document/office/email');
    assert.equal(typeOf(buildCfb([{ name: 'EncryptionInfo' }, { name: 'EncryptedPackage' }])), 'document/office/passwordprotected');
    assert.equal(typeOf(buildCfb([{ name: 'Something' }])), 'document/office/unknown');
  });

  it('detects password-protected Word and Excel binaries', () => {
    const fib = Buffer.alloc(4096);
    fib.writeUInt16LE(0xa5ec, 0);
    assert.equal(typeOf(buildCfb([{ name: 'WordDocument', data: fib }])), 'document/office/word');
    fib.writeUInt16LE(0x0100, 0x0a);
    assert.equal(typeOf(buildCfb([{ name: 'WordDocument', data: fib }])), 'document/office/passwordprotected');
    const book = Buffer.alloc(4096);
    book.writeUInt16LE(0x0809, 0); // BOF
    book.writeUInt16LE(16, 2);
    book.writeUInt16LE(0x002f, 20); // FILEPASS
    assert.equal(typeOf(buildCfb([{ name: 'Workbook', data: book }])), 'document/office/passwordprotected');
  });

  it('degrades to a name scan when the directory lies beyond a truncated header', () => {
    const cfb = buildCfb([{ name: 'WordDocument' }]);
    // Move the directory sector far away: point the header at a sector outside the bytes we pass.
    const header = Buffer.from(cfb.subarray(0, 1024 + 512));
    header.writeUInt32LE(400, 0x30);
    assert.equal(typeOf(header, { size: 600 * 512 }), 'document/office/word');
  });
});

describe('zip-based formats', () => {
  const ooxml = (dir: string) =>
    buildZip({
      '[Content_Types].xml': '<Types/>',
      '_rels/.rels': '<Relationships/>',
      [`${dir}/document.xml`]: '<x/>',
    });

  it('labels Office Open XML by its part folders', () => {
    assert.equal(typeOf(ooxml('word')), 'document/office/word');
    assert.equal(typeOf(ooxml('xl')), 'document/office/excel');
    assert.equal(typeOf(ooxml('ppt')), 'document/office/powerpoint');
    assert.equal(typeOf(ooxml('visio')), 'document/office/visio');
    assert.equal(typeOf(ooxml('custom')), 'document/office/unknown');
  });

  it('labels Java and Android packages, and leaves other zips as archive/zip', () => {
    assert.equal(typeOf(buildZip({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n', 'a/B.class': 'x' })), 'java/jar');
    assert.equal(
      typeOf(buildZip({ 'META-INF/MANIFEST.MF': 'x', 'AndroidManifest.xml': 'x', 'classes.dex': 'x' })),
      'android/apk',
    );
    assert.equal(typeOf(buildZip({ 'readme.txt': 'hello', 'data.bin': 'x' })), 'archive/zip');
  });

  it('reads member names from local headers when the end of the file is missing', () => {
    const zip = ooxml('word');
    const cut = zip.subarray(0, zip.indexOf(Buffer.from('PK\x01\x02', 'latin1')));
    assert.equal(typeOf(cut, { size: zip.length + 100000 }), 'document/office/word');
  });
});

describe('CaRT', () => {
  const KEY = Buffer.from([3, 1, 4, 1, 5, 9, 2, 6, 3, 1, 4, 1, 5, 9, 2, 6]);
  const cart = (meta: object | undefined, opts: { version?: number; key?: Buffer } = {}) => {
    const opt = meta ? Buffer.from(rc4(opts.key ?? KEY, Buffer.from(JSON.stringify(meta)))) : Buffer.alloc(0);
    const h = Buffer.alloc(38);
    h.write('CART', 0, 'latin1');
    h.writeUInt16LE(opts.version ?? 1, 4);
    (opts.key ?? KEY).copy(h, 14);
    h.writeUInt32LE(opt.length, 30);
    return Buffer.concat([h, opt, Buffer.alloc(64, 0x55), Buffer.from('TRAC', 'latin1'), Buffer.alloc(24)]);
  };

  it('labels CaRT containers archive/cart', () => {
    assert.equal(typeOf(cart({ name: 'sample.exe' })), 'archive/cart');
    assert.equal(typeOf(cart(undefined)), 'archive/cart');
  });

  it('uses the type recorded in the CaRT metadata', () => {
    assert.equal(typeOf(cart({ name: 'x', al: { type: 'executable/windows/pe32' } })), 'executable/windows/pe32');
  });

  it('reports damaged CaRT headers as corrupted/cart', () => {
    assert.equal(typeOf(cart({ name: 'x' }, { version: 2 })), 'corrupted/cart');
  });

  it('does not try to read metadata protected by a private key', () => {
    const c = cart({ name: 'x' });
    c.fill(0, 14, 30);
    assert.equal(typeOf(c), 'archive/cart');
  });
});

describe('disk images', () => {
  it('recognises a UDIF trailer read through the path', () => {
    const img = Buffer.alloc(8192, 0x11);
    img.write('koly\0\0\0\x04\0\0\x02\0', img.length - 512, 'latin1');
    const dir = mkdtempSync(join(tmpdir(), 'identify-'));
    try {
      const path = join(dir, 'image.dmg');
      writeFileSync(path, img);
      assert.equal(typeOf(img.subarray(0, 1024), { size: img.length, path }), 'archive/dmg');
      assert.equal(typeOf(img), 'archive/dmg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

after(() => {
  // Nothing to release: libmagic instances are garbage-collected with the identifier.
});
