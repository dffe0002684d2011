// /api/v4/signature/: detection rules (YARA and others) as Assemblyline's signature API exposes them.
import { Type } from '@sinclair/typebox';
import { rulesDir, SignatureStore, type SignatureInput } from '../core/signatures/store.js';
import type { ApiApp, AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';
import { parseListQuery } from './list-query.js';

const QUERY_FIELDS = ['name', 'type', 'source', 'status', 'signature_id', 'classification'];
const IdParams = Type.Object({ signature_id: Type.String() });
const Dedup = Type.Object({ dedup_name: Type.Optional(Type.String()) });
const isTrue = (v: string | undefined) => (v ?? 'true').toLowerCase() === 'true';

export default async function signatureRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const store = new SignatureStore(ctx.storage.datastore);
  // Every change the API makes is written out for the YARA analyser, so the next scan uses it.
  app.addHook('onResponse', async (req, res) => {
    const mutating = req.method !== 'GET' || /\/(change_status|clear_status)\//.test(req.url);
    if (res.statusCode === 200 && mutating) await store.exportActive(rulesDir(ctx.config.dataDir));
  });
  const tags = ['signature'];

  for (const method of ['POST', 'PUT'] as const) {
    app.route({
      method, url: '/api/v4/signature/add_update/',
      schema: { tags, summary: 'Add or update a signature', querystring: Dedup, body: AnyJson, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: ['signature_import'] } },
      handler: async (req, res) => {
        const { dedup_name } = req.query as { dedup_name?: string };
        const r = await store.addUpdate(req.body as SignatureInput, isTrue(dedup_name));
        // AL answers `id`; some clients read `signature_id`, so both carry the key.
        return reply(res, { success: r.success, id: r.id, signature_id: r.id });
      },
    });
    app.route({
      method, url: '/api/v4/signature/add_update_many/',
      schema: {
        tags, summary: 'Add or update many signatures of one source',
        querystring: Type.Object({ source: Type.Optional(Type.String()), sig_type: Type.Optional(Type.String()), dedup_name: Type.Optional(Type.String()) }),
        body: AnyJson, response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: ['signature_import'] } },
      handler: async (req, res) => {
        const q = req.query as { source?: string; sig_type?: string; dedup_name?: string };
        return reply(res, await store.addUpdateMany(q.source, q.sig_type, req.body, isTrue(q.dedup_name)));
      },
    });
  }

  app.get(
    '/api/v4/signature/change_status/:signature_id/:status/',
    { schema: { tags, summary: 'Change the status of a signature', params: Type.Object({ signature_id: Type.String(), status: Type.String() }), response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: ['signature_manage'] } } },
    async (req, res) => {
      const { signature_id, status } = req.params as { signature_id: string; status: string };
      return reply(res, await store.changeStatus(signature_id, status, req.principal?.user.uname ?? ''));
    },
  );

  app.get(
    '/api/v4/signature/clear_status/:signature_id/',
    { schema: { tags, summary: "Clear the user's status change of a signature", params: IdParams, response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: ['signature_manage'] } } },
    async (req, res) => reply(res, await store.clearStatus((req.params as { signature_id: string }).signature_id)),
  );

  app.get(
    '/api/v4/signature/stats/',
    { schema: { tags, summary: 'Statistics of every signature', response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: ['signature_view'] } } },
    async (_req, res) => reply(res, await store.stats()),
  );

  app.get(
    '/api/v4/signature/download/',
    {
      schema: { tags, summary: 'A zip of the signatures matching a query (default: deployed ones)', querystring: Type.Object({ query: Type.Optional(Type.String()) }) },
      config: { auth: { roles: ['signature_download'], xsrf: false } },
    },
    async (req, res) => {
      const query = (req.query as { query?: string }).query || 'status:DEPLOYED';
      const { fileName, zip } = await store.download(parseListQuery(query, QUERY_FIELDS), query);
      return res.code(200).type('application/zip')
        .header('content-disposition', `attachment; filename=${fileName}`)
        .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
    },
  );

  app.get(
    '/api/v4/signature/:signature_id/',
    { schema: { tags, summary: 'A signature', params: IdParams, response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: ['signature_view'] } } },
    async (req, res) => reply(res, await store.get((req.params as { signature_id: string }).signature_id)),
  );

  app.delete(
    '/api/v4/signature/:signature_id/',
    { schema: { tags, summary: 'Delete a signature', params: IdParams, response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: ['signature_manage'] } } },
    async (req, res) => reply(res, await store.remove((req.params as { signature_id: string }).signature_id)),
  );
}
