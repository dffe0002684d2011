// The authentication gate in front of every route: API-key headers first, then the session cookie; then the
// route's role requirement and, for password sessions, the XSRF header on state-changing methods.
import type { FastifyInstance } from 'fastify';
import { AccessDenied, unauthorized } from '../core/errors.js';
import type { AppContext } from './context.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/**
 * The XSRF token given as the `XSRF_TOKEN` query argument, which Assemblyline accepts instead of the header. The
 * hook runs before any route schema applies, so the query is read as whatever the parser made of it.
 */
function xsrfQueryArgument(query: unknown): unknown {
  return typeof query === 'object' && query !== null && 'XSRF_TOKEN' in query ? query.XSRF_TOKEN : undefined;
}

export function installAuthentication(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api') && !route.config?.auth) {
      throw new Error(`route ${route.method} ${route.url} does not declare who may call it`);
    }
  });

  app.addHook('onRequest', async (req) => {
    const auth = req.routeOptions.config?.auth;
    if (!auth) return; // static assets, docs, not-found
    const uname = req.headers['x-user'];
    const apikey = req.headers['x-apikey'];
    const token = req.cookies?.session;
    if (typeof uname === 'string' && typeof apikey === 'string' && uname && apikey) {
      req.principal = await ctx.authenticator.fromApikeyHeaders(uname, apikey, req.ip);
    } else if (token) {
      req.principal = await ctx.authenticator.fromSession(token);
    } else if (auth.anonymous) {
      return;
    } else {
      throw unauthorized('Session not found');
    }
    if (auth.anonymous) return;
    const p = req.principal;
    if (
      p.via === 'session' &&
      p.rolesLimit === null &&
      auth.xsrf !== false &&
      STATE_CHANGING.has(req.method) &&
      (req.headers['x-xsrf-token'] ?? xsrfQueryArgument(req.query)) !== p.session?.xsrf
    ) {
      throw new AccessDenied('Invalid XSRF token');
    }
    if (auth.roles.length && !auth.roles.some((r) => p.roles.has(r))) {
      const path = req.url.split('?')[0];
      throw new AccessDenied(`API ${path} requires one of the following roles: ${auth.roles.join(', ')}`);
    }
  });
}
