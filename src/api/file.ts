// /api/v4/file/: file records, downloads (CaRT, raw, password-protected zip) and the analyst views (ASCII, hex,
// strings) of a stored file.
import { Type } from '@sinclair/typebox';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, Success, reply } from './envelope.js';
import { FileRecord, FileView } from './schemas/file.js';
import { flag } from './submission.js';

const Sha256Params = Type.Object({ sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'sha256 of the file' }) });
const ViewResponse = { 200: Enveloped(FileView) };
const detail = { auth: { roles: ['file_detail' as const] } };

/** RFC 6266 Content-Disposition with an ASCII fallback and the exact name in filename*. */
function contentDisposition(name: string): string {
  const quoted = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename=file.bin; filename*=UTF-8''${quoted}`;
}

export default async function fileRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const files = ctx.files;
  const readerIn = (req: Parameters<typeof principalOf>[0]) => readerOf(principalOf(req));

  app.get(
    '/api/v4/file/info/:sha256/',
    {
      schema: { tags: ['file'], summary: 'A file record: hashes, type, size, entropy, first and last seen', params: Sha256Params, response: { 200: Enveloped(FileRecord) } },
      config: { auth: { roles: ['submission_view', 'file_detail'] } },
    },
    async (req, res) => reply(res, await files.readable(req.params.sha256, readerIn(req), 'info')),
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
      const p = principalOf(req);
      const rec = await files.readable(req.params.sha256, readerOf(p), 'download');
      const settings = await ctx.settings.get(p.user.uname);
      const { encoding, password, name } = req.query;
      const out = await files.download(rec, { encoding, password, name }, { encoding: settings.download_encoding, password: settings.default_zip_password }, (err) =>
        res.log.error({ err }, 'download encoding failed'),
      );
      if (out.length !== undefined) res.header('content-length', out.length);
      return res.code(200).type('application/octet-stream').header('content-disposition', contentDisposition(out.name)).send(out.body);
    },
  );

  app.get(
    '/api/v4/file/ascii/:sha256/',
    { schema: { tags: ['file'], summary: 'The first MiB with non-printable bytes shown as dots', params: Sha256Params, response: ViewResponse }, config: detail },
    async (req, res) => reply(res, await files.ascii(await files.readable(req.params.sha256, readerIn(req)))),
  );

  app.get(
    '/api/v4/file/hex/:sha256/',
    {
      schema: {
        tags: ['file'],
        summary: 'A hex dump of the first MiB',
        params: Sha256Params,
        // Text, parsed and range-checked by hand for the messages clients know.
        querystring: Type.Object({ bytes_only: Type.Optional(Type.String()), length: Type.Optional(Type.String()) }),
        response: ViewResponse,
      },
      config: detail,
    },
    async (req, res) => {
      const rec = await files.readable(req.params.sha256, readerIn(req));
      return reply(res, await files.hex(rec, { bytesOnly: flag(req.query.bytes_only), width: Number.parseInt(req.query.length ?? '16', 10) }));
    },
  );

  app.get(
    '/api/v4/file/strings/:sha256/',
    {
      schema: {
        tags: ['file'],
        summary: 'Printable ASCII and UTF-16 strings of the first MiB',
        params: Sha256Params,
        querystring: Type.Object({ len: Type.Optional(Type.String()) }),
        response: ViewResponse,
      },
      config: detail,
    },
    async (req, res) => reply(res, await files.strings(await files.readable(req.params.sha256, readerIn(req)), Number.parseInt(req.query.len ?? '6', 10))),
  );

  app.delete(
    '/api/v4/file/filestore/:sha256/',
    {
      schema: { tags: ['file'], summary: 'Remove the bytes of a file, keeping its record', params: Sha256Params, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['file_purge'] } },
    },
    async (req, res) => {
      await files.purge(await files.readable(req.params.sha256, readerIn(req)));
      return reply(res, { success: true });
    },
  );
}
