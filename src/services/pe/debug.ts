// The debug directory: entry types and the CodeView record naming the PDB file (RSDS for PDB 7.0, NB10 for
// PDB 2.0, MTOC for some Apple-built images).
import { type Bytes, cBytes, latin1, slice, u16, u32 } from './bytes.js';
import { DIR, type Headers } from './headers.js';
import type { AddressMap } from './sections.js';

const ENTRY_SIZE = 28;
const MAX_ENTRIES = 64;
const CODEVIEW = 2;
const MAX_PATH = 4096;

export interface DebugEntry { type: number; timestamp: number; size: number; rva: number; pointer: number }
export interface DebugInfo { entries: DebugEntry[]; pdbPath?: string; guid?: string; age?: number }

export const DEBUG_TYPES: Record<number, string> = {
  0: 'UNKNOWN', 1: 'COFF', 2: 'CODEVIEW', 3: 'FPO', 4: 'MISC', 5: 'EXCEPTION', 6: 'FIXUP', 7: 'OMAP_TO_SRC',
  8: 'OMAP_FROM_SRC', 9: 'BORLAND', 10: 'RESERVED10', 11: 'CLSID', 12: 'VC_FEATURE', 13: 'POGO', 14: 'ILTCG',
  15: 'MPX', 16: 'REPRO', 20: 'EX_DLLCHARACTERISTICS',
};

function guidString(b: Bytes, o: number): string {
  const h = (x: number, n: number) => x.toString(16).padStart(n, '0');
  const tail = Array.from(slice(b, o + 8, 8), (x) => h(x, 2)).join('');
  return `${h(u32(b, o)!, 8)}-${h(u16(b, o + 4)!, 4)}-${h(u16(b, o + 6)!, 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`.toUpperCase();
}

export function parseDebug(b: Bytes, h: Headers, map: AddressMap): DebugInfo | undefined {
  const dir = h.directories[DIR.DEBUG];
  if (!dir || dir.virtualAddress === 0) return undefined;
  const start = map.toOffset(dir.virtualAddress);
  if (start === undefined) return undefined;
  const d = slice(b, start, dir.size);
  const info: DebugInfo = { entries: [] };
  for (let o = 0; o + ENTRY_SIZE <= d.length && info.entries.length < MAX_ENTRIES; o += ENTRY_SIZE) {
    const e: DebugEntry = { timestamp: u32(d, o + 4)!, type: u32(d, o + 12)!, size: u32(d, o + 16)!, rva: u32(d, o + 20)!, pointer: u32(d, o + 24)! };
    info.entries.push(e);
    if (e.type !== CODEVIEW || info.pdbPath !== undefined) continue;
    // The record is found by RVA when that maps into the file, else by its raw file pointer.
    let at = e.rva !== 0 ? map.toOffset(e.rva) : undefined;
    if (at === undefined) at = e.pointer;
    if (!at || at >= b.length) continue;
    const sig = u32(b, at);
    const skip = sig === 0x53445352 ? 24 : sig === 0x3031424e ? 16 : sig === 0x434f544d ? 20 : -1;
    if (skip < 0 || at + skip > b.length) continue;
    const path = cBytes(b, at + skip, MAX_PATH);
    if (path === undefined && at + skip < b.length) continue;
    info.pdbPath = path ? latin1(path) : '';
    if (sig === 0x53445352) {
      info.guid = guidString(b, at + 4);
      info.age = u32(b, at + 20);
    }
  }
  return info;
}
