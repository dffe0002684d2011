// API discovery and health: GET /api/ lists the API versions (the Python client checks for "v4" after
// login); /healthz/live answers while the process runs, /healthz/ready once storage answers too.
import { Type } from '@sinclair/typebox';
import type { ApiApp, AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { ApiVersions } from './schemas/auth.js';

// The probes answer in plain text for load balancers and orchestrators, outside the envelope.
const Probe = (ok: string) => ({ 200: { description: ok, content: { 'text/plain': { schema: Type.String() } } } });

export default async function systemRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  app.get(
    '/api/',
    {
      schema: { tags: ['system'], summary: 'API versions this server speaks', response: { 200: Enveloped(ApiVersions) } },
      config: { auth: { roles: [] } },
    },
    async (_req, res) => reply(res, ['v4']),
  );

  app.get('/healthz/live', { schema: { tags: ['system'], summary: 'Liveness probe', response: Probe('"OK" while the process runs') } }, async (_req, res) =>
    res.type('text/plain').send('OK'),
  );

  app.get(
    '/healthz/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness probe: storage reachable',
        response: {
          ...Probe('"OK" when storage answers'),
          503: { description: 'storage does not answer', content: { 'text/plain': { schema: Type.String() } } },
        },
      },
    },
    async (_req, res) => {
      try {
        await ctx.health.ready();
        return res.type('text/plain').send('OK');
      } catch (err) {
        ctx.logger.warn({ err }, 'readiness check failed');
        return res.code(503).type('text/plain').send('storage unavailable');
      }
    },
  );
}
