// /api/v4/safelist/: hashes, tags and signatures known to be safe. The badlist serves the same routes (plus
// similarity lookups) from the same list logic, so the shared routes are registered here for either kind.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../core/errors.js';
import { notFoundMessage, type ListCaller, type ListSync } from '../core/lists/index.js';
import type { ListKind } from '../sdk/list-snapshot.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';

const IdParams = Type.Object({ id: Type.String({ description: 'id of the item (its preferred hash)' }) });

function callerOf(req: FastifyRequest): ListCaller {
  const p = principalOf(req);
  return { uname: p.user.uname, roles: [...p.roles] };
}

/** The routes both lists share: lookup, add/update (one or many), delete and enable/disable. */
export function registerListRoutes(app: FastifyInstance, lists: ListSync, kind: ListKind): void {
  const store = kind === 'safelist' ? lists.safelist : lists.badlist;
  const changed = () => lists.changed(kind);
  const base = `/api/v4/${kind}`;
  const view = kind === 'safelist' ? 'safelist_view' : 'badlist_view';
  const manage = kind === 'safelist' ? 'safelist_manage' : 'badlist_manage';
  const tags = [kind];

  app.get(
    `${base}/:qhash/`,
    {
      schema: {
        tags, summary: `Look up a ${kind} item by md5, sha1 or sha256`,
        params: Type.Object({ qhash: Type.String() }), response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: [view] } },
    },
    async (req, res) => {
      const { qhash } = req.params as { qhash: string };
      if (![32, 40, 64].includes(qhash.length)) throw badRequest('Invalid hash length', {});
      const found = await store.lookup(qhash);
      if (!found) throw notFound(notFoundMessage(kind), {});
      const { id: _id, ...item } = found;
      return reply(res, item);
    },
  );

  // Assemblyline accepts the item by PUT or POST.
  for (const method of ['PUT', 'POST'] as const) {
    app.route({
      method,
      url: `${base}/`,
      schema: { tags, summary: `Add an item to the ${kind}, or merge its sources into the stored one`, body: AnyJson, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: [manage] } },
      handler: async (req, res) => {
        const { op, hash } = await store.addUpdate(req.body, callerOf(req));
        await changed();
        return reply(res, { success: true, op, hash });
      },
    });
  }

  app.put(
    `${base}/add_update_many/`,
    {
      schema: { tags, summary: `Add or update a list of ${kind} items`, body: AnyJson, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: [manage] } },
    },
    async (req, res) => {
      const outcome = await store.addUpdateMany(req.body, callerOf(req));
      await changed();
      return reply(res, outcome);
    },
  );

  app.delete(
    `${base}/:id/`,
    {
      schema: { tags, summary: `Remove an item from the ${kind}`, params: IdParams, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: [manage] } },
    },
    async (req, res) => {
      await store.remove((req.params as { id: string }).id);
      await changed();
      return reply(res, { success: true });
    },
  );

  app.put(
    `${base}/enable/:id/`,
    {
      schema: { tags, summary: `Enable (true) or disable (false) a ${kind} item`, params: IdParams, body: AnyJson, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: [manage] } },
    },
    async (req, res) => {
      // Checked here rather than by schema: coercion would turn "false" or 0 into a boolean.
      if (typeof req.body !== 'boolean') throw badRequest('The request body must be true or false', {});
      await store.setEnabled((req.params as { id: string }).id, req.body);
      await changed();
      return reply(res, { success: true });
    },
  );
}

export default async function safelistRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  registerListRoutes(app, ctx.lists, 'safelist');
}
