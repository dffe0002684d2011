// TLS callbacks: code the loader runs before the entry point, a classic place to hide anti-debugging.
import { type Bytes, u32, u64 } from './bytes.js';
import { DIR, PE32PLUS_MAGIC, type Headers } from './headers.js';
import type { AddressMap } from './sections.js';

const MAX_CALLBACKS = 64;

export interface TlsInfo { callbacksVa: bigint; callbacks: bigint[] }

export function parseTls(b: Bytes, h: Headers, map: AddressMap): TlsInfo | undefined {
  const dir = h.directories[DIR.TLS];
  if (!dir || dir.virtualAddress === 0 || !h.optional) return undefined;
  const at = map.toOffset(dir.virtualAddress);
  if (at === undefined) return undefined;
  const is64 = h.optional.magic === PE32PLUS_MAGIC;
  const ptr = (o: number): bigint | undefined => (is64 ? u64(b, o) : u32(b, o) === undefined ? undefined : BigInt(u32(b, o)!));
  const callbacksVa = ptr(at + (is64 ? 24 : 12));
  if (callbacksVa === undefined) return undefined;
  const info: TlsInfo = { callbacksVa, callbacks: [] };
  const base = h.optional.imageBase;
  if (callbacksVa <= base || callbacksVa - base > 0xffffffffn) return info;
  const list = map.toOffset(Number(callbacksVa - base));
  if (list === undefined) return info;
  for (let i = 0; i < MAX_CALLBACKS; i++) {
    const cb = ptr(list + i * (is64 ? 8 : 4));
    if (cb === undefined || cb === 0n) break;
    info.callbacks.push(cb);
  }
  return info;
}
