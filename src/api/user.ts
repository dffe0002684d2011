// /api/v4/user/: who am I, and account management (administrators manage everyone, users themselves). The rules
// live in the user service; these handlers read the request and shape the answer.
import { Type } from '@sinclair/typebox';
import { USER_COLLECTION_FIELDS } from './fields.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, Success, reply } from './envelope.js';
import { parseListQuery, parseSort } from '../core/search/list-query.js';
import { ListQuery } from './list-query.js';
import { pageArgs } from './paging.js';
import { SubmissionParams } from './schemas/submission.js';
import { PublicUser, UserPage, UserSettings, WhoAmI } from './schemas/user.js';

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
    apikeys: Type.Optional(Type.Unknown({ description: 'refused when not empty: keys are made at /api/v4/apikey/add/' })),
  },
  // Clients send back the whole record they read; fields that are not listed count only if they change.
  { additionalProperties: true },
);

// Settings are checked field by field by the user service, with Assemblyline's messages; unknown keys are ignored.
const SettingsBody = Type.Record(Type.String(), Type.Unknown());

export default async function userRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const { users } = ctx;

  app.get(
    '/api/v4/user/whoami/',
    {
      schema: { tags: ['user'], summary: 'The signed-in user and the system settings that apply to them', response: { 200: Enveloped(WhoAmI) } },
      config: { auth: { roles: [] } },
    },
    async (req, res) => reply(res, await users.whoami(principalOf(req))),
  );

  app.get(
    '/api/v4/user/list/',
    {
      schema: { tags: ['user'], summary: 'List user accounts', querystring: ListQuery, response: { 200: Enveloped(UserPage) } },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      const { offset, rows } = pageArgs(req.query, ctx.config.search, 100);
      const filter = parseListQuery(req.query.query, USER_COLLECTION_FIELDS);
      const sort = parseSort(req.query.sort, USER_COLLECTION_FIELDS);
      return reply(res, await users.list({ filter, sort, offset, rows }));
    },
  );

  app.put(
    '/api/v4/user/:username/',
    {
      schema: { tags: ['user'], summary: 'Add a user', params: Username, body: UserBody, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      await users.add(req.params.username, req.body);
      return reply(res, { success: true });
    },
  );

  app.get(
    '/api/v4/user/:username/',
    {
      schema: { tags: ['user'], summary: 'A user account', params: Username, response: { 200: Enveloped(PublicUser) } },
      config: { auth: { roles: [] } },
    },
    async (req, res) => reply(res, await users.get(principalOf(req), req.params.username)),
  );

  app.post(
    '/api/v4/user/:username/',
    {
      schema: { tags: ['user'], summary: 'Update a user account', params: Username, body: UserBody, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['self_manage', 'administration'] } },
    },
    async (req, res) => {
      await users.update(principalOf(req), req.params.username, req.body);
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
      await users.remove(req.params.username);
      return reply(res, { success: true });
    },
  );

  app.get(
    '/api/v4/user/settings/:username/',
    {
      schema: { tags: ['user'], summary: "A user's settings", params: Username, response: { 200: Enveloped(UserSettings) } },
      config: { auth: { roles: [] } },
    },
    async (req, res) => reply(res, await users.getSettings(principalOf(req), req.params.username)),
  );

  app.post(
    '/api/v4/user/settings/:username/',
    {
      schema: { tags: ['user'], summary: "Save a user's settings", params: Username, body: SettingsBody, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['self_manage', 'administration'] } },
    },
    async (req, res) => {
      await users.saveSettings(principalOf(req), req.params.username, req.body);
      return reply(res, { success: true });
    },
  );

  app.get(
    '/api/v4/user/submission_params/:username/:profile/',
    {
      schema: {
        tags: ['user'],
        summary: 'The submission params a profile gives this user',
        params: Type.Object({ username: Type.String(), profile: Type.String() }),
        response: { 200: Enveloped(SubmissionParams) },
      },
      config: { auth: { roles: [] } },
    },
    async (req, res) => reply(res, await users.submissionParams(principalOf(req), req.params.username, req.params.profile)),
  );
}
