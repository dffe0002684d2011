// .NET presence: the CLR (COM descriptor) header and the metadata root's runtime version string.
import { type Bytes, cBytes, latin1, u16, u32 } from './bytes.js';
import { DIR, type Headers } from './headers.js';
import type { AddressMap } from './sections.js';

export interface DotnetInfo { runtime: string; flags: number; metadataVersion?: string }

export function parseDotnet(b: Bytes, h: Headers, map: AddressMap): DotnetInfo | undefined {
  const dir = h.directories[DIR.CLR];
  // Only the address counts: the loader ignores the size, and tampered assemblies zero it.
  if (!dir || dir.virtualAddress === 0) return undefined;
  const at = map.toOffset(dir.virtualAddress);
  const info: DotnetInfo = { runtime: '?', flags: 0 };
  if (at === undefined || u32(b, at + 20) === undefined) return info;
  info.runtime = `${u16(b, at + 4)}.${u16(b, at + 6)}`;
  info.flags = u32(b, at + 16)!;
  const md = map.toOffset(u32(b, at + 8)!);
  if (md !== undefined && u32(b, md) === 0x424a5342) {
    const len = Math.min(u32(b, md + 12) ?? 0, 255);
    const v = cBytes(b, md + 16, len);
    if (v) info.metadataVersion = latin1(v);
  }
  return info;
}
