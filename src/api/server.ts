// Builds the HTTP server: Fastify with the Assemblyline envelope, authentication, body handling, API docs at
// /help/api/, and one route module per API area.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ASSAY_VERSION } from '../config.js';
import apikeyRoutes from './apikey.js';
import authRoutes from './auth.js';
import fileRoutes from './file.js';
import ingestRoutes from './ingest.js';
import submitRoutes from './submit.js';
import submissionRoutes from './submission.js';
import resultRoutes from './result.js';
import serviceRoutes from './service.js';
import fileResultRoutes from './file-results.js';
import alertRoutes from './alert.js';
import liveRoutes from './live.js';
import signatureRoutes from './signature.js';
import ontologyRoutes from './ontology.js';
import submissionReportRoutes from './submission-report.js';
import heuristicStatsRoutes from './heuristic-stats.js';
import safelistRoutes from './safelist.js';
import badlistRoutes from './badlist.js';
import searchRoutes from './search.js';
import workflowRoutes from './workflow.js';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { installAuthentication } from './authn.js';
import { clientErrorHandler, frameworkErrorHandler } from './client-errors.js';
import type { ApiApp, AppContext } from './context.js';
import { ErrorEnvelope } from './envelope.js';
import { installBodyParsers, installErrorHandling } from './errors.js';
import { installResponseCheck } from './response-check.js';
import { recordRoutes } from './route-table.js';
import systemRoutes from './system.js';
import userRoutes from './user.js';

export type RouteModule = (app: ApiApp, ctx: AppContext) => Promise<void>;

export const ROUTE_MODULES: RouteModule[] = [systemRoutes, authRoutes, userRoutes, apikeyRoutes, fileRoutes, ingestRoutes, submitRoutes, submissionRoutes, resultRoutes, serviceRoutes, fileResultRoutes, alertRoutes, liveRoutes, signatureRoutes, safelistRoutes, badlistRoutes, ontologyRoutes, submissionReportRoutes, heuristicStatsRoutes, searchRoutes, workflowRoutes];

export interface ServerOptions {
  https?: { key: string | Buffer; cert: string | Buffer };
  logger: FastifyServerOptions['loggerInstance'];
}

export async function buildServer(ctx: AppContext, opts: ServerOptions): Promise<FastifyInstance> {
  const { maxHeaderSize } = ctx.config.server;
  const app = Fastify({
    loggerInstance: opts.logger,
    ...(opts.https ? { https: { ...opts.https, maxHeaderSize } } : { http: { maxHeaderSize } }),
    bodyLimit: ctx.config.server.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: ctx.config.server.maxParamLength },
    // Requests refused before routing (oversized head, bad URL, overlong parameter) get the envelope too.
    clientErrorHandler: clientErrorHandler(ctx.config, opts.logger as FastifyBaseLogger),
    frameworkErrors: frameworkErrorHandler(ctx.config),
    // A line per request costs more than the request itself at ingest rates; only debug logging shows them.
    logController: new LogController({
      disableRequestLogging: ctx.config.server.logLevel !== 'debug' && ctx.config.server.logLevel !== 'trace',
    }),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  }) as unknown as FastifyInstance;

  recordRoutes(app);
  if (ctx.config.server.checkResponses) installResponseCheck(app);
  installErrorHandling(app, ctx);
  installBodyParsers(app, ctx.config.server);
  await app.register(cookie);
  // Uploads are streamed part by part (see upload.ts); limits are set per request there.
  await app.register(multipart);
  installAuthentication(app, ctx);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Assay API',
        version: ASSAY_VERSION,
        description:
          'Assemblyline 4 compatible REST API. Authenticate with the X-USER and X-APIKEY headers, or log in at ' +
          '/api/v4/auth/login/ and send the session cookie (plus X-XSRF-TOKEN on state-changing calls).',
      },
      components: {
        securitySchemes: {
          user: { type: 'apiKey', in: 'header', name: 'X-USER' },
          apikey: { type: 'apiKey', in: 'header', name: 'X-APIKEY' },
          session: { type: 'apiKey', in: 'cookie', name: 'session' },
        },
      },
      security: [{ user: [], apikey: [] }, { session: [] }],
    },
    transform: ({ schema, url, route }) => {
      const auth = route.config?.auth;
      // Routes outside /api (health probes) declare no access and are open, like anonymous ones.
      const note = auth?.roles.length ? `Requires one of the roles: ${auth.roles.join(', ')}.` : !auth || auth.anonymous ? 'No sign-in needed.' : 'Any signed-in user.';
      const description = [schema?.description, note].filter(Boolean).join('\n\n');
      // Every /api route can fail, and every failure is the same envelope; it is documented here rather than
      // declared on each route, where it would also serialise the errors. A route that declares no answers is
      // left to the generic "Default Response".
      const declared = schema?.response;
      const response = auth && typeof declared === 'object' && declared !== null ? { ...declared, default: ErrorEnvelope } : declared;
      return { schema: { ...schema, description, response }, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/help/api', uiConfig: { docExpansion: 'list', deepLinking: true } });

  for (const mod of ROUTE_MODULES) await app.register(async (scope) => mod(scope.withTypeProvider<TypeBoxTypeProvider>(), ctx));
  return app;
}
