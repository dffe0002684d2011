// client.file: file records, downloads (CaRT, raw, protected zip), text views, children and results.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Connection } from '../connection.js';
import type { FileInfo, ResultRecord, TextView } from '../types.js';
import { seg } from './callable.js';

export type DownloadEncoding = 'cart' | 'raw' | 'zip';

export interface DownloadOptions {
  /** cart (the server's default unless the user's settings say otherwise), raw or zip. */
  encoding?: DownloadEncoding;
  /** Submission whose metadata goes into the CaRT header. */
  sid?: string;
  /** Zip password (default: the user's setting, "infected"). */
  password?: string;
  /** File name offered in the Content-Disposition header. */
  name?: string;
}

export function fileModule(conn: Connection) {
  const downloadStream = async (sha256: string, opts: DownloadOptions = {}): Promise<Readable> =>
    conn.stream({ method: 'GET', path: `file/download/${seg(sha256)}/`, query: { encoding: opts.encoding, sid: opts.sid, password: opts.password, name: opts.name } });
  return {
    info: (sha256: string): Promise<FileInfo> => conn.json({ method: 'GET', path: `file/info/${seg(sha256)}/` }),
    /** The bytes, in memory. For big files use `downloadTo` or `downloadStream`. */
    download: async (sha256: string, opts: DownloadOptions = {}): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const c of await downloadStream(sha256, opts)) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    /** Stream the download into `output`; the file appears only once complete. */
    downloadTo: async (sha256: string, output: string, opts: DownloadOptions = {}): Promise<string> => {
      const tmp = `${output}.part`;
      try {
        await pipeline(await downloadStream(sha256, opts), createWriteStream(tmp));
        await rename(tmp, output);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return output;
    },
    downloadStream,
    ascii: (sha256: string): Promise<TextView> => conn.json({ method: 'GET', path: `file/ascii/${seg(sha256)}/` }),
    hex: (sha256: string, opts: { bytesOnly?: boolean; length?: number } = {}): Promise<TextView> =>
      conn.json({ method: 'GET', path: `file/hex/${seg(sha256)}/`, query: { bytes_only: opts.bytesOnly || undefined, length: opts.length } }),
    /** Printable strings of at least `len` characters (default 6). */
    strings: (sha256: string, opts: { len?: number } = {}): Promise<TextView> =>
      conn.json({ method: 'GET', path: `file/strings/${seg(sha256)}/`, query: { len: opts.len } }),
    children: (sha256: string): Promise<{ sha256: string; name: string }[]> => conn.json({ method: 'GET', path: `file/children/${seg(sha256)}/` }),
    /** All results of the file, or the latest of one service (`all` for up to 100 of its results). */
    result: (sha256: string, service?: string, opts: { all?: boolean } = {}): Promise<{ file_info: FileInfo; results: ResultRecord[]; [k: string]: unknown }> =>
      service
        ? conn.json({ method: 'GET', path: `file/result/${seg(sha256)}/${seg(service)}/`, query: { all: opts.all || undefined } })
        : conn.json({ method: 'GET', path: `file/result/${seg(sha256)}/` }),
    /** Sum of the latest result of each service, with the keys summed. */
    score: (sha256: string): Promise<{ file_info: FileInfo; score: number; result_keys: string[] }> =>
      conn.json({ method: 'GET', path: `file/score/${seg(sha256)}/` }),
    deleteFromFilestore: (sha256: string): Promise<{ success: boolean }> => conn.json({ method: 'DELETE', path: `file/filestore/${seg(sha256)}/` }),
  };
}
