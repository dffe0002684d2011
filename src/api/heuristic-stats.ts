// /api/v4/heuristics/stats/: how often each heuristic fired and the scores of the results that raised it. The
// static "stats" segment takes precedence over `/heuristics/:heur_id/` (service.ts) in the router.
import { Type } from '@sinclair/typebox';
import { heuristicStats } from '../core/report/heuristic-stats.js';
import type { HeuristicRecord, ResultRecord } from '../core/results/model.js';
import type { ApiApp, AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';

const Stat = Type.Object({
  heur_id: Type.String(),
  name: Type.String(),
  classification: Type.String(),
  count: Type.Integer(),
  min: Type.Integer(),
  avg: Type.Integer(),
  max: Type.Integer(),
  sum: Type.Integer(),
  first_hit: Type.Union([Type.String(), Type.Null()]),
  last_hit: Type.Union([Type.String(), Type.Null()]),
});

export default async function heuristicStatsRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const heuristics = ctx.storage.datastore.collection<HeuristicRecord>('heuristic');
  const results = ctx.storage.datastore.collection<ResultRecord>('result');
  app.get(
    '/api/v4/heuristics/stats/',
    {
      schema: {
        tags: ['heuristic'],
        summary: 'Per heuristic: how many results raised it, their lowest, average, highest and summed score, first and last hit',
        response: { 200: Enveloped(Type.Array(Stat)) },
      },
      config: { auth: { roles: ['heuristic_view'] } },
    },
    async (_req, res) => reply(res, await heuristicStats(heuristics, results)),
  );
}
