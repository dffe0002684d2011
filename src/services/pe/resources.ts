// The resource tree (type / name / language → data) and the version information strings.
import { type Bytes, slice, u16, u32, utf16 } from './bytes.js';
import { DIR, type Headers } from './headers.js';
import type { AddressMap } from './sections.js';

const MAX_RESOURCES = 65536;
/** Directory entries visited across the whole tree: stops trees that point back at themselves. */
const MAX_VISITS = 200_000;

export type ResourceId = number | string | undefined;

export interface Resource {
  type: ResourceId;
  name: ResourceId;
  language: ResourceId;
  rva: number;
  offset?: number;
  size: number;
}

export interface ResourceTree { timestamp: number; major: number; minor: number; resources: Resource[] }

export const RESOURCE_TYPES: Record<number, string> = {
  1: 'CURSOR', 2: 'BITMAP', 3: 'ICON', 4: 'MENU', 5: 'DIALOG', 6: 'STRING', 7: 'FONTDIR', 8: 'FONT', 9: 'ACCELERATOR',
  10: 'RCDATA', 11: 'MESSAGETABLE', 12: 'GROUP_CURSOR', 14: 'GROUP_ICON', 16: 'VERSION', 17: 'DLGINCLUDE',
  19: 'PLUGPLAY', 20: 'VXD', 21: 'ANICURSOR', 22: 'ANIICON', 23: 'HTML', 24: 'MANIFEST',
};

export const typeName = (t: ResourceId): string =>
  typeof t === 'number' ? RESOURCE_TYPES[t] ?? `#${t}` : typeof t === 'string' ? t : '?';

export function parseResources(b: Bytes, h: Headers, map: AddressMap): ResourceTree | undefined {
  const dir = h.directories[DIR.RESOURCE];
  if (!dir) return undefined;
  const base = map.toOffset(dir.virtualAddress);
  if (base === undefined || base >= b.length) return undefined;
  const rsrc = b.subarray(base);
  const tree: ResourceTree = { timestamp: 0, major: 0, minor: 0, resources: [] };
  const queue: Array<{ level: number; ids: [ResourceId, ResourceId, ResourceId]; at: number }> =
    [{ level: 0, ids: [undefined, undefined, undefined], at: 0 }];
  let visits = 0;
  for (let q = 0; q < queue.length; q++) {
    const { level, ids, at } = queue[q];
    const characteristics = u32(rsrc, at);
    const named = u16(rsrc, at + 12);
    const byId = u16(rsrc, at + 14);
    if (characteristics !== 0 || named === undefined || byId === undefined || named > 32768 || byId > 32768) continue;
    if (level === 0) tree.timestamp = u32(rsrc, at + 4)!, tree.major = u16(rsrc, at + 8)!, tree.minor = u16(rsrc, at + 10)!;
    const count = named + byId;
    for (let i = 0; i < count; i++) {
      if (++visits > MAX_VISITS) return tree;
      const e = at + 16 + i * 8;
      const nameOrId = u32(rsrc, e);
      let offset = u32(rsrc, e + 4);
      if (nameOrId === undefined || offset === undefined) break;
      const isDir = offset >= 0x80000000;
      if (isDir) offset -= 0x80000000;
      if (offset <= 0 || offset >= rsrc.length) continue;
      const id = entryId(rsrc, nameOrId);
      let next: [ResourceId, ResourceId, ResourceId];
      if (level === 0) next = [id, undefined, undefined];
      else if (level === 1) next = [ids[0], id, undefined];
      else if (level === 2) {
        if (typeof id === 'number' && id > 0xfffff) continue;
        next = [ids[0], ids[1], id];
      } else continue;
      if (isDir) queue.push({ level: level + 1, ids: next, at: offset });
      // A data entry: RVA of the data, its size, code page, reserved.
      const dataRva = u32(rsrc, offset);
      const size = u32(rsrc, offset + 4);
      if (dataRva === undefined || size === undefined || u32(rsrc, offset + 12) === undefined) continue;
      if (size > 0 && dataRva > 0 && size < 0x3fffffff) {
        tree.resources.push({ type: next[0], name: next[1], language: next[2], rva: dataRva, offset: map.toOffset(dataRva), size });
        if (tree.resources.length === MAX_RESOURCES) return tree;
      }
    }
  }
  return tree.resources.length ? tree : undefined;
}

function entryId(rsrc: Bytes, nameOrId: number): ResourceId {
  if (nameOrId < 0x80000000) return nameOrId;
  const at = nameOrId - 0x80000000;
  const len = u16(rsrc, at);
  if (len === undefined || len >= 1000 || at + 2 + len * 2 > rsrc.length) return undefined;
  return utf16(rsrc, at + 2, len);
}

/** Bytes of a resource, clamped to the file. */
export const resourceData = (b: Bytes, r: Resource): Bytes => (r.offset === undefined ? b.subarray(0, 0) : slice(b, r.offset, r.size));

/**
 * Key/value strings of a VS_VERSIONINFO block (StringFileInfo → string tables → strings). Each node is
 * length, value length, type, a NUL-terminated UTF-16 key, padding to 4 bytes, the value, then child nodes.
 */
export function parseVersionInfo(data: Bytes): Record<string, string> {
  const out: Record<string, string> = {};
  const node = (at: number, end: number) => {
    const length = u16(data, at);
    const valueLength = u16(data, at + 2);
    const type = u16(data, at + 4);
    if (length === undefined || valueLength === undefined || type === undefined || length < 6) return undefined;
    const nodeEnd = Math.min(end, at + length);
    let k = at + 6;
    while (k + 1 < nodeEnd && (data[k] | data[k + 1]) !== 0) k += 2;
    const key = utf16(data, at + 6, (k - at - 6) / 2);
    const valueAt = (k + 2 + 3) & ~3;
    return { key, valueLength, type, valueAt, nodeEnd };
  };
  const children = (from: number, end: number, visit: (at: number) => void) => {
    let at = (from + 3) & ~3;
    for (let guard = 0; at + 6 <= end && guard < 4096; guard++) {
      const len = u16(data, at)!;
      if (len < 6) break;
      visit(at);
      at = (at + len + 3) & ~3;
    }
  };
  const root = node(0, data.length);
  if (!root || root.key !== 'VS_VERSION_INFO') return out;
  children(root.valueAt + root.valueLength, root.nodeEnd, (at) => {
    const sfi = node(at, root.nodeEnd);
    if (!sfi || sfi.key !== 'StringFileInfo') return;
    children(sfi.valueAt, sfi.nodeEnd, (tAt) => {
      const table = node(tAt, sfi.nodeEnd);
      if (!table) return;
      children(table.valueAt, table.nodeEnd, (sAt) => {
        const s = node(sAt, table.nodeEnd);
        if (!s) return;
        // wValueLength is in UTF-16 units for text but some linkers write bytes: read to the node's end, up
        // to the first NUL. A later table (another language) overrides an earlier one.
        const raw = utf16(data, s.valueAt, Math.max(0, (s.nodeEnd - s.valueAt) >> 1));
        const value = raw.split('\0')[0];
        if (s.key) out[s.key] = value;
      });
    });
  });
  return out;
}
