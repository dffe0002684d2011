// Reading the start of a file: what a size-limited analyser or a type check needs, without reading it all.
import { open } from 'node:fs/promises';

/** Up to `max` bytes from the start of the file; `truncated` when the file is longer. */
export async function readHead(path: string, max: number): Promise<{ buf: Buffer; truncated: boolean }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.max(0, Math.min(size, max)));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { buf: buf.subarray(0, bytesRead), truncated: size > bytesRead };
  } finally {
    await fh.close();
  }
}
