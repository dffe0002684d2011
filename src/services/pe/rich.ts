// The "Rich" header: an XOR-masked list of the Microsoft build tools (product id, build, count) that produced
// the object files, hidden between the DOS stub and the PE header.
import { type Bytes, hash, u16, u32 } from './bytes.js';

const RICH = [0x52, 0x69, 0x63, 0x68]; // "Rich"
const DANS = 0x536e6144; // "DanS" read as a little-endian u32

export interface RichTool { toolId: number; version: number; times: number }
export interface RichHeader {
  offset: number;
  length: number;
  key: number;
  /** Decoded bytes from "DanS" up to "Rich"; their MD5 is the rich header hash (pefile's get_rich_header_hash). */
  clearData: Bytes;
  tools: RichTool[];
  hash: string;
}

function lastIndexOf(b: Bytes, pat: number[], end: number): number {
  for (let i = end - pat.length; i >= 0; i--) {
    let ok = true;
    for (let j = 0; j < pat.length && ok; j++) ok = b[i + j] === pat[j];
    if (ok) return i;
  }
  return -1;
}

/** `stub` is the file up to e_lfanew. */
export function parseRich(stub: Bytes): RichHeader | undefined {
  const rich = lastIndexOf(stub, RICH, stub.length);
  if (rich < 0) return undefined;
  const key = u32(stub, rich + 4);
  if (key === undefined) return undefined;
  const masked = (DANS ^ key) >>> 0;
  const dans = lastIndexOf(stub, [masked & 0xff, (masked >>> 8) & 0xff, (masked >>> 16) & 0xff, masked >>> 24], rich);
  if (dans < 0) return undefined;
  const clear = new Uint8Array(rich - dans);
  const kb = [key & 0xff, (key >>> 8) & 0xff, (key >>> 16) & 0xff, key >>> 24];
  for (let i = 0; i < clear.length; i++) clear[i] = stub[dans + i] ^ kb[i % 4];
  const tools: RichTool[] = [];
  // "DanS" and three padding dwords, then (build, product id, count) triples.
  for (let o = 16; o + 8 <= clear.length; o += 8) {
    tools.push({ version: u16(clear, o)!, toolId: u16(clear, o + 2)!, times: u32(clear, o + 4)! });
  }
  return { offset: dans, length: rich - dans, key, clearData: clear, tools, hash: hash('md5', clear) };
}
