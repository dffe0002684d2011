// MS-OVBA 2.4.1 decompression. VBA source, the dir stream and the PROJECT streams are stored as a
// "CompressedContainer": a 0x01 signature byte, then chunks of at most 4096 decompressed bytes, each with a
// 2-byte header (size - 3 in bits 0-11, signature 0b011 in bits 12-14, compressed flag in bit 15). A compressed
// chunk is a series of token sequences: a flag byte, then eight tokens, each either a literal byte (flag bit 0)
// or a 2-byte copy token (flag bit 1) whose offset/length split depends on how far into the chunk we are.

const CHUNK_SIZE = 4096;

export class OvbaError extends Error {}

/** Number of bits of a copy token used for the offset, from the position inside the decompressed chunk. */
function offsetBits(position: number): number {
  let bits = 4;
  while (bits < 12 && 1 << bits < position) bits++;
  return bits;
}

/**
 * Decompresses a CompressedContainer starting at `start`. Damaged input gives what was decoded up to the damage
 * (`strict` throws instead); the output never grows beyond `maxOut` bytes.
 */
export function decompress(data: Uint8Array, start = 0, opts: { strict?: boolean; maxOut?: number } = {}): Buffer {
  const maxOut = opts.maxOut ?? 64 * 1024 * 1024;
  const fail = (why: string): Buffer => {
    if (opts.strict) throw new OvbaError(why);
    return Buffer.from(out.subarray(0, outLen));
  };
  let out = Buffer.alloc(Math.min(maxOut, Math.max(CHUNK_SIZE, (data.length - start) * 3)));
  let outLen = 0;
  const put = (b: number): boolean => {
    if (outLen >= out.length) {
      if (out.length >= maxOut) return false;
      const bigger = Buffer.alloc(Math.min(maxOut, out.length * 2));
      out.copy(bigger);
      out = bigger;
    }
    out[outLen++] = b;
    return true;
  };

  if (start >= data.length || data[start] !== 0x01) return fail('missing compressed container signature');
  let pos = start + 1;
  while (pos + 2 <= data.length) {
    const header = data[pos]! | (data[pos + 1]! << 8);
    const chunkSize = (header & 0x0fff) + 3;
    const compressed = (header & 0x8000) !== 0;
    if (((header >> 12) & 0x07) !== 0b011) return fail(`bad chunk signature at ${pos}`);
    const chunkEnd = Math.min(pos + chunkSize, data.length);
    pos += 2;
    const chunkStart = outLen;
    if (!compressed) {
      // Raw chunks are always exactly 4096 bytes; a short one means the container was truncated.
      for (let i = 0; i < CHUNK_SIZE && pos < data.length; i++) if (!put(data[pos++]!)) return fail('output limit');
      continue;
    }
    while (pos < chunkEnd) {
      const flags = data[pos++]!;
      for (let bit = 0; bit < 8 && pos < chunkEnd; bit++) {
        if ((flags & (1 << bit)) === 0) {
          if (!put(data[pos++]!)) return fail('output limit');
          continue;
        }
        if (pos + 2 > chunkEnd) return fail(`truncated copy token at ${pos}`);
        const token = data[pos]! | (data[pos + 1]! << 8);
        pos += 2;
        const bits = offsetBits(outLen - chunkStart);
        const lengthMask = 0xffff >> bits;
        const length = (token & lengthMask) + 3;
        const offset = (token >> (16 - bits)) + 1;
        if (offset > outLen - chunkStart) return fail(`copy token reaches before its chunk at ${pos - 2}`);
        // Byte by byte on purpose: source and destination may overlap (runs of a repeated pattern).
        for (let i = 0; i < length; i++) if (!put(out[outLen - offset]!)) return fail('output limit');
      }
    }
    pos = chunkEnd;
  }
  return Buffer.from(out.subarray(0, outLen));
}
