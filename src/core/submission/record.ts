// The submission record (Assemblyline's `submission` model) and the notification message of an ingest.
import { isoDate } from '../util/time.js';
import type { SubmissionParams } from './params.js';

export interface SubmissionFile {
  name: string;
  size: number;
  sha256: string;
}

export type SubmissionState = 'submitted' | 'completed' | 'failed';

export interface SubmissionRecord {
  sid: string;
  archive_ts: string | null;
  archived: boolean;
  classification: string;
  tracing_events: unknown[];
  error_count: number;
  errors: string[];
  expiry_ts: string | null;
  file_count: number;
  files: SubmissionFile[];
  max_score: number;
  metadata: Record<string, string>;
  params: SubmissionParams;
  results: string[];
  state: SubmissionState;
  to_be_deleted: boolean;
  times: { submitted: string; completed: string | null };
  verdict: { malicious: string[]; non_malicious: string[] };
  from_archive: boolean;
  scan_key: string | null;
}

export function newSubmission(opts: {
  sid: string;
  files: SubmissionFile[];
  params: SubmissionParams;
  metadata: Record<string, string>;
  scanKey?: string | null;
  now?: number;
}): SubmissionRecord {
  const now = opts.now ?? Date.now();
  return {
    sid: opts.sid,
    archive_ts: null,
    archived: false,
    classification: opts.params.classification,
    tracing_events: [],
    error_count: 0,
    errors: [],
    expiry_ts: opts.params.ttl > 0 ? isoDate(now + opts.params.ttl * 86_400_000) : null,
    file_count: 0,
    files: opts.files,
    max_score: 0,
    metadata: opts.metadata,
    params: opts.params,
    results: [],
    state: 'submitted',
    to_be_deleted: false,
    times: { submitted: isoDate(now), completed: null },
    verdict: { malicious: [], non_malicious: [] },
    from_archive: false,
    scan_key: opts.scanKey ?? null,
  };
}

/** Metadata values are strings; nested objects are flattened to dotted keys, as Assemblyline does. */
export function flattenMetadata(input: unknown, prefix = '', out: Record<string, string> = {}, maxLength = 4096): Record<string, string> {
  if (input === null || input === undefined) return out;
  if (typeof input !== 'object' || Array.isArray(input)) {
    if (!prefix) return out;
    const v = typeof input === 'string' ? input : JSON.stringify(input);
    if (v.length <= maxLength) out[prefix] = v;
    return out;
  }
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) flattenMetadata(v, prefix ? `${prefix}.${k}` : k, out, maxLength);
  return out;
}
