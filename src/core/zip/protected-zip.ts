// Password-protected zip of a single file, as returned by the `encoding=zip` download. Assemblyline runs
// Info-ZIP's `zip -j --password`, i.e. a deflated entry under traditional PKWARE encryption (ZipCrypto). That
// cipher is weak, but the point is only to keep the sample inert in transit, and it is the one encryption every
// unzip tool (Info-ZIP, 7-Zip, Windows Explorer, macOS Archive Utility) opens without extra support.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipWriter } from '@zip.js/zip.js';

export const DEFAULT_ZIP_PASSWORD = 'infected';

export type ZipInput = Readable | AsyncIterable<Uint8Array> | string;

export interface ProtectedZipOptions {
  /** Name of the single entry (Assemblyline uses the file's sha256). */
  entryName: string;
  /** Defaults to `infected`, the customary password for malware archives. */
  password?: string;
  /**
   * Size of the content when the input is a stream. Without it the entry must be written with Zip64 sizes in its
   * local header, since a data descriptor's width is fixed before the data is seen; with it, Zip64 is used only
   * for content of 4 GiB or more. Ignored for a path, whose size is read from the file.
   */
  size?: number;
  /** Deflate level, 0..9. Defaults to 6, Info-ZIP's default. */
  level?: number;
  /** Modification time stored for the entry. Defaults to now. */
  lastModDate?: Date;
}

export interface ProtectedZipResult {
  uncompressedSize: number;
  compressedSize: number;
  zip64: boolean;
}

/**
 * Writes `input` (a stream, an async iterable of bytes, or a file path) as the only entry of a ZipCrypto-protected
 * zip into `output`, streaming. The output is ended when done and destroyed (without an 'error' event) on failure.
 */
export async function writeProtectedZip(
  input: ZipInput,
  output: Writable,
  opts: ProtectedZipOptions,
): Promise<ProtectedZipResult> {
  const password = opts.password ?? DEFAULT_ZIP_PASSWORD;
  if (!opts.entryName) throw new TypeError('writeProtectedZip: entryName is required');
  if (!password) throw new TypeError('writeProtectedZip: the password must not be empty');
  let source: Readable | undefined;
  try {
    let size = opts.size;
    if (typeof input === 'string') {
      size = (await stat(input)).size;
      source = createReadStream(input);
    } else {
      source = input instanceof Readable ? input : Readable.from(input, { objectMode: false });
    }
    const writer = new ZipWriter(Writable.toWeb(output), {
      password,
      zipCrypto: true,
      level: opts.level ?? 6,
      // Unix, spec 3.0: what Info-ZIP 3.0 writes, so listings show a sensible "made by" version instead of 0.0.
      versionMadeBy: (3 << 8) | 30,
      // Workers would need a separate script; compression on the main thread is what a server wants anyway.
      useWebWorkers: false,
    });
    const entry = await writer.add(opts.entryName, Readable.toWeb(source) as unknown as ReadableStream, {
      uncompressedSize: size,
      lastModDate: opts.lastModDate,
    });
    await writer.close();
    await finished(output);
    return {
      uncompressedSize: entry.uncompressedSize,
      compressedSize: entry.compressedSize,
      zip64: entry.zip64,
    };
  } catch (err) {
    source?.destroy();
    // Closed without an error argument: the caller gets the error from the returned promise, and an 'error'
    // event on an output nobody listens to would crash the process.
    output.destroy();
    throw err;
  }
}
