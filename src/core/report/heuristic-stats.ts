// Heuristic statistics (`/heuristics/stats/`): for each heuristic of the catalogue, how many stored results raised
// it and the lowest, average, highest and summed score of those results, with the first and last time it was
// raised. As in Assemblyline, the scores are those of the whole results (a result raising a heuristic twice counts
// once), the average is truncated to an integer and the sum is capped at the largest 32-bit signed integer.
import type { Collection } from '../../store/datastore.js';
import type { HeuristicRecord, ResultRecord } from '../results/model.js';

export interface HeuristicStat {
  heur_id: string;
  name: string;
  classification: string;
  count: number;
  min: number;
  avg: number;
  max: number;
  sum: number;
  first_hit: string | null;
  last_hit: string | null;
}

const INT32_MAX = 2 ** 31 - 1;
const PAGE = 500;

interface Acc { count: number; min: number; max: number; sum: number; first: string | null; last: string | null }

/** The heuristic ids a result raised, each once. */
export function raisedHeuristics(result: Pick<ResultRecord, 'result'>): Set<string> {
  const out = new Set<string>();
  for (const s of result.result?.sections ?? []) if (s.heuristic?.heur_id) out.add(s.heuristic.heur_id);
  return out;
}

/** Folds results into per-heuristic accumulators; exported so the arithmetic can be checked on its own. */
export function accumulate(acc: Map<string, Acc>, result: Pick<ResultRecord, 'result' | 'created'>): void {
  const score = result.result?.score ?? 0;
  for (const id of raisedHeuristics(result)) {
    const a = acc.get(id) ?? { count: 0, min: Infinity, max: -Infinity, sum: 0, first: null, last: null };
    a.count += 1;
    a.min = Math.min(a.min, score);
    a.max = Math.max(a.max, score);
    a.sum += score;
    // Dates are ISO 8601 UTC with a fixed width, so string order is time order.
    if (result.created && (a.first === null || result.created < a.first)) a.first = result.created;
    if (result.created && (a.last === null || result.created > a.last)) a.last = result.created;
    acc.set(id, a);
  }
}

export function statsFor(heuristic: Pick<HeuristicRecord, 'heur_id' | 'name' | 'classification'>, a: Acc | undefined): HeuristicStat {
  const base = { heur_id: heuristic.heur_id, name: heuristic.name, classification: heuristic.classification };
  if (!a || a.count === 0) return { ...base, count: 0, min: 0, avg: 0, max: 0, sum: 0, first_hit: null, last_hit: null };
  return {
    ...base,
    count: a.count,
    min: Math.trunc(a.min),
    avg: Math.trunc(a.sum / a.count),
    max: Math.trunc(a.max),
    sum: Math.min(Math.trunc(a.sum), INT32_MAX),
    first_hit: a.first,
    last_hit: a.last,
  };
}

/** Statistics of one heuristic, over the results that raised it (found through the heuristic index). */
export async function heuristicStat(
  heuristic: Pick<HeuristicRecord, 'heur_id' | 'name' | 'classification'>,
  results: Pick<Collection<ResultRecord>, 'search'>,
): Promise<HeuristicStat> {
  const acc = new Map<string, Acc>();
  const filter = { op: 'eq' as const, field: 'result.sections.heuristic.heur_id', value: heuristic.heur_id };
  for (let offset = 0; ; offset += PAGE) {
    const page = await results.search({ filter, offset, limit: PAGE, fields: ['created', 'result.score', 'result.sections'], countTotal: false });
    for (const r of page.items) accumulate(acc, r);
    if (page.items.length < PAGE) break;
  }
  return statsFor(heuristic, acc.get(heuristic.heur_id));
}

/**
 * Statistics of every catalogue heuristic over every stored result, read a page at a time with only the fields
 * needed. Heuristics found in results but no longer in the catalogue are left out, as Assemblyline lists the
 * catalogue.
 */
export async function heuristicStats(
  catalogue: Pick<Collection<HeuristicRecord>, 'search'>,
  results: Pick<Collection<ResultRecord>, 'search'>,
): Promise<HeuristicStat[]> {
  const acc = new Map<string, Acc>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await results.search({ offset, limit: PAGE, fields: ['created', 'result.score', 'result.sections'], countTotal: false });
    for (const r of page.items) accumulate(acc, r);
    if (page.items.length < PAGE) break;
  }
  const heuristics: HeuristicRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await catalogue.search({ offset, limit: PAGE, countTotal: false });
    heuristics.push(...page.items);
    if (page.items.length < PAGE) break;
  }
  return heuristics
    .sort((a, b) => (a.heur_id < b.heur_id ? -1 : a.heur_id > b.heur_id ? 1 : 0))
    .map((h) => statsFor(h, acc.get(h.heur_id)));
}
