// /api/v4/apikey/: create, list and delete API keys. A new key's secret is returned once, as "name:secret". The
// rules (whose keys a caller may touch, how long a key may live) live in the API-key service.
import { Type } from '@sinclair/typebox';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, Success, reply } from './envelope.js';
import { APIKEY_COLLECTION_FIELDS } from './fields.js';
import { parseListQuery, parseSort } from '../core/search/list-query.js';
import { ListQuery } from './list-query.js';
import { pageArgs } from './paging.js';
import { ApikeyPage, NewApikey, PublicApikey } from './schemas/apikey.js';

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
  const { apikeys } = ctx;

  app.get(
    '/api/v4/apikey/list/',
    {
      schema: { tags: ['apikey'], summary: 'List every API key of the system', querystring: ListQuery, response: { 200: Enveloped(ApikeyPage) } },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      const { offset, rows } = pageArgs(req.query, ctx.config.search, 100);
      const filter = parseListQuery(req.query.query, APIKEY_COLLECTION_FIELDS);
      const sort = parseSort(req.query.sort, APIKEY_COLLECTION_FIELDS);
      return reply(res, await apikeys.list({ filter, sort, offset, rows }));
    },
  );

  app.put(
    '/api/v4/apikey/add/',
    {
      schema: {
        tags: ['apikey'],
        summary: 'Create an API key; the answer holds its secret, shown only this once',
        body: AddBody,
        response: { 200: Enveloped(NewApikey) },
      },
      config: { auth: { roles: ['apikey_access'] } },
    },
    async (req, res) => reply(res, await apikeys.create(principalOf(req), req.body)),
  );

  app.get(
    '/api/v4/apikey/username/:uname/',
    {
      schema: { tags: ['apikey'], summary: "A user's API keys", params: Type.Object({ uname: Type.String() }), response: { 200: Enveloped(Type.Array(PublicApikey)) } },
      config: { auth: { roles: ['apikey_access'] } },
    },
    async (req, res) => reply(res, await apikeys.forUser(principalOf(req), req.params.uname)),
  );

  app.get(
    '/api/v4/apikey/:key_id/',
    {
      schema: { tags: ['apikey'], summary: 'One API key (without its secret)', params: KeyId, response: { 200: Enveloped(PublicApikey) } },
      config: { auth: { roles: ['apikey_access'] } },
    },
    async (req, res) => reply(res, await apikeys.get(principalOf(req), req.params.key_id)),
  );

  app.delete(
    '/api/v4/apikey/:key_id/',
    {
      schema: { tags: ['apikey'], summary: 'Delete an API key', params: KeyId, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['apikey_access'] } },
    },
    async (req, res) => reply(res, { success: await apikeys.delete(principalOf(req), req.params.key_id) }),
  );
}
