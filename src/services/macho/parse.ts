// Mach-O structure: thin images (header and load commands: segments with their sections, dylibs, entry point,
// UUID, versions, symbol and dyld tables, code signature) and universal ("fat") containers whose slices are
// parsed one by one. Every read is bounds-checked; a load command that does not fit ends the walk and what was
// read so far is kept.
//
// Where there is a choice, values follow YARA's macho module (the test oracle): the entry point is a file
// offset (LC_MAIN's entryoff, or LC_UNIXTHREAD's program counter mapped through the segments, which wins when
// both are present), and the UUID is printed with trailing zero bytes trimmed.
import { BinaryReader } from '../../sdk/binary-reader.js';
import { readExports, readImports, readSymtab } from './symbols.js';
import { parseSignature } from './signature.js';
import type { Dysymtab, FatArch, LinkeditData, MachoFile, MachoInfo, MachoSegment } from './types.js';

export const LC = {
  SEGMENT: 0x1, SYMTAB: 0x2, UNIXTHREAD: 0x5, DYSYMTAB: 0xb, LOAD_DYLIB: 0xc, ID_DYLIB: 0xd, LOAD_DYLINKER: 0xe,
  ID_DYLINKER: 0xf, LOAD_WEAK_DYLIB: 0x80000018, SEGMENT_64: 0x19, UUID: 0x1b, RPATH: 0x8000001c, CODE_SIGNATURE: 0x1d,
  REEXPORT_DYLIB: 0x8000001f, LAZY_LOAD_DYLIB: 0x20, DYLD_INFO: 0x22, DYLD_INFO_ONLY: 0x80000022, LOAD_UPWARD_DYLIB: 0x80000023,
  VERSION_MIN_MACOSX: 0x24, VERSION_MIN_IPHONEOS: 0x25, DYLD_ENVIRONMENT: 0x27, MAIN: 0x80000028, SOURCE_VERSION: 0x2a,
  LINKER_OPTION: 0x2d, VERSION_MIN_TVOS: 0x2f, VERSION_MIN_WATCHOS: 0x30, BUILD_VERSION: 0x32,
  DYLD_EXPORTS_TRIE: 0x80000033, DYLD_CHAINED_FIXUPS: 0x80000034,
} as const;

const DYLIB_COMMANDS = new Set<number>([LC.LOAD_DYLIB, LC.ID_DYLIB, LC.LOAD_WEAK_DYLIB, LC.REEXPORT_DYLIB, LC.LAZY_LOAD_DYLIB, LC.LOAD_UPWARD_DYLIB]);
const MIN_VERSION_DEVICES: Record<number, string> = { 0x24: 'MACOSX', 0x25: 'IPHONEOS', 0x2f: 'TVOS', 0x30: 'WATCHOS' };
const THIN_MAGICS = new Set([0xfeedface, 0xcefaedfe, 0xfeedfacf, 0xcffaedfe]);
const FAT_MAGICS = new Set([0xcafebabe, 0xbebafeca, 0xcafebabf, 0xbfbafeca]);

export const version = (v: number) => `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;

/** Parses a thin or universal Mach-O; undefined when the magic or the fat header is not usable. */
export function parseMacho(buf: Buffer): MachoInfo | undefined {
  if (buf.length < 4) return undefined;
  const magic = buf.readUInt32BE(0);
  if (FAT_MAGICS.has(magic)) return parseFat(buf, magic);
  const file = parseMachoFile(buf);
  return file ? { files: [file] } : undefined;
}

function parseFat(buf: Buffer, magic: number): MachoInfo | undefined {
  const r = new BinaryReader(buf, magic === 0xbebafeca || magic === 0xbfbafeca);
  const wide = magic === 0xcafebabf || magic === 0xbfbafeca;
  const n = r.u32(4);
  const entry = wide ? 32 : 20;
  if (n === undefined || !r.has(8, n * entry)) return undefined;
  const archs: FatArch[] = [];
  const files: MachoInfo['files'] = [];
  for (let i = 0; i < n; i++) {
    const o = 8 + i * entry;
    archs.push({
      cputype: r.u32(o)!, cpusubtype: r.u32(o + 4)!, offset: r.word(o + 8, wide)!, size: r.word(wide ? o + 16 : o + 12, wide)!,
      align: r.u32(wide ? o + 24 : o + 16)!, reserved: wide ? r.u32(o + 28)! : 0,
    });
  }
  archs.forEach((a, i) => {
    const end = Math.min(a.offset + a.size, Number.MAX_SAFE_INTEGER);
    if (a.offset > buf.length || end > buf.length) return;
    const file = parseMachoFile(buf.subarray(a.offset, end));
    if (file) files.push({ ...file, arch: i });
  });
  return { fat: { magic, archs }, files };
}

/** One thin Mach-O image. */
export function parseMachoFile(buf: Buffer): MachoFile | undefined {
  if (buf.length < 4) return undefined;
  const magic = buf.readUInt32BE(0);
  if (!THIN_MAGICS.has(magic)) return undefined;
  const little = magic === 0xcefaedfe || magic === 0xcffaedfe;
  const wide = magic === 0xfeedfacf || magic === 0xcffaedfe;
  const r = new BinaryReader(buf, little);
  if (!r.has(4, wide ? 28 : 24)) return undefined;
  const f: MachoFile = {
    magic, bits: wide ? 64 : 32, littleEndian: little,
    cputype: r.u32(4)!, cpusubtype: r.u32(8)!, filetype: r.u32(12)!, ncmds: r.u32(16)!, sizeofcmds: r.u32(20)!, flags: r.u32(24)!,
    reserved: wide ? r.u32(28) : undefined,
    commands: [], segments: [], dylibs: [], rpaths: [], linkerOptions: [], exports: [], imports: [], warnings: [],
  };
  let entryAddress: number | undefined;
  let exportsTrie: LinkeditData | undefined;
  let chainedFixups: LinkeditData | undefined;
  let at = wide ? 32 : 28;
  for (let i = 0; i < f.ncmds; i++) {
    const cmd = r.u32(at);
    const size = r.u32(at + 4);
    if (cmd === undefined || size === undefined || !r.has(at + 8, Math.max(size - 8, 0))) {
      f.warnings.push(`load command ${i} of ${f.ncmds} runs past the end of the file`);
      break;
    }
    const body = new BinaryReader(buf.subarray(at + 8, at + 8 + Math.max(size - 8, 0)), little);
    f.commands.push({ cmd, size });
    at += 8 + Math.max(size - 8, 0);
    switch (cmd) {
      case LC.MAIN:
        if (body.has(0, 16)) { f.entryPoint = body.u64(0); f.stackSize = body.u64(8); }
        break;
      case LC.UNIXTHREAD:
        entryAddress = threadPc(body, f.cputype) ?? entryAddress;
        break;
      case LC.SEGMENT:
      case LC.SEGMENT_64: {
        const seg = segment(body, wide);
        if (seg) f.segments.push(seg);
        break;
      }
      case LC.RPATH:
        if (body.has(0, 4)) f.rpaths.push(body.cstring(4, body.size, 'latin1')!);
        break;
      case LC.SOURCE_VERSION:
        if (body.has(0, 8)) f.sourceVersion = sourceVersion(body.buf, little);
        break;
      case LC.ID_DYLINKER:
      case LC.LOAD_DYLINKER:
      case LC.DYLD_ENVIRONMENT:
        if (body.has(0, 4)) f.dynamicLinker = body.cstring(4, body.size, 'latin1');
        break;
      case LC.SYMTAB:
        if (body.has(0, 16)) f.symtab = { symoff: body.u32(0)!, nsyms: body.u32(4)!, stroff: body.u32(8)!, strsize: body.u32(12)!, entries: [], nlists: [] };
        break;
      case LC.DYSYMTAB:
        if (body.has(0, 64)) f.dysymtab = dysymtab(body);
        break;
      case LC.CODE_SIGNATURE:
        if (body.has(0, 8)) f.codeSignatureData = { dataoff: body.u32(0)!, datasize: body.u32(4)! };
        break;
      case LC.DYLD_EXPORTS_TRIE:
        if (body.has(0, 8)) exportsTrie = { dataoff: body.u32(0)!, datasize: body.u32(4)! };
        break;
      case LC.DYLD_CHAINED_FIXUPS:
        if (body.has(0, 8)) chainedFixups = { dataoff: body.u32(0)!, datasize: body.u32(4)! };
        break;
      case LC.DYLD_INFO:
      case LC.DYLD_INFO_ONLY:
        if (body.has(0, 40)) {
          const v = Array.from({ length: 10 }, (_, k) => body.u32(k * 4)!);
          f.dyldInfo = {
            rebase_off: v[0]!, rebase_size: v[1]!, bind_off: v[2]!, bind_size: v[3]!, weak_bind_off: v[4]!, weak_bind_size: v[5]!,
            lazy_bind_off: v[6]!, lazy_bind_size: v[7]!, export_off: v[8]!, export_size: v[9]!,
          };
        }
        break;
      case LC.UUID:
        if (body.has(0, 16)) f.uuid = uuid(body.buf.subarray(0, 16));
        break;
      case LC.BUILD_VERSION:
        buildVersion(body, f);
        break;
      case LC.VERSION_MIN_MACOSX:
      case LC.VERSION_MIN_IPHONEOS:
      case LC.VERSION_MIN_TVOS:
      case LC.VERSION_MIN_WATCHOS:
        if (body.has(0, 8)) f.minVersion = { device: MIN_VERSION_DEVICES[cmd]!, version: version(body.u32(0)!), sdk: version(body.u32(4)!) };
        break;
      case LC.LINKER_OPTION:
        f.linkerOptions.push(...linkerOptions(body));
        break;
      default:
        if (DYLIB_COMMANDS.has(cmd) && body.has(0, 16)) {
          f.dylibs.push({
            command: cmd, name: body.cstring(16, body.size, 'latin1')!, timestamp: body.u32(4)!,
            currentVersion: version(body.u32(8)!), compatibilityVersion: version(body.u32(12)!),
          });
        }
    }
  }
  const fr = new BinaryReader(buf, little);
  if (f.symtab) readSymtab(fr, f.symtab, wide);
  if (entryAddress !== undefined) f.entryPoint = addressToOffset(f, entryAddress);
  if (f.codeSignatureData) f.codeSignature = parseSignature(buf, f.codeSignatureData);
  readExports(fr, f, exportsTrie);
  readImports(fr, f, chainedFixups);
  return f;
}

/** Maps a virtual address to a file offset through the first segment that covers it. */
export function addressToOffset(f: MachoFile, addr: number): number | undefined {
  for (const s of f.segments) {
    if (s.vmaddr + s.vmsize > 2 ** 64) return undefined;
    if (addr >= s.vmaddr && addr < s.vmaddr + s.vmsize) return s.fileoff + (addr - s.vmaddr);
  }
  return undefined;
}

function segment(b: BinaryReader, wide: boolean): MachoSegment | undefined {
  const ws = wide ? 8 : 4;
  const head = 16 + 4 * ws + 16;
  if (!b.has(0, head)) return undefined;
  const seg: MachoSegment = {
    segname: name16(b.buf, 0), vmaddr: b.word(16, wide)!, vmsize: b.word(16 + ws, wide)!, fileoff: b.word(16 + 2 * ws, wide)!,
    filesize: b.word(16 + 3 * ws, wide)!, maxprot: b.u32(16 + 4 * ws)!, initprot: b.u32(20 + 4 * ws)!,
    nsects: b.u32(24 + 4 * ws)!, flags: b.u32(28 + 4 * ws)!, sections: [],
  };
  const size = 32 + 2 * ws + 28 + (wide ? 4 : 0);
  // All sections must be there: a segment whose section list is cut short is not trusted at all.
  if (!b.has(head, seg.nsects * size)) return undefined;
  for (let i = 0; i < seg.nsects; i++) {
    const o = head + i * size;
    const p = o + 32 + 2 * ws;
    seg.sections.push({
      sectname: name16(b.buf, o), segname: name16(b.buf, o + 16), addr: b.word(o + 32, wide)!, size: b.word(o + 32 + ws, wide)!,
      offset: b.u32(p)!, align: b.u32(p + 4)!, reloff: b.u32(p + 8)!, nreloc: b.u32(p + 12)!, flags: b.u32(p + 16)!,
      reserved1: b.u32(p + 20)!, reserved2: b.u32(p + 24)!, ...(wide ? { reserved3: b.u32(p + 28)! } : {}),
    });
  }
  return seg;
}

/** A 16-byte name field with its trailing NULs removed (inner NULs are kept, as the bytes are). */
function name16(buf: Buffer, off: number): string {
  return buf.toString('latin1', off, off + 16).replace(/\0+$/, '');
}

function uuid(bytes: Buffer): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  let s = '';
  for (let i = 0; i < end; i++) s += bytes[i]!.toString(16).toUpperCase().padStart(2, '0') + ([3, 5, 7, 9].includes(i) ? '-' : '');
  return s;
}

function sourceVersion(b: Buffer, little: boolean): string {
  const v = little ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0);
  const part = (shift: bigint, mask: bigint) => ((v >> shift) & mask).toString();
  return [part(40n, 0xffffffn), part(30n, 0x3fn), part(20n, 0x3fn), part(10n, 0x3fn), part(0n, 0x3fn)].join('.');
}

function dysymtab(b: BinaryReader): Dysymtab {
  const v = Array.from({ length: 18 }, (_, k) => b.u32(k * 4));
  const [ilocalsym, nlocalsym, iextdefsym, nextdefsym, iundefsym, nundefsym, tocoff, ntoc, modtaboff, nmodtab, extrefsymoff,
    nextrefsyms, indirectsymoff, nindirectsyms, extreloff, nextrel, locreloff, nlocrel] = v;
  return {
    ilocalsym: ilocalsym!, nlocalsym: nlocalsym!, iextdefsym: iextdefsym!, nextdefsym: nextdefsym!, iundefsym: iundefsym!,
    nundefsym: nundefsym!, tocoff: tocoff!, ntoc: ntoc!, modtaboff: modtaboff!, nmodtab: nmodtab!, extrefsymoff: extrefsymoff!,
    nextrefsyms: nextrefsyms!, indirectsymoff: indirectsymoff!, nindirectsyms: nindirectsyms!, extreloff: extreloff!, nextrel: nextrel!,
    locreloff, nlocrel,
  };
}

function buildVersion(b: BinaryReader, f: MachoFile): void {
  const ntools = b.u32(12);
  if (ntools === undefined || !b.has(16, ntools * 8)) return;
  const tools = Array.from({ length: ntools }, (_, i) => {
    const v = b.u32(20 + i * 8)!;
    return { tool: b.u32(16 + i * 8)!, version: `${v >>> 16}.${(v >>> 8) & 0xff}` };
  });
  f.buildVersion = { platform: b.u32(0)!, minos: version(b.u32(4)!), sdk: version(b.u32(8)!), tools };
}

/** LC_LINKER_OPTION strings: `count` NUL-terminated strings; a list cut short is dropped whole. */
function linkerOptions(b: BinaryReader): string[] {
  const count = b.u32(0);
  if (count === undefined || count > b.size - 4) return [];
  const out: string[] = [];
  let o = 4;
  for (let i = 0; i < count; i++) {
    const nul = b.buf.indexOf(0, o);
    if (nul < 0) return [];
    out.push(b.buf.toString('latin1', o, nul));
    o = nul + 1;
  }
  return out;
}

/** The program counter of an LC_UNIXTHREAD state, by CPU; unknown CPUs give 0, as YARA reads them. */
function threadPc(b: BinaryReader, cputype: number): number | undefined {
  const s = 8; // flavor and count
  const need = (n: number, v: () => number | undefined) => (b.has(s, n) ? v() : undefined);
  switch (cputype) {
    case 0x7: return need(64, () => b.u32(s + 40));
    case 0x01000007: return need(168, () => b.u64(s + 128));
    case 0xc: return need(68, () => b.u32(s + 60));
    case 0x0100000c: return need(268, () => b.u64(s + 256));
    case 0x12: return need(160, () => b.u32(s));
    case 0x01000012: return need(8 * 38 + 4, () => b.u64(s));
    case 0xe: return need(72, () => b.u32(s + 4));
    case 0x6: return need(72, () => b.u32(s + 68));
    case 0xd: return need(136, () => b.u32(s + 124));
    default: return b.has(0, 8) ? 0 : undefined;
  }
}
