// Mach-O symbols: the nlist table named by LC_SYMTAB, exported names from the dyld export trie, and imported
// names from the dyld bind opcodes or the chained-fixups import table. These structures are walked with offsets
// taken from the file, so every walk is bounded by its data and visits each trie node at most once.
import type { BinaryReader } from '../../sdk/index.js';
import type { LinkeditData, MachoFile, Nlist, SymtabInfo } from './types.js';

const N_STAB = 0xe0;
const N_TYPE = 0x0e;
const N_EXT = 0x01;
const N_UNDF = 0x0;
const N_ABS = 0x2;
const N_INDR = 0xa;
const N_SECT = 0xe;

/** Exported names kept, and the longest name built: a chain-shaped trie would otherwise grow names quadratically. */
const MAX_EXPORTS = 1 << 17;
const MAX_NAME = 4096;

/** A malformed structure ends the walk; what was read before it is kept. */
class Stop extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A NUL-terminated string that must end inside `end`; latin1 keeps the raw bytes. */
function terminated(buf: Buffer, off: number, end: number): string {
  const nul = buf.indexOf(0, off);
  if (off > end || nul < 0 || nul >= end) throw new Stop();
  return buf.toString('latin1', off, nul);
}

function strictUtf8(buf: Buffer, off: number, end: number): string | undefined {
  try {
    return utf8.decode(buf.subarray(off, end));
  } catch {
    return undefined;
  }
}

/** The symbols with a non-empty name; a symbol whose string does not end inside the table stops the walk. */
export function readSymtab(r: BinaryReader, t: SymtabInfo, wide: boolean): void {
  const strEnd = Math.min(t.stroff + t.strsize, 2 ** 53);
  if (t.stroff > r.size || strEnd > r.size || t.symoff > r.size) return;
  const size = wide ? 16 : 12;
  try {
    for (let i = 0; i < t.nsyms; i++) {
      const o = t.symoff + i * size;
      if (!r.has(o, size)) return;
      const n: Nlist = { n_strx: r.u32(o)!, n_type: r.u8(o + 4)!, n_sect: r.u8(o + 5)!, n_desc: r.u16(o + 6)!, n_value: r.word(o + 8, wide)! };
      const at = t.stroff + n.n_strx;
      if (n.n_strx > t.strsize) continue;
      const name = terminated(r.buf, at, strEnd);
      if (name) {
        t.entries.push(name);
        t.nlists.push(n);
      }
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
}

function uleb(buf: Buffer, pos: { o: number }, end: number): number {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.o >= end) throw new Stop();
    const b = buf[pos.o++]!;
    if (shift >= 64n) throw new Stop();
    v = (v | (BigInt(b & 0x7f) << shift)) & 0xffffffffffffffffn;
    if (!(b & 0x80)) break;
    shift += 7n;
  }
  return Number(v);
}

/** Names of the export trie at `data` (depth-first, as dyld walks it). */
function trieExports(buf: Buffer, start: number, size: number, out: string[]): void {
  const end = start + size;
  const stack: Array<{ offset: number; prefix: string }> = [{ offset: 0, prefix: '' }];
  const visited = new Set<number>();
  try {
    while (stack.length && size > 0) {
      const node = stack.pop()!;
      if (visited.has(node.offset)) continue;
      visited.add(node.offset);
      if (node.offset > size) continue;
      const pos = { o: start + node.offset };
      const terminal = uleb(buf, pos, end);
      if (terminal !== 0) {
        const flags = uleb(buf, pos, end);
        if (flags === 0x10) { uleb(buf, pos, end); uleb(buf, pos, end); }
        else if (flags === 0x08) { uleb(buf, pos, end); pos.o = terminated(buf, pos.o, end).length + pos.o + 1; }
        else uleb(buf, pos, end);
      }
      if (pos.o >= end) throw new Stop();
      const edges = buf[pos.o++]!;
      for (let i = 0; i < edges; i++) {
        const labelAt = pos.o;
        terminated(buf, labelAt, end);
        const nul = buf.indexOf(0, labelAt);
        pos.o = nul + 1;
        const child = uleb(buf, pos, end);
        const label = strictUtf8(buf, labelAt, nul);
        if (label !== undefined && node.prefix.length + label.length <= MAX_NAME) stack.push({ offset: child, prefix: node.prefix + label });
      }
      if (terminal !== 0) out.push(node.prefix);
      if (out.length >= MAX_EXPORTS) return;
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
}

export function readExports(r: BinaryReader, f: MachoFile, trie: LinkeditData | undefined): void {
  for (const area of [trie, f.dyldInfo && { dataoff: f.dyldInfo.export_off, datasize: f.dyldInfo.export_size }]) {
    if (area && r.has(area.dataoff, area.datasize)) trieExports(r.buf, area.dataoff, area.datasize, f.exports);
  }
  // Without dyld tables, the external defined symbols of the nlist table are the exports (what dyld_info does).
  if (!trie && !f.dyldInfo && f.symtab) {
    f.symtab.nlists.forEach((n, i) => {
      const t = n.n_type & N_TYPE;
      if (n.n_type & N_EXT && (t === N_SECT || t === N_ABS || t === N_INDR) && !(n.n_type & N_STAB)) f.exports.push(f.symtab!.entries[i]!);
    });
  }
}

/** Symbol names the bind opcodes name, each once across the bind, lazy and weak streams. */
function bindImports(buf: Buffer, start: number, size: number, seen: Set<string>, out: string[]): void {
  const end = start + size;
  const pos = { o: start };
  try {
    while (pos.o < end) {
      const op = buf[pos.o++]! & 0xf0;
      if (op === 0x20 || op === 0x70 || op === 0x80 || op === 0xa0 || op === 0x60) uleb(buf, pos, end);
      else if (op === 0xc0) { uleb(buf, pos, end); uleb(buf, pos, end); }
      else if (op === 0x40) {
        const at = pos.o;
        terminated(buf, at, end);
        const nul = buf.indexOf(0, at);
        pos.o = nul + 1;
        const name = strictUtf8(buf, at, nul);
        if (name !== undefined && !seen.has(name)) {
          seen.add(name);
          out.push(name);
        }
      }
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
}

/** Imports of the LC_DYLD_CHAINED_FIXUPS table. */
function chainedImports(r: BinaryReader, area: LinkeditData, out: string[]): void {
  const base = area.dataoff;
  const end = base + area.datasize;
  if (!r.has(base, 28) || base + 28 > end) return;
  const importsOffset = r.u32(base + 8)!;
  const symbolsOffset = r.u32(base + 12)!;
  const count = r.u32(base + 16)!;
  const format = r.u32(base + 20)!;
  const entry = format === 2 ? 8 : format === 3 ? 16 : 4;
  const wide = format === 3;
  const at = base + importsOffset;
  if (at + count * entry > end) return;
  try {
    for (let i = 0; i < count; i++) {
      const v = wide ? BigInt(r.u64(at + i * entry)!) : BigInt(r.u32(at + i * entry)!);
      const nameOffset = Number(wide ? (v >> 32n) & 0xffffffffn : (v >> 9n) & 0x7fffffn);
      const nameAt = base + Math.min(symbolsOffset + nameOffset, 0xffffffff);
      if (nameAt > end) continue;
      const name = terminated(r.buf, nameAt, end);
      const ok = strictUtf8(r.buf, nameAt, nameAt + Buffer.byteLength(name, 'latin1'));
      if (ok !== undefined) out.push(ok);
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
}

export function readImports(r: BinaryReader, f: MachoFile, fixups: LinkeditData | undefined): void {
  const seen = new Set<string>();
  const d = f.dyldInfo;
  if (d) {
    for (const [off, size] of [[d.bind_off, d.bind_size], [d.lazy_bind_off, d.lazy_bind_size], [d.weak_bind_off, d.weak_bind_size]] as const) {
      if (r.has(off, size)) bindImports(r.buf, off, size, seen, f.imports);
    }
  }
  if (fixups && r.has(fixups.dataoff, fixups.datasize)) chainedImports(r, fixups, f.imports);
  // Without dyld tables, the undefined symbols of the nlist table are the imports.
  if (!fixups && !d && f.symtab) {
    f.symtab.nlists.forEach((n, i) => {
      if ((n.n_type & N_TYPE) === N_UNDF && !(n.n_type & N_STAB)) f.imports.push(f.symtab!.entries[i]!);
    });
  }
}
