// When a limit cuts a submission's analysis short, the submission says so with a scored result on the submitted
// file: what was left unanalysed may be exactly what matters (a payload nested one level too deep, a bomb that
// exhausts the budget before the real content), so a cut analysis is never reported as clean.
import type { ServiceManifest } from '../../sdk/manifest.js';
import { buildResult } from '../results/postprocess.js';
import { resultKey } from '../results/keys.js';
import type { HeuristicRecord, ResultRecord } from '../results/model.js';
import { isoDate } from '../util/time.js';
import type { BudgetLimits, Cut, LimitKind } from './budget.js';

/** The dispatcher reports under its own name, like the errors it records for refused files. */
export const DISPATCHER_SERVICE: ServiceManifest = {
  name: 'Dispatcher',
  version: '1',
  stage: 'REVIEW',
  category: 'Static Analysis',
  description: 'Limits on the depth, file count and bytes of a submission',
  accepts: '.*',
  timeoutSeconds: 60,
  heuristics: [
    {
      id: 1,
      name: 'Analysis cut short by a limit',
      score: 500,
      maxScore: 500,
      filetype: '.*',
      description:
        'A limit on extraction depth, extracted files, supplementary files or extracted bytes stopped part of the ' +
        'submission from being analysed. Resubmit with higher limits, or analyse the files left out on their own.',
    },
  ],
};

/** Files listed by name in the report; the rest are counted. */
const LISTED = 100;

const LIMIT_SETTING: Record<LimitKind, (l: BudgetLimits) => string> = {
  depth: (l) => `extraction depth ${l.maxDepth}`,
  files: (l) => `${l.maxFiles} extracted files`,
  supplementary: (l) => `${l.maxSupplementary} supplementary files`,
  bytes: (l) => `${l.maxBytes} bytes of extracted files`,
};

export function limitResult(opts: {
  sid: string;
  root: { sha256: string; type: string; size: number };
  cuts: readonly Cut[];
  limits: BudgetLimits;
  heuristics: ReadonlyMap<string, HeuristicRecord>;
  ttlDays: number;
  classification: string;
}): { key: string; record: ResultRecord } {
  const byLimit = new Map<LimitKind, number>();
  for (const c of opts.cuts) byLimit.set(c.limit, (byLimit.get(c.limit) ?? 0) + 1);
  const now = isoDate();
  const summary = Object.fromEntries([...byLimit].map(([limit, n]) => [`files left out by the limit of ${LIMIT_SETTING[limit](opts.limits)}`, n]));
  const built = buildResult(
    {
      sections: [
        {
          title: 'Analysis cut short by submission limits',
          body: summary,
          bodyFormat: 'KEY_VALUE',
          heuristic: { id: 1, signatures: Object.fromEntries([...byLimit.keys()].map((limit) => [`limit.${limit}`, 1])) },
        },
        {
          title: opts.cuts.length > LISTED ? `Files not analysed (first ${LISTED} of ${opts.cuts.length})` : 'Files not analysed',
          body: opts.cuts.slice(0, LISTED).map((c) => ({ name: c.name, sha256: c.sha256, size: c.size, limit: c.limit, parent: c.parent, service: c.service })),
          bodyFormat: 'TABLE',
          depth: 1,
        },
      ],
    },
    {
      manifest: DISPATCHER_SERVICE,
      sha256: opts.root.sha256,
      type: opts.root.type,
      size: opts.root.size,
      started: now,
      completed: now,
      ttlDays: opts.ttlDays,
      classification: opts.classification,
      heuristics: opts.heuristics,
      extracted: new Map(),
    },
  );
  // The report belongs to this submission alone: a salted key (partial) is never found by another one.
  const key = resultKey({
    sha256: opts.root.sha256,
    serviceName: DISPATCHER_SERVICE.name,
    serviceVersion: DISPATCHER_SERVICE.version,
    task: { serviceConfig: { sid: opts.sid }, deepScan: false, maxFiles: opts.limits.maxFiles, minClassification: opts.classification, ignoreFiltering: false },
    partial: true,
  });
  return { key, record: built.record };
}
