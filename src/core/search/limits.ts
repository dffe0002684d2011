// The deployment's query limits (the search.* settings), which every parsed query is held to: searches, saved
// workflow queries, and the workflows the alerter applies to new alerts.
import type { AssayConfig } from '../../config.js';
import type { QueryLimits } from './lucene.js';

export function queryLimits(cfg: AssayConfig): QueryLimits {
  const s = cfg.search;
  return { maxLength: s.maxQueryLength, maxClauses: s.maxQueryClauses, maxDepth: s.maxQueryDepth, maxTermLength: s.maxTermLength, maxExpansion: s.maxQueryExpansion };
}
