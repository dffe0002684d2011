// client.submit(...): immediate analysis (POST /submit/), optionally waiting for the verdict.
import type { Connection } from '../connection.js';
import { requestBody, type FileSource } from '../upload.js';
import type { Metadata, Params, Submission } from '../types.js';
import { callable, seg } from './callable.js';
import { waitForCompletion, type WaitOptions } from './submission.js';

export interface SubmitOptions extends FileSource {
  params?: Params;
  metadata?: Metadata;
  submissionProfile?: string;
  /** Wait for the analysis to complete and return the completed submission (true, or polling options). */
  wait?: boolean | WaitOptions;
}

export function submitModule(conn: Connection) {
  const submit = async (opts: SubmitOptions): Promise<Submission> => {
    const request: Record<string, unknown> = {};
    if (opts.params) request.params = opts.params;
    if (opts.metadata) request.metadata = opts.metadata;
    if (opts.submissionProfile) request.submission_profile = opts.submissionProfile;
    const sub = await conn.json<Submission>({ method: 'POST', path: 'submit/', ...requestBody(opts, request) });
    if (!opts.wait) return sub;
    return waitForCompletion(conn, sub.sid, opts.wait === true ? {} : opts.wait);
  };
  return callable(submit, {
    /** Resubmit a known file for dynamic analysis. */
    dynamic: (sha256: string, opts: { copySid?: string; name?: string } = {}): Promise<Submission> =>
      conn.json({ method: 'GET', path: `submit/dynamic/${seg(sha256)}/`, query: { copy_sid: opts.copySid, name: opts.name } }),
    /** Submit the files of a submission again with the same parameters (new sid). */
    resubmit: (sid: string): Promise<Submission> => conn.json({ method: 'GET', path: `submit/resubmit/${seg(sid)}/` }),
  });
}
