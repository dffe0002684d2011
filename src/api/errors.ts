// Error handling for the HTTP layer: every failure under /api leaves as an Assemblyline envelope with the
// status and message the Python client expects; internals are logged, never sent.
import type { Static } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { AccessDenied, AssayError } from '../core/errors.js';
import { firstTooDeep, tooDeepMessage } from '../core/util/json-depth.js';
import type { AppContext } from './context.js';
import { ForbiddenBody, UnauthorizedBody, reply } from './envelope.js';
import { BAD_JSON_MESSAGE, describeRequestError, isClientAbort } from './request-errors.js';

export { BAD_JSON_MESSAGE };

/** The 401 body tells a login page which ways in exist. */
export function unauthorizedBody(): Static<typeof UnauthorizedBody> {
  return { allow_userpass_login: true, allow_signup: false, allow_saml_login: false };
}

/** The 403 body carries the settings a UI needs to explain the refusal. */
export function forbiddenBody(ctx: AppContext): Static<typeof ForbiddenBody> {
  return {
    auth: { allow_2fa: false, allow_apikeys: ctx.config.auth.allowApikeys, allow_security_tokens: false },
    ui: {
      allow_url_submissions: ctx.config.ui.allowUrlSubmissions,
      read_only: ctx.config.ui.readOnly,
      tos: Boolean(ctx.config.ui.tos),
      tos_lockout: false,
      tos_lockout_notify: false,
    },
  };
}

// Raised by core services too; kept importable from here for the route modules.

export function sendError(ctx: AppContext, req: FastifyRequest, res: FastifyReply, err: AssayError): FastifyReply {
  if (err.status === 401) {
    res.header('set-cookie', [
      'session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      'XSRF-TOKEN=; Max-Age=0; Path=/; SameSite=Lax',
    ]);
    return reply(res, unauthorizedBody(), 401, err.message);
  }
  if (err instanceof AccessDenied) {
    return reply(res, forbiddenBody(ctx), 403, `Access Denied (${req.url.split('?')[0]}) [${err.message}]`);
  }
  return reply(res, err.response, err.status, err.message);
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

export function installErrorHandling(app: FastifyInstance, ctx: AppContext): void {
  // A shadow router holding every registered path lets an unmatched request tell "no such API" (404) from
  // "this API exists but not for that method" (405).
  const shadow = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      if (m === 'HEAD' || m === 'OPTIONS') continue;
      try {
        shadow.on(m as 'GET', route.url, () => undefined);
      } catch {
        // duplicate registrations (e.g. plugin-added HEAD/GET pairs) are harmless here
      }
    }
  });

  app.setNotFoundHandler((req, res) => {
    const path = req.url.split('?')[0]!;
    const allowed = METHODS.filter((m) => m !== req.method && shadow.find(m, path));
    if (allowed.length) {
      res.header('allow', allowed.join(', '));
      return reply(res, '', 405, `Method ${req.method} is not allowed for ${path}; use ${allowed.join(', ')}`);
    }
    return reply(res, '', 404, `Api does not exist (${path})`);
  });

  app.setErrorHandler((error: FastifyError | AssayError, req, res) => {
    if (error instanceof AssayError) return sendError(ctx, req, res, error);
    const fe = error as FastifyError;
    if (isClientAbort(req, fe)) {
      req.log.info({ url: req.url, reason: fe.message }, 'client closed the connection before its request was complete (aborted upload)');
      return reply(res, '', 400, 'The request ended before it was complete');
    }
    const known = describeRequestError(fe, ctx.config);
    if (known) return reply(res, '', known[0], known[1]);
    req.log.error({ err: error, url: req.url }, 'request failed');
    return reply(res, '', 500, 'Internal Server Error');
  });
}

/**
 * JSON bodies: an empty body is accepted (the Python client labels every request application/json, bodiless
 * GETs included), malformed JSON is a 400 in Assemblyline's words, and routes that take YAML or bytes under a
 * JSON label receive the raw buffer.
 */
export function installBodyParsers(app: FastifyInstance, limits: { maxJsonDepth: number }): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    if (req.routeOptions.config?.rawBody) return done(null, body);
    if (body.length === 0 || /^\s*$/.test(body.toString('latin1'))) return done(null, undefined);
    const text = body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE') return done(null, undefined);
      return done(new AssayError(400, BAD_JSON_MESSAGE), undefined);
    }
    // Measured on valid JSON only, so a malformed body keeps Assemblyline's message.
    if (firstTooDeep(text, limits.maxJsonDepth) >= 0) return done(new AssayError(400, tooDeepMessage('The JSON body', limits.maxJsonDepth)), undefined);
    done(null, parsed);
  });
  // A route with a body schema validates an absent body as an empty object, so a missing field is reported
  // as such instead of "body must be object".
  app.addHook('preValidation', async (req) => {
    if (!req.routeOptions.schema?.body || req.routeOptions.config?.rawBody) return;
    // A route that describes a JSON body gets bytes or a form only when the content type says it is not
    // JSON; say so, rather than report the fields the bytes do not have.
    if (Buffer.isBuffer(req.body) || (req.body === undefined && req.isMultipart())) {
      throw new AssayError(400, `This API takes a JSON body (Content-Type: application/json), not ${req.headers['content-type']?.split(';')[0] || 'an untyped one'}`);
    }
    if (req.body === undefined) req.body = {};
  });
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body: Buffer, done) => done(null, body));
}
