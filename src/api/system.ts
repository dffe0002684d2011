// API discovery and health: GET /api/ lists the API versions (the Python client checks for "v4" after
// login); /healthz/live answers while the process runs, /healthz/ready once storage answers too.
import { Type } from '@sinclair/typebox';
import type { ApiApp, AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';

export default async function systemRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  app.get(
    '/api/',
    {
      schema: { tags: ['system'], summary: 'API versions this server speaks', response: { 200: Enveloped(Type.Array(Type.String())) } },
      config: { auth: { roles: [] } },
    },
    async (_req, res) => reply(res, ['v4']),
  );

  app.get('/healthz/live', { schema: { tags: ['system'], summary: 'Liveness probe' } }, async (_req, res) =>
    res.type('text/plain').send('OK'),
  );

  app.get('/healthz/ready', { schema: { tags: ['system'], summary: 'Readiness probe: storage reachable' } }, async (_req, res) => {
    try {
      await ctx.storage.datastore.ready();
      return res.type('text/plain').send('OK');
    } catch (err) {
      ctx.logger.warn({ err }, 'readiness check failed');
      return res.code(503).type('text/plain').send('storage unavailable');
    }
  });
}
