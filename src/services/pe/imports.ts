// Import and delay-load import tables, and the import hashes built from them.
import { type Bytes, cBytes, hash, u32, u64, utf8Strict } from './bytes.js';
import { DIR, PE32PLUS_MAGIC, type Headers } from './headers.js';
import { ordinalName } from './ordinals.js';
import type { AddressMap } from './sections.js';

const MAX_IMPORTS = 16384;
const MAX_FUNC_NAME = 1024;
const MAX_DLL_NAME = 512;
/**
 * Thunk slots read over the whole table. Descriptors may all point at the same long array of skipped (invalid)
 * thunks, which the per-DLL and total-function limits alone would let run to 16384 x 16384 reads.
 */
const MAX_THUNK_READS = 1 << 20;

export interface ImportedFunction {
  /** Name from the hint/name table, or the resolved name of an import by ordinal ("ordN" when unknown). */
  name?: string;
  ordinal?: number;
  /** RVA of the function's slot in the import address table. */
  rva: number;
}

export interface ImportedDll { dll: string; functions: ImportedFunction[] }

interface Descriptor { name: number; nameTable: number; addressTable: number; virtualAddresses: boolean }

/** DLL names must be printable and free of characters no file name can hold. */
export function dllNameAt(b: Bytes, map: AddressMap, rva: number): string | undefined {
  const off = map.toOffset(rva);
  if (off === undefined) return undefined;
  const raw = cBytes(b, off, MAX_DLL_NAME);
  if (!raw) return undefined;
  const s = utf8Strict(raw);
  if (s === undefined || /[\x00-\x1f\x7f "*<>?|]/.test(s)) return undefined;
  return s;
}

function importByName(b: Bytes, map: AddressMap, rva: number): string | undefined {
  const off = map.toOffset(rva);
  if (off === undefined || off + 2 > b.length) return undefined;
  const raw = cBytes(b, off + 2, MAX_FUNC_NAME);
  if (!raw || raw.length === 0) return undefined;
  for (const c of raw) if (c < 0x21 || c > 0x7e) return undefined;
  return Buffer.from(raw).toString('latin1');
}

function parseTable(
  b: Bytes, h: Headers, map: AddressMap, start: number, end: number, stride: number,
  read: (o: number) => Descriptor | undefined,
): ImportedDll[] {
  const is32 = h.optional?.magic !== PE32PLUS_MAGIC;
  const size = is32 ? 4 : 8;
  const imageBase = h.optional?.imageBase ?? 0n;
  const out: ImportedDll[] = [];
  let total = 0;
  let reads = 0;
  for (let i = 0, o = start; i < MAX_IMPORTS && o + stride <= end; i++, o += stride) {
    const d = read(o);
    if (!d || d.name === 0 || (d.addressTable === 0 && d.nameTable === 0)) break;
    if (d.virtualAddresses) {
      if (imageBase > 0xffffffffn) continue;
      const base = Number(imageBase);
      d.name = Math.max(0, d.name - base);
      d.nameTable = Math.max(0, d.nameTable - base);
      d.addressTable = Math.max(0, d.addressTable - base);
    }
    const dll = dllNameAt(b, map, d.name);
    if (dll === undefined) continue;
    let thunks = d.nameTable > 0 ? map.toOffset(d.nameTable) : undefined;
    if (thunks === undefined || thunks >= b.length) thunks = map.toOffset(d.addressTable);
    if (thunks === undefined || thunks >= b.length) continue;
    const functions: ImportedFunction[] = [];
    for (let j = 0; j < MAX_IMPORTS && reads < MAX_THUNK_READS; j++, reads++) {
      const at = thunks + j * size;
      let thunk = is32 ? (u32(b, at) === undefined ? undefined : BigInt(u32(b, at)!)) : u64(b, at);
      if (thunk === undefined || thunk === 0n) break;
      const byOrdinal = is32 ? (thunk & 0x80000000n) !== 0n : (thunk & 0x8000000000000000n) !== 0n;
      // Nothing valid lies above "ordinal flag + 0xffff"; such slots are garbage, skipped but not terminating.
      if (thunk > (is32 ? 0x8000ffffn : 0x800000000000ffffn)) continue;
      const f: ImportedFunction = { rva: (d.addressTable + j * size) >>> 0 };
      if (byOrdinal) {
        f.ordinal = Number(thunk & 0xffffn);
        f.name = ordinalName(dll, f.ordinal);
      } else {
        if (d.virtualAddresses) thunk = thunk > imageBase ? thunk - imageBase : 0n;
        if (thunk <= 0xffffffffn) f.name = importByName(b, map, Number(thunk));
      }
      if (f.ordinal !== undefined || f.name !== undefined) functions.push(f);
    }
    if (functions.length) {
      total += functions.length;
      out.push({ dll, functions });
    }
    if (total >= MAX_IMPORTS) break;
  }
  return out;
}

export function parseImports(b: Bytes, h: Headers, map: AddressMap): ImportedDll[] {
  const dir = h.directories[DIR.IMPORT];
  if (!dir || dir.virtualAddress === 0) return [];
  const start = map.toOffset(dir.virtualAddress);
  if (start === undefined) return [];
  return parseTable(b, h, map, start, b.length, 20, (o) => {
    const v = [u32(b, o), u32(b, o + 12), u32(b, o + 16)];
    if (v.some((x) => x === undefined)) return undefined;
    return { nameTable: v[0]!, name: v[1]!, addressTable: v[2]!, virtualAddresses: false };
  });
}

export function parseDelayImports(b: Bytes, h: Headers, map: AddressMap): ImportedDll[] {
  const dir = h.directories[DIR.DELAY_IMPORT];
  if (!dir || dir.virtualAddress === 0) return [];
  const start = map.toOffset(dir.virtualAddress);
  if (start === undefined) return [];
  return parseTable(b, h, map, start, Math.min(b.length, start + dir.size), 32, (o) => {
    const v = [u32(b, o), u32(b, o + 4), u32(b, o + 12), u32(b, o + 16)];
    if (v.some((x) => x === undefined)) return undefined;
    // Attribute bit 0 clear: the old (Visual C++ 6) layout holding virtual addresses instead of RVAs.
    return { name: v[1]!, addressTable: v[2]!, nameTable: v[3]!, virtualAddresses: (v[0]! & 1) === 0 };
  });
}

/** "dll.function" strings as pefile builds them for the import hash: lowercase, dll extension dropped. */
export function importStrings(imports: ImportedDll[]): string[] {
  const out: string[] = [];
  for (const { dll, functions } of imports) {
    let lib = dll.toLowerCase();
    const dot = lib.lastIndexOf('.');
    if (dot > 0 && ['ocx', 'sys', 'dll'].includes(lib.slice(dot + 1))) lib = lib.slice(0, dot);
    for (const f of functions) {
      const name = f.name ?? (f.ordinal !== undefined ? ordinalName(dll, f.ordinal) : undefined);
      if (name) out.push(`${lib}.${name.toLowerCase()}`);
    }
  }
  return out;
}

/** pefile's get_imphash: MD5 of the comma-joined import strings in table order; empty when nothing is imported. */
export function imphash(imports: ImportedDll[]): string | undefined {
  const s = importStrings(imports);
  return s.length ? hash('md5', s.join(',')) : undefined;
}

/** SHA-1 of the same strings sorted, so reordering the import table does not change it. */
export function sortedImportsSha1(imports: ImportedDll[]): string | undefined {
  const s = importStrings(imports);
  return s.length ? hash('sha1', [...s].sort().join(',')) : undefined;
}
