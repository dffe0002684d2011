// /api/v4/apikey/: create, list and delete API keys. A new key's secret is returned once, as "name:secret".
import { Type } from '@sinclair/typebox';
import { publicApikey } from '../core/auth/accounts.js';
import { badRequest, notFound } from '../core/errors.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, Success, reply } from './envelope.js';
import { AccessDenied } from './errors.js';
import { APIKEY_COLLECTION_FIELDS } from './fields.js';
import { ListQuery, parseListQuery, parseSort } from './list-query.js';
import { pageArgs } from './paging.js';

const AddBody = Type.Object(
  {
    key_name: Type.String({ minLength: 1 }),
    priv: Type.Array(Type.String({ enum: ['R', 'W', 'E', 'C'] }), { minItems: 1, description: 'ACL letters: R, W, E or C' }),
    uname: Type.Optional(Type.String({ description: 'owner (administrators only; default: the caller)' })),
    expiry_ts: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    roles: Type.Optional(Type.Array(Type.String(), { description: 'roles, with priv ["C"]' })),
  },
  { additionalProperties: true },
);

const KeyId = Type.Object({ key_id: Type.String({ minLength: 3 }) });

export default async function apikeyRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const { accounts } = ctx;

  app.get(
    '/api/v4/apikey/list/',
    {
      schema: { tags: ['apikey'], summary: 'List every API key of the system', querystring: ListQuery, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      const q = req.query as { offset?: number; rows?: number; query?: string; sort?: string };
      const { offset, rows } = pageArgs(q, ctx.config.search, 100);
      const result = await accounts.apikeys.search({
        filter: parseListQuery(q.query, APIKEY_COLLECTION_FIELDS),
        sort: parseSort(q.sort, APIKEY_COLLECTION_FIELDS),
        offset,
        limit: rows,
      });
      return reply(res, { items: result.items.map(publicApikey), offset, rows, total: result.total });
    },
  );

  app.put(
    '/api/v4/apikey/add/',
    {
      schema: {
        tags: ['apikey'],
        summary: 'Create an API key; the answer holds its secret, shown only this once',
        body: AddBody,
        response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: ['apikey_access'] } },
    },
    async (req, res) => {
      const p = principalOf(req);
      const b = req.body as { key_name: string; priv: string[]; uname?: string; expiry_ts?: string | null; roles?: string[] };
      const uname = b.uname ?? p.user.uname;
      if (uname !== p.user.uname && !p.roles.has('administration')) {
        throw badRequest(`You do not have the permission to modify API Key with id ${b.key_name}+${uname}`);
      }
      const maxDtl = ctx.config.auth.apikeyMaxDtl;
      if (maxDtl && (!b.expiry_ts || Date.parse(b.expiry_ts) >= Date.now() + maxDtl * 86_400_000)) {
        throw badRequest(`The expiry_ts is more than the max apikey dtl of ${maxDtl} days.`);
      }
      const { record, keypassword } = await accounts.createApikey({
        uname,
        keyName: b.key_name,
        acl: b.priv,
        roles: b.roles,
        expiryTs: b.expiry_ts ?? null,
      });
      const pub = publicApikey(record);
      return reply(res, { ...pub, keypassword });
    },
  );

  app.get(
    '/api/v4/apikey/username/:uname/',
    {
      schema: { tags: ['apikey'], summary: "A user's API keys", params: Type.Object({ uname: Type.String() }), response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: ['apikey_access'] } },
    },
    async (req, res) => {
      const { uname } = req.params as { uname: string };
      const p = principalOf(req);
      if (uname !== p.user.uname && !p.roles.has('administration')) {
        throw badRequest(`You do not have the permission to fetch API Keys for user ${uname}`);
      }
      return reply(res, await accounts.listApikeys(uname));
    },
  );

  app.get(
    '/api/v4/apikey/:key_id/',
    {
      schema: { tags: ['apikey'], summary: 'One API key (without its secret)', params: KeyId, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: ['apikey_access'] } },
    },
    async (req, res) => {
      const { key_id } = req.params as { key_id: string };
      const key = await accounts.apikeys.get(key_id);
      if (!key) throw notFound('Cannot find APIKey with the given ID.', null);
      const p = principalOf(req);
      if (key.uname !== p.user.uname && !p.roles.has('administration')) {
        throw new AccessDenied(`You do not have access to the apikey (${key_id}).`);
      }
      return reply(res, publicApikey({ ...key, id: key_id }));
    },
  );

  app.delete(
    '/api/v4/apikey/:key_id/',
    {
      schema: { tags: ['apikey'], summary: 'Delete an API key', params: KeyId, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['apikey_access'] } },
    },
    async (req, res) => {
      const { key_id } = req.params as { key_id: string };
      const key = await accounts.apikeys.get(key_id);
      const p = principalOf(req);
      if (!key || (key.uname !== p.user.uname && !p.roles.has('administration'))) return reply(res, { success: false });
      return reply(res, { success: await accounts.deleteApikey(key_id) });
    },
  );
}
