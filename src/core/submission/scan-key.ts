// The scan key names "this file analysed with these effective parameters": identical ingests share it, so they
// share one analysis and the result cache. It is opaque to clients.
import { createHash } from 'node:crypto';
import type { SubmissionParams } from './params.js';

/**
 * JSON text that does not depend on key order or array order: an object is written as its [key, value] pairs
 * sorted by key, an array with its elements sorted by their own canonical text. Built as a string in one pass:
 * the key is computed on every ingest.
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).sort().join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const pairs = Object.keys(o)
      .sort()
      .map((k) => `[${JSON.stringify(k)},${o[k] === undefined ? 'null' : canonicalJson(o[k])}]`);
    return `[${pairs.join(',')}]`;
  }
  return JSON.stringify(v);
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
  return `${createHash('md5').update(canonicalJson(basis)).digest('hex')}v0`;
}
