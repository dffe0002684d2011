// client.submission(...): submission records, their results, trees and summaries.
import type { Connection } from '../connection.js';
import { ClientError } from '../errors.js';
import type { ErrorRecord, FileInfo, FileTreeNode, ResultRecord, SearchResult, Submission, SubmissionFull } from '../types.js';
import { callable, seg } from './callable.js';

export interface WaitOptions {
  /** Give up after this many ms (default 10 minutes). */
  timeoutMs?: number;
  /** Poll interval in ms (default 500). */
  intervalMs?: number;
}

export interface ListOptions {
  user?: string;
  group?: string;
  rows?: number;
  offset?: number;
  query?: string;
  useArchive?: boolean;
  trackTotalHits?: number;
}

export async function waitForCompletion(conn: Connection, sid: string, opts: WaitOptions = {}): Promise<Submission> {
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  const interval = opts.intervalMs ?? 500;
  for (;;) {
    if (await conn.json<boolean>({ method: 'GET', path: `submission/is_completed/${seg(sid)}/` })) {
      return conn.json<Submission>({ method: 'GET', path: `submission/${seg(sid)}/` });
    }
    if (Date.now() > deadline) throw new ClientError(`submission ${sid} did not complete in time`, 408, `submission/is_completed/${sid}/`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

export function submissionModule(conn: Connection) {
  const get = (sid: string): Promise<Submission> => conn.json({ method: 'GET', path: `submission/${seg(sid)}/` });
  return callable(get, {
    /** Submission with its file tree, file records, results and errors. */
    full: (sid: string, opts: { fullTree?: boolean } = {}): Promise<SubmissionFull> =>
      conn.json({ method: 'GET', path: `submission/full/${seg(sid)}/`, query: { get_full_tree: opts.fullTree || undefined } }),
    summary: (sid: string): Promise<Record<string, unknown>> => conn.json({ method: 'GET', path: `submission/summary/${seg(sid)}/` }),
    tree: (sid: string, opts: { fullTree?: boolean } = {}): Promise<{ tree: Record<string, FileTreeNode>; classification: string; [k: string]: unknown }> =>
      conn.json({ method: 'GET', path: `submission/tree/${seg(sid)}/`, query: { get_full_tree: opts.fullTree || undefined } }),
    isCompleted: (sid: string): Promise<boolean> => conn.json({ method: 'GET', path: `submission/is_completed/${seg(sid)}/` }),
    /** One file of the submission with its results; extra result/error keys may be asked for. */
    file: (
      sid: string,
      sha256: string,
      opts: { results?: string[]; errors?: string[] } = {},
    ): Promise<{ file_info: FileInfo; results: ResultRecord[]; errors: ErrorRecord[]; tags: Record<string, unknown>; [k: string]: unknown }> =>
      opts.results || opts.errors
        ? conn.json({ method: 'POST', path: `submission/${seg(sid)}/file/${seg(sha256)}/`, json: { extra_result_keys: opts.results ?? [], extra_error_keys: opts.errors ?? [] } })
        : conn.json({ method: 'GET', path: `submission/${seg(sid)}/file/${seg(sha256)}/` }),
    delete: (sid: string): Promise<{ success: boolean }> => conn.json({ method: 'DELETE', path: `submission/${seg(sid)}/` }),
    report: (sid: string): Promise<Record<string, unknown>> => conn.json({ method: 'GET', path: `submission/report/${seg(sid)}/` }),
    setVerdict: (sid: string, verdict: 'malicious' | 'non_malicious'): Promise<{ success: boolean }> =>
      conn.json({ method: 'PUT', path: `submission/verdict/${seg(sid)}/${verdict}/` }),
    /** Submissions of one user, one group, or everyone's (newest first). */
    list: (opts: ListOptions = {}): Promise<SearchResult<Partial<Submission>>> => {
      const path = opts.user ? `submission/list/user/${seg(opts.user)}/` : `submission/list/group/${seg(opts.group ?? 'ALL')}/`;
      return conn.json({
        method: 'GET',
        path,
        query: { rows: opts.rows ?? 10, offset: opts.offset ?? 0, query: opts.query, use_archive: opts.useArchive || undefined, track_total_hits: opts.trackTotalHits },
      });
    },
    /** Poll until the submission completes, then return it. */
    waitForCompletion: (sid: string, opts: WaitOptions = {}) => waitForCompletion(conn, sid, opts),
  });
}
