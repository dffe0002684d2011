// Turning an ingest or submit request into a stored file and effective parameters: the checks and error
// messages of Assemblyline's submission initialisation, shared by both endpoints.
import { randomBytes } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCart } from '../cart/index.js';
import type { FileIntake } from '../files/file-intake.js';
import type { FileRecord } from '../files/file-record.js';
import type { Filter } from '../../store/datastore.js';
import { AssayError, badRequest } from '../errors.js';
import type { SubmissionFile } from './record.js';
import { cartMetadata, requestMetadata, type MetadataLimits } from './metadata.js';
import { resolveParams, type SubmissionParams, type Submitter } from './params.js';
import { checkRequestFields, checkSubmittedUrl, decodeBase64Field, fileTooLargeMessage } from './request-fields.js';

const HASH_METHODS = ['sha256', 'sha1', 'md5', 'tlsh', 'ssdeep'] as const;

/** Ingested files up to this size travel in the ingest record rather than being written on the request path. */
export const INLINE_CONTENT_BYTES = 64 * 1024;

export interface SubmissionRequest {
  /** The request's JSON block (the `json` part of a multipart upload, or the JSON body). */
  data: Record<string, unknown>;
  /**
   * An uploaded file (multipart `bin`), hashed on the way in: its bytes when small, else a temporary file.
   * `consumed` is set when the temporary file was moved into the filestore.
   */
  upload?: { path?: string; bytes?: Buffer; filename: string; digest?: { sha256: string; size: number; head: Buffer }; consumed?: boolean };
}

export interface InitOptions {
  endpoint: 'ingest' | 'submit';
  intake: FileIntake;
  /** The stored files the submitter may see, for submissions by hash (null or absent: every file). */
  visibleFiles?: Filter | null;
  tmpDir: string;
  maxFileSize: number;
  ttl: number;
  maxDtl: number;
  allowUrlSubmissions: boolean;
  /** Services added to the selection of a URL submission. */
  urlServices?: readonly string[];
  /** URL schemes a URL submission may use. */
  urlSchemes: readonly string[];
  metadata: MetadataLimits;
}

export interface InitializedSubmission {
  file: SubmissionFile;
  /** The file record; absent on the ingest path, where describing the file is left to the ingester. */
  record?: FileRecord;
  /**
   * On the ingest path, the bytes of a small upload that is not in the filestore yet: the ingester stores them
   * from its durable record.
   */
  content?: Buffer;
  params: SubmissionParams;
  metadata: Record<string, string>;
}

/** The text of an Assemblyline URI file: analysed by a downloader service like any other file. */
export function uriFileContent(url: string): string {
  return `# Assemblyline URI file\nuri: ${JSON.stringify(url)}\n`;
}

const tooLarge = (max: number, size: number) => new AssayError(413, fileTooLargeMessage(max, size), {});

function refang(url: string): string {
  return url.replace(/^hxxp/i, 'http').replace(/\[\.\]/g, '.').replace(/\[:\]/g, ':');
}

export async function initSubmission(req: SubmissionRequest, user: Submitter, opts: InitOptions): Promise<InitializedSubmission> {
  const data = req.data;
  checkRequestFields(data);
  const params = resolveParams(data, user, { ttl: opts.ttl, maxDtl: opts.maxDtl });
  const metadata = { ...(user.defaultMetadata ?? {}), ...requestMetadata(data.metadata, opts.metadata) };
  let name = typeof data.name === 'string' && data.name ? data.name : undefined;
  let tmp: string | undefined;
  let record: FileRecord | undefined;
  let stored: { sha256: string; size: number } | undefined;
  let cartHeader: Record<string, unknown> | null = null;
  let isUrl = false;
  let content: Buffer | undefined;
  try {
    let path = req.upload?.path;
    const upload = req.upload;
    if (upload) name ??= upload.filename.split(/[\\/]/).pop() || undefined;
    if (upload?.bytes && upload.digest && opts.endpoint === 'ingest' && upload.digest.size > 0 && !isCart(upload.digest.head)) {
      // The sensor fast path: a small upload travels in the ingest record, a larger one goes from memory into
      // the filestore.
      if (upload.digest.size > opts.maxFileSize && !params.ignore_size) throw tooLarge(opts.maxFileSize, upload.digest.size);
      if (upload.digest.size <= INLINE_CONTENT_BYTES) {
        content = upload.bytes;
        stored = upload.digest;
      } else {
        const intakeOpts = { name, classification: params.classification, ttlDays: params.ttl, ignoreSize: params.ignore_size };
        stored = await opts.intake.storeBytes(upload.bytes, upload.digest, intakeOpts);
      }
    } else if (upload?.bytes) {
      tmp = join(opts.tmpDir, `submit-${randomBytes(8).toString('hex')}`);
      await writeFile(tmp, upload.bytes);
      path = tmp;
    }
    if (!path && !stored) {
      const text = typeof data.plaintext === 'string' ? Buffer.from(data.plaintext, 'utf8') : undefined;
      const b64 = typeof data.base64 === 'string' ? decodeBase64Field(data.base64) : undefined;
      const inline = text?.length ? text : b64;
      if (inline?.length) {
        if (inline.length > opts.maxFileSize) throw tooLarge(opts.maxFileSize, inline.length);
        tmp = join(opts.tmpDir, `submit-${randomBytes(8).toString('hex')}`);
        await writeFile(tmp, inline);
        path = tmp;
      } else if (typeof data.url === 'string' && data.url) {
        if (!opts.allowUrlSubmissions) throw new AssayError(403, 'URL submissions are disabled in this system', {});
        const url = refang(data.url.trim());
        if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(url)) throw badRequest('Url provided is invalid.', {});
        checkSubmittedUrl(url, opts.urlSchemes);
        name = url;
        isUrl = true;
        for (const svc of opts.urlServices ?? []) if (!params.services.selected.includes(svc)) params.services.selected.push(svc);
        params.description ||= `Inspection of URL: ${url}`;
        tmp = join(opts.tmpDir, `uri-${randomBytes(8).toString('hex')}`);
        await writeFile(tmp, uriFileContent(url));
        path = tmp;
      } else {
        const method = HASH_METHODS.find((m) => typeof data[m] === 'string' && data[m]);
        if (!method) throw badRequest('Missing file to scan. No binary or fetching method provided.', {});
        const value = String(data[method]);
        // A file the submitter may not see is answered as an unknown one.
        const byHash: Filter = method === 'sha256' ? { op: 'eq', field: 'id', value: value.toLowerCase() } : { op: 'eq', field: method, value };
        const found =
          method === 'sha256' && !opts.visibleFiles
            ? await opts.intake.files.get(value.toLowerCase())
            : (await opts.intake.files.search({ filter: opts.visibleFiles ? { op: 'and', items: [byHash, opts.visibleFiles] } : byHash, limit: 1 })).items[0] ?? null;
        if (!found || !(await opts.intake.hasContent(found.sha256))) {
          throw new AssayError(404, `${method.toUpperCase()} does not exist in Assemblyline and no external sources are available.`, {});
        }
        name ??= found.sha256;
        record = (await opts.intake.resight(found.sha256, { classification: params.classification, ttlDays: params.ttl })) ?? undefined;
      }
    }
    if (!record && !stored) {
      const digest = upload?.digest && (path === upload.path || upload.bytes) ? upload.digest : undefined;
      if ((digest?.size ?? (await stat(path!)).size) === 0) throw badRequest('File empty.', {});
      const intakeOpts = { name, classification: params.classification, ttlDays: params.ttl, ignoreSize: params.ignore_size };
      if (opts.endpoint === 'ingest') {
        const res = digest ? await opts.intake.storeUpload(path!, digest, intakeOpts) : await opts.intake.store(path!, intakeOpts);
        if ('consumed' in res && res.consumed && upload && path === upload.path) upload.consumed = true;
        stored = { sha256: res.sha256, size: res.size };
        cartHeader = res.cartHeader;
      } else {
        const res = await opts.intake.intake(path!, intakeOpts);
        record = res.record;
        cartHeader = res.cartHeader;
      }
    }
  } finally {
    if (tmp) await rm(tmp, { force: true });
  }
  if (cartHeader) {
    // The CaRT header's name wins over the upload's; its other keys become metadata.
    const { name: cartName, classification: _c, ...rest } = cartHeader;
    if (typeof cartName === 'string' && cartName) name = cartName;
    Object.assign(metadata, cartMetadata(rest, opts.metadata));
  }
  const file = record ?? stored!;
  if (file.size === 0) throw badRequest('File empty.', {});
  name = (isUrl ? name : name?.split(/[\\/]/).pop()) || file.sha256;
  params.description ||= `Inspection of file: ${name}`;
  return { file: { name, sha256: file.sha256, size: file.size }, record, params, metadata, content };
}
