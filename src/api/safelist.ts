// /api/v4/safelist/: hashes, tags and signatures known to be safe. The badlist serves the same routes (plus
// similarity lookups) from the same list logic, so the shared routes are registered here for either kind.
import { Type } from '@sinclair/typebox';
import type { Principal } from '../core/auth/authenticator.js';
import { badRequest } from '../core/errors.js';
import type { ListCaller, ListService } from '../core/lists/index.js';
import type { ListKind } from '../sdk/list-snapshot.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, Success, reply } from './envelope.js';
import { ItemSaved, ItemsSaved, ListItem } from './schemas/lists.js';

const IdParams = Type.Object({ id: Type.String({ description: 'id of the item (its preferred hash)' }) });
// Items are checked field by field by the list model, with Assemblyline's messages.
const ItemBody = Type.Unknown({ description: 'a list item: {type, hashes|tag|signature, sources, ...}' });
const ItemsBody = Type.Unknown({ description: 'a list of items' });
// Checked by hand rather than typed as a boolean: coercion would turn "false" or 0 into one.
const EnabledBody = Type.Unknown({ description: 'true or false' });

function callerOf(req: { principal?: Principal }): ListCaller {
  const p = principalOf(req);
  return { uname: p.user.uname, roles: [...p.roles] };
}

/** The routes both lists share: lookup, add/update (one or many), delete and enable/disable. */
export function registerListRoutes(app: ApiApp, lists: ListService, kind: ListKind): void {
  const base = `/api/v4/${kind}`;
  const view = kind === 'safelist' ? 'safelist_view' : 'badlist_view';
  const manage = kind === 'safelist' ? 'safelist_manage' : 'badlist_manage';
  const tags = [kind];

  app.get(
    `${base}/:qhash/`,
    {
      schema: {
        tags, summary: `Look up a ${kind} item by md5, sha1 or sha256`,
        params: Type.Object({ qhash: Type.String() }), response: { 200: Enveloped(ListItem) },
      },
      config: { auth: { roles: [view] } },
    },
    async (req, res) => reply(res, await lists.lookup(kind, req.params.qhash)),
  );

  // Assemblyline accepts the item by PUT or POST.
  for (const method of ['PUT', 'POST'] as const) {
    app.route({
      method,
      url: `${base}/`,
      schema: { tags, summary: `Add an item to the ${kind}, or merge its sources into the stored one`, body: ItemBody, response: { 200: Enveloped(ItemSaved) } },
      config: { auth: { roles: [manage] } },
      handler: async (req, res) => reply(res, { success: true, ...(await lists.add(kind, req.body, callerOf(req))) }),
    });
  }

  app.put(
    `${base}/add_update_many/`,
    {
      schema: { tags, summary: `Add or update a list of ${kind} items`, body: ItemsBody, response: { 200: Enveloped(ItemsSaved) } },
      config: { auth: { roles: [manage] } },
    },
    async (req, res) => reply(res, await lists.addMany(kind, req.body, callerOf(req))),
  );

  app.delete(
    `${base}/:id/`,
    {
      schema: { tags, summary: `Remove an item from the ${kind}`, params: IdParams, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: [manage] } },
    },
    async (req, res) => {
      await lists.remove(kind, req.params.id);
      return reply(res, { success: true });
    },
  );

  app.put(
    `${base}/enable/:id/`,
    {
      schema: { tags, summary: `Enable (true) or disable (false) a ${kind} item`, params: IdParams, body: EnabledBody, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: [manage] } },
    },
    async (req, res) => {
      if (typeof req.body !== 'boolean') throw badRequest('The request body must be true or false', {});
      await lists.setEnabled(kind, req.params.id, req.body);
      return reply(res, { success: true });
    },
  );
}

export default async function safelistRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  registerListRoutes(app, ctx.listItems, 'safelist');
}
