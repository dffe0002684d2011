// /api/v4/file/: file records, downloads (CaRT, raw, password-protected zip) and the analyst views (ASCII, hex,
// strings) of a stored file.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { encodeCart } from '../core/cart/index.js';
import { AssayError, notFound } from '../core/errors.js';
import type { FileRecord } from '../core/files/file-record.js';
import { asciiView, hexBytes, hexdump, printableStrings, VIEW_MAX_BYTES } from '../core/files/views.js';
import { writeProtectedZip } from '../core/zip/index.js';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, Success, reply } from './envelope.js';
import { visibilityOf } from './visibility.js';

const Sha256Params = Type.Object({ sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'sha256 of the file' }) });
const ViewResponse = Enveloped(Type.Object({ content: Type.String(), truncated: Type.Boolean() }));
const ENCODINGS = ['cart', 'raw', 'zip'];

/** RFC 6266 Content-Disposition with an ASCII fallback and the exact name in filename*. */
function contentDisposition(name: string): string {
  const quoted = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename=file.bin; filename*=UTF-8''${quoted}`;
}

export default async function fileRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const files = ctx.intake.files;
  const { filestore } = ctx.storage;
  const visibility = visibilityOf(ctx);

  /** The file's record, if it exists and the caller may see it (through a submission they may read). */
  async function record(req: FastifyRequest, sha256: string, missing = 'The file was not found in the system.', denied = 'You are not allowed to view this file.'): Promise<FileRecord> {
    const rec = await files.get(sha256.toLowerCase());
    if (!rec) throw notFound(missing, {});
    if (!(await visibility.canSee(readerOf(principalOf(req)), 'file', rec.sha256))) throw new AssayError(403, denied, {});
    return rec;
  }

  async function head(rec: FileRecord): Promise<Uint8Array> {
    const s = await filestore.stream(rec.sha256, { start: 0, end: VIEW_MAX_BYTES - 1 });
    if (!s) throw notFound('This file was not found in the system.', {});
    return buffer(s);
  }

  app.get(
    '/api/v4/file/info/:sha256/',
    {
      schema: { tags: ['file'], summary: 'A file record: hashes, type, size, entropy, first and last seen', params: Sha256Params, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: ['submission_view', 'file_detail'] } },
    },
    async (req, res) => reply(res, await record(req, (req.params as { sha256: string }).sha256, 'This file does not exists.')),
  );

  app.get(
    '/api/v4/file/download/:sha256/',
    {
      schema: {
        tags: ['file'],
        summary: 'Download a file as CaRT (default), raw bytes, or a password-protected zip',
        params: Sha256Params,
        querystring: Type.Object({
          encoding: Type.Optional(Type.String({ description: 'cart (default), raw or zip' })),
          password: Type.Optional(Type.String({ description: 'zip password (default "infected")' })),
          name: Type.Optional(Type.String({ description: 'file name to offer (default: the sha256)' })),
          sid: Type.Optional(Type.String({ description: 'submission whose metadata goes into the CaRT header' })),
        }),
      },
      config: { auth: { roles: ['file_download'], xsrf: false } },
    },
    async (req, res) => {
      const { sha256 } = req.params as { sha256: string };
      const q = req.query as { encoding?: string; password?: string; name?: string };
      const rec = await record(req, sha256, undefined, 'You are not allowed to download this file.');
      const settings = await ctx.settings.get(principalOf(req).user.uname);
      const encoding = (q.encoding || settings.download_encoding).toLowerCase();
      const password = q.password ?? settings.default_zip_password;
      if (!ENCODINGS.includes(encoding)) {
        throw new AssayError(403, `${encoding.toUpperCase()} is not in the valid encoding types: ${JSON.stringify(ENCODINGS)}`, {});
      }
      if (encoding === 'raw' && !ctx.config.ui.allowRawDownloads) {
        throw new AssayError(403, 'RAW file download has been disabled by administrators.', {});
      }
      if (encoding === 'zip') {
        if (!ctx.config.ui.allowZipDownloads) throw new AssayError(403, 'PROTECTED file download has been disabled by administrators.', {});
        if (!password.trim()) throw new AssayError(403, "No password given or retrieved from user's settings.", {});
        if (password.length > 128 || /[\x00-\x1f]/.test(password)) throw new AssayError(400, 'Invalid password for protected file download.', {});
      }
      let name = (q.name || rec.sha256).split(/[\\/]/).pop() || rec.sha256;
      const blob = await filestore.stream(rec.sha256);
      if (!blob) throw notFound('The file was not found in the system.', {});
      let body: Readable = blob;
      if (encoding === 'cart' && rec.type !== 'archive/cart') {
        body = pipeThrough(blob, (out) => encodeCart(blob, out, { name }), res);
        name += '.cart';
      } else if (encoding === 'zip') {
        body = pipeThrough(blob, (out) => writeProtectedZip(blob, out, { entryName: rec.sha256, password, size: rec.size }), res);
        name += '.zip';
      } else {
        res.header('content-length', rec.size);
      }
      return res.code(200).type('application/octet-stream').header('content-disposition', contentDisposition(name)).send(body);
    },
  );

  const view = (path: string, summary: string, render: (data: Uint8Array, q: Record<string, string | undefined>, rec: FileRecord) => { content: string; truncated: boolean }, querystring = Type.Object({})) =>
    app.get(
      `/api/v4/file/${path}/:sha256/`,
      { schema: { tags: ['file'], summary, params: Sha256Params, querystring, response: { 200: ViewResponse } }, config: { auth: { roles: ['file_detail'] } } },
      async (req, res) => {
        const rec = await record(req, (req.params as { sha256: string }).sha256);
        return reply(res, render(await head(rec), req.query as Record<string, string | undefined>, rec));
      },
    );

  view('ascii', 'The first MiB with non-printable bytes shown as dots', (data, _q, rec) => ({ content: asciiView(data), truncated: rec.size > VIEW_MAX_BYTES }));
  view(
    'hex',
    'A hex dump of the first MiB',
    (data, q, rec) => {
      const bytesOnly = q.bytes_only !== undefined && ['true', ''].includes(q.bytes_only.toLowerCase());
      const width = Number.parseInt(q.length ?? '16', 10);
      if (!(width > 0 && width <= 256)) throw new AssayError(400, 'length must be between 1 and 256');
      return { content: bytesOnly ? hexBytes(data) : hexdump(data, width), truncated: rec.size > VIEW_MAX_BYTES };
    },
    Type.Object({ bytes_only: Type.Optional(Type.String()), length: Type.Optional(Type.String()) }),
  );
  view(
    'strings',
    'Printable ASCII and UTF-16 strings of the first MiB',
    (data, q) => {
      const min = Number.parseInt(q.len ?? '6', 10);
      if (!(min > 0 && min <= 1024)) throw new AssayError(400, 'len must be between 1 and 1024');
      return printableStrings(data, min);
    },
    Type.Object({ len: Type.Optional(Type.String()) }),
  );

  app.delete(
    '/api/v4/file/filestore/:sha256/',
    {
      schema: { tags: ['file'], summary: 'Remove the bytes of a file, keeping its record', params: Sha256Params, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['file_purge'] } },
    },
    async (req, res) => {
      const rec = await record(req, (req.params as { sha256: string }).sha256);
      await filestore.delete(rec.sha256);
      return reply(res, { success: true });
    },
  );
}

/** Run an encoder from `source` into a stream the reply sends; a failure mid-way aborts the response. */
function pipeThrough(source: Readable, encode: (out: PassThrough) => Promise<unknown>, res: FastifyReply): PassThrough {
  const out = new PassThrough();
  // The encoders end `out` themselves when done.
  encode(out).catch((err: Error) => {
    res.log.error({ err }, 'download encoding failed');
    source.destroy();
    if (!out.destroyed) out.destroy(err);
  });
  return out;
}
