// The heuristic catalogue as clients read it: one heuristic with statistics of the results that raised it, and
// the statistics of every heuristic (see report/heuristic-stats.ts for the arithmetic).
import { notFound } from '../errors.js';
import type { AnalysisRecords } from '../records.js';
import { heuristicStat, heuristicStats, type HeuristicStat } from '../report/heuristic-stats.js';
import type { HeuristicRecord } from '../results/model.js';

/** A catalogue heuristic whose `stats` are counted from the stored results when it is read. */
export type HeuristicWithStats = Omit<HeuristicRecord, 'stats'> & { stats: Omit<HeuristicStat, 'heur_id' | 'name' | 'classification'> };

export class HeuristicService {
  constructor(private readonly records: Pick<AnalysisRecords, 'heuristics' | 'results'>) {}

  async get(heurId: string): Promise<HeuristicWithStats> {
    const h = await this.records.heuristics.get(heurId);
    if (!h) throw notFound('Heuristic not found', {});
    const { heur_id: _id, name: _name, classification: _c, ...stats } = await heuristicStat(h, this.records.results);
    return { ...h, stats };
  }

  /** Statistics of every catalogue heuristic, by heuristic id. */
  stats(): Promise<HeuristicStat[]> {
    return heuristicStats(this.records.heuristics, this.records.results);
  }
}
