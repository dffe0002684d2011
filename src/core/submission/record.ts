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
  /**
   * The analysis failed in part (an analyser failed on a submitted file, or every analyser failed), so the
   * score is not a verdict: never report such a submission as clean. Not in Assemblyline's model; its clients
   * ignore the fields.
   */
  incomplete?: boolean;
  incomplete_reasons?: string[];
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
