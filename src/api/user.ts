// /api/v4/user/: who am I, and account management (administrators manage everyone, users themselves).
import { Type } from '@sinclair/typebox';
import { publicUser, type NewUser } from '../core/auth/accounts.js';
import { rolesForUser } from '../core/auth/roles.js';
import { requestMetadata } from '../core/submission/metadata.js';
import { profileParams, SUBMISSION_PROFILES } from '../core/submission/params.js';
import { badRequest, forbidden, notFound } from '../core/errors.js';
import { USER_COLLECTION_FIELDS } from './fields.js';
import { assertSelfOrAdmin } from './authn.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, Success, reply } from './envelope.js';
import { AccessDenied } from './errors.js';
import { ListQuery, parseListQuery, parseSort } from './list-query.js';
import { pageArgs } from './paging.js';
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

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

// Fields a user may change on their own account; everything else needs administration.
const SELF_EDITABLE = new Set(['name', 'email', 'new_pass', 'new_pass_confirm', 'password', 'uname', 'avatar']);

export default async function userRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const { accounts } = ctx;

  app.get(
    '/api/v4/user/whoami/',
    {
      schema: { tags: ['user'], summary: 'The signed-in user and the system settings that apply to them', response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: [] } },
    },
    async (req, res) => {
      const p = principalOf(req);
      return reply(res, whoami(p, ctx.config, await ctx.settings.get(p.user.uname)));
    },
  );

  app.get(
    '/api/v4/user/list/',
    {
      schema: { tags: ['user'], summary: 'List user accounts', querystring: ListQuery, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      const q = req.query as { offset?: number; rows?: number; query?: string; sort?: string };
      const { offset, rows } = pageArgs(q, ctx.config.search, 100);
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
      await ctx.settings.delete(username);
      return reply(res, { success: true });
    },
  );

  const otherUser = (req: { principal?: unknown }, username: string, what: string) => {
    const p = principalOf(req as never);
    if (username !== p.user.uname && username.toLowerCase() !== '__current__' && !p.roles.has('administration')) {
      throw new AccessDenied(`You are not allowed to ${what} for another user then yourself.`);
    }
    return username.toLowerCase() === '__current__' ? p.user.uname : username;
  };

  app.get(
    '/api/v4/user/settings/:username/',
    { schema: { tags: ['user'], summary: "A user's settings", params: Username, response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: [] } } },
    async (req, res) => {
      const uname = otherUser(req, (req.params as { username: string }).username, 'view settings');
      if (!(await accounts.getUser(uname))) throw notFound(`User ${uname} does not exists`, {});
      return reply(res, await ctx.settings.get(uname));
    },
  );

  app.post(
    '/api/v4/user/settings/:username/',
    {
      schema: { tags: ['user'], summary: "Save a user's settings", params: Username, body: Type.Object({}, { additionalProperties: true }), response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['self_manage', 'administration'] } },
    },
    async (req, res) => {
      const uname = otherUser(req, (req.params as { username: string }).username, 'set settings');
      const user = await accounts.getUser(uname);
      if (!user) throw notFound(`User ${uname} does not exists`, { success: false });
      const body = { ...(req.body as Record<string, unknown>) };
      // Default metadata joins every submission of the user and saved profiles become their params: both are
      // held to the rules a submission is, now rather than at each later submission.
      if ('default_metadata' in body) body.default_metadata = requestMetadata(body.default_metadata, ctx.submitOptions('submit').metadata, 'default_metadata');
      if (isPlainObject(body.submission_profiles)) {
        const profiles = body.submission_profiles as Record<string, Record<string, unknown>>;
        const submitter = { ...user, roles: rolesForUser(user.type, user.roles), profiles };
        for (const name of Object.keys(profiles)) if (isPlainObject(profiles[name])) profileParams(name, submitter, { ttl: ctx.config.submission.dtl });
      }
      await ctx.settings.save(uname, body);
      return reply(res, { success: true });
    },
  );

  app.get(
    '/api/v4/user/submission_params/:username/:profile/',
    {
      schema: { tags: ['user'], summary: 'The submission params a profile gives this user', params: Type.Object({ username: Type.String(), profile: Type.String() }), response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: [] } },
    },
    async (req, res) => {
      const { username, profile } = req.params as { username: string; profile: string };
      const uname = otherUser(req, username, 'view settings');
      const user = await accounts.getUser(uname);
      if (!user) throw notFound(`User ${uname} does not exists`, {});
      const settings = await ctx.settings.get(uname);
      const known = profile === 'default' || profile in SUBMISSION_PROFILES || profile in settings.submission_profiles;
      if (!known) {
        throw badRequest(`Submission profile '${profile}' does not exist for user: ${uname}. Select one of ${JSON.stringify(['default', ...Object.keys(SUBMISSION_PROFILES)])}.`);
      }
      const params = profileParams(profile === 'default' ? undefined : profile, { ...user, roles: rolesForUser(user.type, user.roles), profiles: settings.submission_profiles }, { ttl: ctx.config.submission.dtl });
      return reply(res, params);
    },
  );
}
