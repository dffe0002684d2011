// /api/v4/auth/: the login exchange the Python client performs on connect, and logout.
import { Type, type Static } from '@sinclair/typebox';
import type { ApiApp, AppContext } from './context.js';
import { Enveloped, Success, reply } from './envelope.js';
import { LoginAnswer } from './schemas/auth.js';

const LoginBody = Type.Object(
  {
    user: Type.Optional(Type.String({ description: 'user name' })),
    password: Type.Optional(Type.String({ description: 'password, for an interactive session' })),
    apikey: Type.Optional(Type.String({ description: 'API key as "name:secret", for a key-limited session' })),
    otp: Type.Optional(Type.Unknown()),
    oauth_provider: Type.Optional(Type.String()),
    oauth_token: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export function sessionCookies(token: string, xsrf: string, secure: boolean): string[] {
  const s = secure ? '; Secure' : '';
  return [`session=${token}; Path=/; HttpOnly; SameSite=Lax${s}`, `XSRF-TOKEN=${xsrf}; Path=/; SameSite=Lax${s}`];
}

export default async function authRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const secure = !ctx.config.server.http;

  const login = async (b: Static<typeof LoginBody>, req: { ip: string; headers: { 'user-agent'?: string } }) =>
    ctx.authenticator.login({ user: b.user, password: b.password, apikey: b.apikey }, { ip: req.ip, userAgent: req.headers['user-agent'] ?? '' });

  const schema = {
    tags: ['auth'],
    summary: 'Log in with user and password or user and API key; sets the session and XSRF-TOKEN cookies',
    response: { 200: Enveloped(LoginAnswer) },
  };

  app.post('/api/v4/auth/login/', { schema: { ...schema, body: LoginBody }, config: { auth: { roles: [], anonymous: true } } }, async (req, res) => {
    const out = await login(req.body, req);
    res.header('set-cookie', sessionCookies(out.token, out.xsrf, secure));
    return reply(res, { username: out.username, roles_limit: out.rolesLimit, session_duration: ctx.config.auth.sessionDurationSeconds });
  });

  // Assemblyline also accepts the login values as query arguments on GET.
  app.get('/api/v4/auth/login/', { schema: { ...schema, querystring: LoginBody }, config: { auth: { roles: [], anonymous: true } } }, async (req, res) => {
    const out = await login(req.query, req);
    res.header('set-cookie', sessionCookies(out.token, out.xsrf, secure));
    return reply(res, { username: out.username, roles_limit: out.rolesLimit, session_duration: ctx.config.auth.sessionDurationSeconds });
  });

  app.get(
    '/api/v4/auth/logout/',
    {
      schema: { tags: ['auth'], summary: 'End the current session', response: { 200: Enveloped(Success) } },
      config: { auth: { roles: [], xsrf: false } },
    },
    async (req, res) => {
      const token = req.cookies?.session;
      if (token) await ctx.authenticator.logout(token);
      res.header('set-cookie', [
        `session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
        `XSRF-TOKEN=; Max-Age=0; Path=/; SameSite=Lax`,
      ]);
      return reply(res, { success: true });
    },
  );
}
