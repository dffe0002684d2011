// Stored files as a reader meets them: the record, if they may see it; the analyst views of its first bytes; a
// download in one of the offered encodings; removing its bytes. Whether a file may be seen is decided by
// search/visibility.ts (through a submission the reader may read).
import { PassThrough, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Filestore } from '../../store/filestore.js';
import { encodeCart } from '../cart/index.js';
import { AssayError, forbidden, notFound } from '../errors.js';
import type { Visibility } from '../search/visibility.js';
import { canReadClassified, type Reader } from '../submission/access.js';
import { writeProtectedZip } from '../zip/index.js';
import type { FileIntake } from './file-intake.js';
import type { FileRecord } from './file-record.js';
import { asciiView, hexBytes, hexdump, printableStrings, VIEW_MAX_BYTES } from './views.js';

interface FileWording {
  missing: string;
  denied: string;
  /** `api_response` of those answers. */
  response: unknown;
  /** Also refuse a file above the reader's classification level. */
  classified?: boolean;
}

/** The answers each API gives for a file that is missing or that the reader may not see. */
const WORDING = {
  view: (): FileWording => ({ missing: 'The file was not found in the system.', denied: 'You are not allowed to view this file.', response: {} }),
  info: (): FileWording => ({ missing: 'This file does not exists.', denied: 'You are not allowed to view this file.', response: {} }),
  download: (): FileWording => ({ missing: 'The file was not found in the system.', denied: 'You are not allowed to download this file.', response: {} }),
  ontology: (sha256: string): FileWording => ({
    missing: `There is no file with this hash: ${sha256}`,
    denied: `Your are not allowed get ontology files for this hash: ${sha256}`,
    response: '',
    classified: true,
  }),
};
export type FileWordingName = keyof typeof WORDING;

export const DOWNLOAD_ENCODINGS = ['cart', 'raw', 'zip'];

export interface DownloadRequest {
  encoding?: string;
  password?: string;
  name?: string;
}

export interface Download {
  body: Readable;
  /** The name to offer, with the encoding's extension. */
  name: string;
  /** Known up front only for raw bytes. */
  length?: number;
}

export interface View {
  content: string;
  truncated: boolean;
}

export class FileService {
  constructor(
    private readonly intake: Pick<FileIntake, 'files' | 'hasContent'>,
    private readonly filestore: Pick<Filestore, 'stream' | 'delete'>,
    private readonly visibility: Visibility,
    /** The download settings, read at each download. */
    private readonly opts: { allowRawDownloads: boolean; allowZipDownloads: boolean },
  ) {}

  /** The file's record, if it exists and the reader may see it; else a 404 or 403 in that API's words. */
  async readable(sha256: string, reader: Reader, wording: FileWordingName = 'view'): Promise<FileRecord> {
    const sha = sha256.toLowerCase();
    const w = WORDING[wording](sha);
    const rec = await this.intake.files.get(sha);
    if (!rec) throw notFound(w.missing, w.response);
    const allowed = (!w.classified || canReadClassified(reader, rec.classification)) && (await this.visibility.canSee(reader, 'file', rec.sha256));
    if (!allowed) throw forbidden(w.denied, w.response);
    return rec;
  }

  /** The record of a file whose bytes are stored and that the reader may see; null otherwise, whichever fails. */
  async withContent(sha256: string, reader: Reader): Promise<FileRecord | null> {
    const rec = await this.intake.files.get(sha256);
    if (!rec || !(await this.intake.hasContent(sha256)) || !(await this.visibility.canSee(reader, 'file', sha256))) return null;
    return rec;
  }

  /** File records by sha256, as far as they exist. */
  records(shas: readonly string[]): Promise<Map<string, FileRecord>> {
    return this.intake.files.getMany([...new Set(shas)]);
  }

  /** Up to `bytes` first bytes of a stored file, or null when its bytes are gone. */
  async head(sha256: string, bytes: number): Promise<Buffer | null> {
    const s = await this.filestore.stream(sha256, { start: 0, end: bytes - 1 });
    return s ? buffer(s) : null;
  }

  /** The first MiB with non-printable bytes shown as dots. */
  async ascii(rec: FileRecord): Promise<View> {
    return { content: asciiView(await this.viewHead(rec)), truncated: rec.size > VIEW_MAX_BYTES };
  }

  /** A hex dump of the first MiB, `width` bytes a line, or the bare hex digits. */
  async hex(rec: FileRecord, opts: { bytesOnly: boolean; width: number }): Promise<View> {
    const data = await this.viewHead(rec);
    if (!(opts.width > 0 && opts.width <= 256)) throw new AssayError(400, 'length must be between 1 and 256');
    return { content: opts.bytesOnly ? hexBytes(data) : hexdump(data, opts.width), truncated: rec.size > VIEW_MAX_BYTES };
  }

  /** Printable ASCII and UTF-16 strings of the first MiB, of at least `minLength` characters. */
  async strings(rec: FileRecord, minLength: number): Promise<View> {
    const data = await this.viewHead(rec);
    if (!(minLength > 0 && minLength <= 1024)) throw new AssayError(400, 'len must be between 1 and 1024');
    return printableStrings(data, minLength);
  }

  /**
   * The file in the asked encoding (the reader's default when none is asked): CaRT, raw bytes or a
   * password-protected zip, as far as the deployment allows each. An encoder that fails mid-way aborts the
   * stream and is reported to `onError`.
   */
  async download(rec: FileRecord, req: DownloadRequest, defaults: { encoding: string; password: string }, onError: (err: Error) => void): Promise<Download> {
    const encoding = (req.encoding || defaults.encoding).toLowerCase();
    const password = req.password ?? defaults.password;
    if (!DOWNLOAD_ENCODINGS.includes(encoding)) {
      throw new AssayError(403, `${encoding.toUpperCase()} is not in the valid encoding types: ${JSON.stringify(DOWNLOAD_ENCODINGS)}`, {});
    }
    if (encoding === 'raw' && !this.opts.allowRawDownloads) {
      throw new AssayError(403, 'RAW file download has been disabled by administrators.', {});
    }
    if (encoding === 'zip') {
      if (!this.opts.allowZipDownloads) throw new AssayError(403, 'PROTECTED file download has been disabled by administrators.', {});
      if (!password.trim()) throw new AssayError(403, "No password given or retrieved from user's settings.", {});
      if (password.length > 128 || /[\x00-\x1f]/.test(password)) throw new AssayError(400, 'Invalid password for protected file download.', {});
    }
    const name = (req.name || rec.sha256).split(/[\\/]/).pop() || rec.sha256;
    const blob = await this.filestore.stream(rec.sha256);
    if (!blob) throw notFound('The file was not found in the system.', {});
    if (encoding === 'cart' && rec.type !== 'archive/cart') {
      return { body: pipeThrough(blob, (out) => encodeCart(blob, out, { name }), onError), name: `${name}.cart` };
    }
    if (encoding === 'zip') {
      return { body: pipeThrough(blob, (out) => writeProtectedZip(blob, out, { entryName: rec.sha256, password, size: rec.size }), onError), name: `${name}.zip` };
    }
    return { body: blob, name, length: rec.size };
  }

  /** Remove the bytes of a file, keeping its record. */
  async purge(rec: FileRecord): Promise<void> {
    await this.filestore.delete(rec.sha256);
  }

  private async viewHead(rec: FileRecord): Promise<Buffer> {
    const data = await this.head(rec.sha256, VIEW_MAX_BYTES);
    if (!data) throw notFound('This file was not found in the system.', {});
    return data;
  }
}

/** Run an encoder from `source` into the stream returned; a failure mid-way aborts it. */
function pipeThrough(source: Readable, encode: (out: PassThrough) => Promise<unknown>, onError: (err: Error) => void): PassThrough {
  const out = new PassThrough();
  // The encoders end `out` themselves when done.
  encode(out).catch((err: Error) => {
    onError(err);
    source.destroy();
    if (!out.destroyed) out.destroy(err);
  });
  return out;
}
