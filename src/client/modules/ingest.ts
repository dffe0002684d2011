// client.ingest(...): asynchronous analysis with notification queues (POST /ingest/, get_message[_list]), and how
// many ingests of a queue are still to be answered (Assay's /ingest/outstanding/).
import type { Connection } from '../connection.js';
import { requestBody, type FileSource } from '../upload.js';
import type { IngestMessage, Metadata, Params } from '../types.js';
import { callable, seg } from './callable.js';

export interface IngestOptions extends FileSource {
  params?: Params;
  metadata?: Metadata;
  /** Create an alert when the score reaches the alert threshold. */
  alert?: boolean;
  /** Notification queue that receives the completion message. */
  nq?: string;
  /** Notification threshold: only notify when the score is at least this. */
  nt?: number;
  /** One word describing how the data came in (default AL_CLIENT). */
  ingestType?: string;
  /** Named submission profile (required for users who may not customise parameters). */
  submissionProfile?: string;
}

export function ingestModule(conn: Connection) {
  const ingest = async (opts: IngestOptions): Promise<{ ingest_id: string }> => {
    const request: Record<string, unknown> = { metadata: { ...(opts.metadata ?? {}) }, type: opts.ingestType ?? 'AL_CLIENT' };
    if (opts.alert) request.generate_alert = true;
    if (opts.nq) request.notification_queue = opts.nq;
    if (opts.nt !== undefined) request.notification_threshold = Math.trunc(opts.nt);
    if (opts.params) request.params = opts.params;
    if (opts.submissionProfile) request.submission_profile = opts.submissionProfile;
    return conn.json({ method: 'POST', path: 'ingest/', ...requestBody(opts, request) });
  };
  return callable(ingest, {
    /** Take one message from the queue (null when it is empty). */
    getMessage: (nq: string): Promise<IngestMessage | null> => conn.json({ method: 'GET', path: `ingest/get_message/${seg(nq)}/` }),
    /** Take every waiting message, or at most `pageSize`. Taking is destructive: store what you receive. */
    getMessageList: (nq: string, opts: { pageSize?: number } = {}): Promise<IngestMessage[]> =>
      conn.json({ method: 'GET', path: `ingest/get_message_list/${seg(nq)}/`, query: { page_size: opts.pageSize } }),
    /**
     * How many of your ingests for the queue are not answered yet (an Assay route; Assemblyline answers 404).
     * Read it before reading the queue: zero then means that read sees every message still to come.
     */
    outstanding: async (nq: string): Promise<number> =>
      (await conn.json<{ outstanding: number }>({ method: 'GET', path: `ingest/outstanding/${seg(nq)}/` })).outstanding,
  });
}
