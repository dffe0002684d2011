// The ingest task as it travels from acceptance to the client's notification queue (§3.1 message format).
import type { SubmissionFile } from '../submission/record.js';
import type { SubmissionParams } from '../submission/params.js';

export interface IngestMessage {
  submission: {
    sid: string;
    time: string;
    files: SubmissionFile[];
    metadata: Record<string, string>;
    notification: { queue?: string; threshold?: number | null };
    params: SubmissionParams;
    scan_key: string | null;
    errors: string[];
    results: Record<string, unknown>;
    file_tree: Record<string, unknown>;
    file_infos: Record<string, unknown>;
  };
  retries: number;
  failure: string;
  score: number | null;
  extended_scan: 'skipped' | 'submitted' | 'incomplete' | 'completed';
  ingest_id: string;
  ingest_time: string;
  notify_time: string | null;
  /** Present (true) when the analysis failed in part: the score is then no verdict (see the submission). */
  incomplete?: boolean;
}

/** The ingester's durable record of one ingest, from acceptance until its notification is delivered. */
export interface IngestRecord {
  state: 'queued' | 'scanning';
  priority: number;
  /** Acceptance time in ms, for first-in first-out within a priority. */
  queued: number;
  scan_key: string;
  /** Null: the submission analysing an ingest has the ingest's id (earlier versions recorded it here). */
  sid: string | null;
  uname: string;
  task: IngestMessage;
  /**
   * The content of a small file, kept in the record until the ingester puts it in the filestore: one durable
   * write accepts the ingest, instead of a file write and a record write on the request path.
   */
  content?: Buffer;
}

export interface FileScore {
  psid: string | null;
  expiry_ts: number;
  score: number;
  errors: number;
  /** The analysis failed in part; a cache hit says so again. */
  incomplete?: boolean;
  sid: string;
  time: number;
}
