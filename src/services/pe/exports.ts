// The export directory: module name, and each exported function's ordinal, name, RVA or forwarder.
import { type Bytes, cBytes, slice, u16, u32, utf8Strict } from './bytes.js';
import { DIR, type Headers } from './headers.js';
import { dllNameAt } from './imports.js';
import type { AddressMap } from './sections.js';

const MAX_EXPORTS = 16384;
const MAX_NAME = 1024;

export interface ExportedFunction {
  ordinal: number;
  name?: string;
  rva: number;
  /** File offset of the code, absent for forwarders and unmapped RVAs. */
  offset?: number;
  /** "DLL.Function" this export forwards to. */
  forwarder?: string;
}

export interface Exports { dllName?: string; timestamp: number; functions: ExportedFunction[] }

function strAt(b: Bytes, map: AddressMap, rva: number): string | undefined {
  const off = map.toOffset(rva);
  if (off === undefined) return undefined;
  const raw = cBytes(b, off, MAX_NAME);
  return raw ? utf8Strict(raw) : undefined;
}

export function parseExports(b: Bytes, h: Headers, map: AddressMap): Exports | undefined {
  const dir = h.directories[DIR.EXPORT];
  if (!dir || dir.virtualAddress === 0) return undefined;
  const start = map.toOffset(dir.virtualAddress);
  if (start === undefined) return undefined;
  const d = slice(b, start, dir.size);
  if (d.length < 40) return undefined;
  const [timestamp, name, base, nFuncs, nNames, aFuncs, aNames, aOrds] =
    [4, 12, 16, 20, 24, 28, 32, 36].map((x) => u32(d, x)!);
  const dllName = dllNameAt(b, map, name);
  if (aFuncs === 0) return { dllName, timestamp, functions: [] };

  const numFuncs = Math.min(nFuncs, MAX_EXPORTS);
  const numNames = Math.min(nNames, MAX_EXPORTS);
  const functions: ExportedFunction[] = [];
  const fOff = map.toOffset(aFuncs);
  if (fOff !== undefined) {
    for (let i = 0; i < numFuncs; i++) {
      const rva = u32(b, fOff + i * 4);
      if (rva === undefined) break;
      if (base + i > 0xffffffff) break;
      functions.push({ ordinal: base + i, rva });
    }
  }
  // The names array is all or nothing: a truncated one is ignored entirely.
  const names: number[] = [];
  const nOff = map.toOffset(aNames);
  if (nOff !== undefined && nOff + numNames * 4 <= b.length) {
    for (let i = 0; i < numNames; i++) names.push(u32(b, nOff + i * 4)!);
  }
  // First name index for each ordinal index.
  const nameIndex = new Map<number, number>();
  const oOff = map.toOffset(aOrds);
  if (oOff !== undefined) {
    for (let i = 0; i < numNames; i++) {
      const ord = u16(b, oOff + i * 2);
      if (ord === undefined) break;
      if (!nameIndex.has(ord)) nameIndex.set(ord, i);
    }
  }
  const dirEnd = dir.virtualAddress + dir.size;
  for (const f of functions) {
    const idx = nameIndex.get(f.ordinal - base);
    if (idx !== undefined && idx < names.length) f.name = strAt(b, map, names[idx]);
    if (f.rva >= dir.virtualAddress && f.rva < dirEnd) f.forwarder = strAt(b, map, f.rva);
    else f.offset = map.toOffset(f.rva);
  }
  return { dllName, timestamp, functions };
}
