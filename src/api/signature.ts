// /api/v4/signature/: detection rules (YARA and others) as Assemblyline's signature API exposes them.
import { Type } from '@sinclair/typebox';
import type { ApiApp, AppContext } from './context.js';
import { Enveloped, Success, reply } from './envelope.js';
import { Signature, SignatureSaved, SignaturesSaved, SignatureStats } from './schemas/signature.js';

const IdParams = Type.Object({ signature_id: Type.String() });
const Dedup = Type.Object({ dedup_name: Type.Optional(Type.String({ description: 'refuse a name the source already has (default true)' })) });
const isTrue = (v: string | undefined) => (v ?? 'true').toLowerCase() === 'true';
// Signatures are checked by the signature store, with Assemblyline's messages.
const SignatureBody = Type.Unknown({ description: 'a signature: {name, type, source, data, signature_id?, status?, ...}' });
const SignaturesBody = Type.Unknown({ description: 'a list of signatures of one source' });

export default async function signatureRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const store = ctx.signatures;
  const tags = ['signature'];

  for (const method of ['POST', 'PUT'] as const) {
    app.route({
      method, url: '/api/v4/signature/add_update/',
      schema: { tags, summary: 'Add or update a signature', querystring: Dedup, body: SignatureBody, response: { 200: Enveloped(SignatureSaved) } },
      config: { auth: { roles: ['signature_import'] } },
      handler: async (req, res) => {
        const r = await store.addUpdate(req.body, isTrue(req.query.dedup_name));
        return reply(res, { success: r.success, id: r.id, signature_id: r.id });
      },
    });
    app.route({
      method, url: '/api/v4/signature/add_update_many/',
      schema: {
        tags, summary: 'Add or update many signatures of one source',
        querystring: Type.Object({ source: Type.Optional(Type.String()), sig_type: Type.Optional(Type.String()), dedup_name: Type.Optional(Type.String()) }),
        body: SignaturesBody, response: { 200: Enveloped(SignaturesSaved) },
      },
      config: { auth: { roles: ['signature_import'] } },
      handler: async (req, res) => {
        const q = req.query;
        return reply(res, await store.addUpdateMany(q.source, q.sig_type, req.body, isTrue(q.dedup_name)));
      },
    });
  }

  app.get(
    '/api/v4/signature/change_status/:signature_id/:status/',
    {
      schema: { tags, summary: 'Change the status of a signature', params: Type.Object({ signature_id: Type.String(), status: Type.String() }), response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['signature_manage'] } },
    },
    async (req, res) => reply(res, await store.changeStatus(req.params.signature_id, req.params.status, req.principal?.user.uname ?? '')),
  );

  app.get(
    '/api/v4/signature/clear_status/:signature_id/',
    { schema: { tags, summary: "Clear the user's status change of a signature", params: IdParams, response: { 200: Enveloped(Success) } }, config: { auth: { roles: ['signature_manage'] } } },
    async (req, res) => reply(res, await store.clearStatus(req.params.signature_id)),
  );

  app.get(
    '/api/v4/signature/stats/',
    { schema: { tags, summary: 'Statistics of every signature', response: { 200: Enveloped(SignatureStats) } }, config: { auth: { roles: ['signature_view'] } } },
    async (_req, res) => reply(res, await store.stats()),
  );

  app.get(
    '/api/v4/signature/download/',
    {
      schema: { tags, summary: 'A zip of the signatures matching a query (default: deployed ones)', querystring: Type.Object({ query: Type.Optional(Type.String()) }) },
      config: { auth: { roles: ['signature_download'], xsrf: false } },
    },
    async (req, res) => {
      const { fileName, zip } = await store.download(req.query.query);
      return res.code(200).type('application/zip')
        .header('content-disposition', `attachment; filename=${fileName}`)
        .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
    },
  );

  app.get(
    '/api/v4/signature/:signature_id/',
    { schema: { tags, summary: 'A signature', params: IdParams, response: { 200: Enveloped(Signature) } }, config: { auth: { roles: ['signature_view'] } } },
    async (req, res) => reply(res, await store.get(req.params.signature_id)),
  );

  app.delete(
    '/api/v4/signature/:signature_id/',
    { schema: { tags, summary: 'Delete a signature', params: IdParams, response: { 200: Enveloped(Success) } }, config: { auth: { roles: ['signature_manage'] } } },
    async (req, res) => reply(res, await store.remove(req.params.signature_id)),
  );
}
