// /api/v4/user/: who am I, and account management (administrators manage everyone, users themselves).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { publicUser, type NewUser } from '../core/auth/accounts.js';
import { badRequest, forbidden, notFound } from '../core/errors.js';
import { USER_COLLECTION_FIELDS } from './fields.js';
import { assertSelfOrAdmin } from './authn.js';
import { principalOf, type AppContext } from './context.js';
import { AnyJson, Enveloped, Success, reply } from './envelope.js';
import { AccessDenied } from './errors.js';
import { ListQuery, parseListQuery, parseSort } from './list-query.js';
import { whoami } from './whoami.js';

const Username = Type.Object({ username: Type.String({ minLength: 1 }) });

const UserBody = Type.Object(
  {
    uname: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    email: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    type: Type.Optional(Type.Array(Type.String())),
    roles: Type.Optional(Type.Array(Type.String())),
    groups: Type.Optional(Type.Array(Type.String())),
    classification: Type.Optional(Type.String()),
    is_active: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ description: 'initial password (add only)' })),
    new_pass: Type.Optional(Type.String({ description: 'new password' })),
  },
  { additionalProperties: true },
);
type UserBodyT = Omit<Partial<NewUser>, 'password' | 'uname'> & { password?: string; new_pass?: string; apikeys?: unknown };

// Fields a user may change on their own account; everything else needs administration.
const SELF_EDITABLE = new Set(['name', 'email', 'new_pass', 'new_pass_confirm', 'password', 'uname', 'avatar']);

export default async function userRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { accounts } = ctx;

  app.get(
    '/api/v4/user/whoami/',
    {
      schema: { tags: ['user'], summary: 'The signed-in user and the system settings that apply to them', response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: [] } },
    },
    async (req, res) => reply(res, whoami(principalOf(req), ctx.config)),
  );

  app.get(
    '/api/v4/user/list/',
    {
      schema: { tags: ['user'], summary: 'List user accounts', querystring: ListQuery, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      const q = req.query as { offset?: number; rows?: number; query?: string; sort?: string };
      const offset = q.offset ?? 0;
      const rows = q.rows ?? 100;
      const result = await accounts.users.search({
        filter: parseListQuery(q.query, USER_COLLECTION_FIELDS),
        sort: parseSort(q.sort, USER_COLLECTION_FIELDS),
        offset,
        limit: rows,
      });
      return reply(res, { items: result.items.map((u) => ({ ...publicUser(u), id: u.id })), offset, rows, total: result.total });
    },
  );

  app.put(
    '/api/v4/user/:username/',
    {
      schema: { tags: ['user'], summary: 'Add a user', params: Username, body: UserBody, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      const { username } = req.params as { username: string };
      const b = (req.body ?? {}) as UserBodyT;
      if (username.includes('{') || username.includes('}')) {
        return reply(res, { success: false }, 412, "You can't use '{}' in the username");
      }
      if (b.apikeys && Object.keys(b.apikeys).length) {
        return reply(res, { success: false }, 412, 'You cannot create apikeys with this endpoint.');
      }
      const input: NewUser = { ...b, uname: username, password: b.new_pass ?? b.password ?? null };
      await accounts.createUser(input);
      return reply(res, { success: true });
    },
  );

  app.get(
    '/api/v4/user/:username/',
    {
      schema: { tags: ['user'], summary: 'A user account', params: Username, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: [] } },
    },
    async (req, res) => {
      const { username } = req.params as { username: string };
      const p = principalOf(req);
      if (username !== p.user.uname && !p.roles.has('administration')) {
        throw new AccessDenied('You are not allowed to view another user then yourself.');
      }
      const user = await accounts.getUser(username);
      if (!user) throw notFound(`User ${username} does not exists`, {});
      return reply(res, publicUser(user));
    },
  );

  app.post(
    '/api/v4/user/:username/',
    {
      schema: { tags: ['user'], summary: 'Update a user account', params: Username, body: UserBody, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['self_manage', 'administration'] } },
    },
    async (req, res) => {
      const { username } = req.params as { username: string };
      assertSelfOrAdmin(req, username);
      const p = principalOf(req);
      const b = (req.body ?? {}) as UserBodyT;
      const isAdmin = p.roles.has('administration');
      if (!isAdmin) {
        // Clients send back the whole record they read; only fields that actually change count.
        const rec = await accounts.getUser(username);
        const current: Record<string, unknown> = rec ? publicUser(rec) : {};
        const touched = Object.keys(b).filter(
          (k) => !SELF_EDITABLE.has(k) && JSON.stringify((b as Record<string, unknown>)[k]) !== JSON.stringify(current[k]),
        );
        if (touched.length) throw forbidden(`You are not allowed to change these fields of your account: ${touched.join(', ')}`, { success: false });
      }
      if (b.name !== undefined && !b.name) throw badRequest('Full name of the user cannot be empty', { success: false });
      await accounts.updateUser(username, {
        name: b.name,
        email: b.email,
        type: isAdmin ? b.type : undefined,
        roles: isAdmin ? b.roles : undefined,
        groups: isAdmin ? b.groups : undefined,
        classification: isAdmin ? b.classification : undefined,
        is_active: isAdmin ? b.is_active : undefined,
        password: b.new_pass || undefined,
      });
      if (b.is_active === false || b.new_pass) await ctx.sessions.destroyForUser(username);
      return reply(res, { success: true });
    },
  );

  app.delete(
    '/api/v4/user/:username/',
    {
      schema: { tags: ['user'], summary: 'Remove a user and their API keys', params: Username, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      const { username } = req.params as { username: string };
      if (!(await accounts.deleteUser(username))) throw notFound(`User ${username} does not exist`, { success: false });
      await ctx.sessions.destroyForUser(username);
      return reply(res, { success: true });
    },
  );
}
