// /api/v4/heuristics/stats/: how often each heuristic fired and the scores of the results that raised it. The
// static "stats" segment takes precedence over `/heuristics/:heur_id/` (service.ts) in the router.
import type { ApiApp, AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { HeuristicStats } from './schemas/service.js';

export default async function heuristicStatsRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  app.get(
    '/api/v4/heuristics/stats/',
    {
      schema: {
        tags: ['heuristic'],
        summary: 'Per heuristic: how many results raised it, their lowest, average, highest and summed score, first and last hit',
        response: { 200: Enveloped(HeuristicStats) },
      },
      config: { auth: { roles: ['heuristic_view'] } },
    },
    async (_req, res) => reply(res, await ctx.heuristics.stats()),
  );
}
