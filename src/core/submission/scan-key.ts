// The scan key names "this file analysed with these effective parameters": identical ingests share it, so they
// share one analysis and the result cache. It is opaque to clients.
import { createHash } from 'node:crypto';
import type { SubmissionParams } from './params.js';

const sortedEntries = (o: Record<string, unknown>) => Object.keys(o).sort().map((k) => [k, o[k]] as const);

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return [...v].map(canonical).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (v && typeof v === 'object') return sortedEntries(v as Record<string, unknown>).map(([k, x]) => [k, canonical(x)]);
  return v;
}

export function scanKey(sha256: string, p: SubmissionParams): string {
  const basis = {
    classification: p.classification,
    deep_scan: p.deep_scan,
    ignore_cache: p.ignore_cache,
    ignore_recursion_prevention: p.ignore_recursion_prevention,
    ignore_filtering: p.ignore_filtering,
    ignore_size: p.ignore_size,
    max_extracted: p.max_extracted,
    max_supplementary: p.max_supplementary,
    service_spec: p.service_spec,
    sha256,
    services: { selected: p.services.selected, excluded: p.services.excluded, rescan: p.services.rescan, resubmit: p.services.resubmit },
  };
  return `${createHash('md5').update(JSON.stringify(canonical(basis))).digest('hex')}v0`;
}
