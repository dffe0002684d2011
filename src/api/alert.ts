// /api/v4/alert/: alerts raised by ingests that asked for them.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AlertRecord } from '../core/alerts/alerter.js';
import { notFound } from '../core/errors.js';
import type { AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';

export default async function alertRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const alerts = ctx.storage.datastore.collection<AlertRecord>('alert');
  app.get(
    '/api/v4/alert/:alert_id/',
    { schema: { tags: ['alert'], summary: 'An alert', params: Type.Object({ alert_id: Type.String() }), response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: ['alert_view'] } } },
    async (req, res) => {
      const { alert_id } = req.params as { alert_id: string };
      const a = await alerts.get(alert_id);
      if (!a) throw notFound(`Alert ID ${alert_id} not found`, {});
      return reply(res, a);
    },
  );
}
