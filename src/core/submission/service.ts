// Submissions as their readers and submitters meet them: reading one the reader may read (and one of its files),
// creating one from a submit request, analysing the files of an earlier one again (as is, or with Dynamic Analysis added), deleting
// one, recording a verdict, and listing a user's or a group's. The ingest path (core/ingest/service.ts) shares
// the request checks through `prepare`.
import type { Collection, Filter } from '../../store/datastore.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import type { FileService } from '../files/service.js';
import { accessFilter } from '../search/access.js';
import { searchIndex } from '../search/indices.js';
import type { Visibility } from '../search/visibility.js';
import { randomId } from '../util/ids.js';
import { canReadSubmission, type Reader } from './access.js';
import { initSubmission, type InitializedSubmission, type InitOptions, type SubmissionRequest } from './init.js';
import { resolveParams, type Submitter } from './params.js';
import { newSubmission, type SubmissionFile, type SubmissionRecord } from './record.js';
import type { SubmissionFileView, SubmissionViews } from './views.js';

/** Where a failed background analysis is reported. */
export interface FailureLog {
  error(obj: object, msg: string): void;
}

export interface AccessWording {
  missing: string;
  denied: string;
  /** `api_response` of those answers. */
  response: unknown;
}

const DENIED = 'You are not allowed to view the data of this submission';

/** The answers each API gives for a submission that is missing or that the reader may not read. */
const WORDING = {
  view: (sid: string): AccessWording => ({ missing: `Submission ID ${sid} does not exists.`, denied: DENIED, response: {} }),
  resubmit: (sid: string): AccessWording => ({ missing: `Submission ${sid} does not exists.`, denied: DENIED, response: {} }),
  report: (sid: string): AccessWording => ({ missing: `Submission ID ${sid} does not exists.`, denied: DENIED, response: '' }),
  ontology: (sid: string): AccessWording => ({
    missing: `There is no submission with sid: ${sid}`,
    denied: `Your are not allowed get ontology files for this submission: ${sid}`,
    response: '',
  }),
};
export type SubmissionWording = keyof typeof WORDING;

export type Verdict = 'malicious' | 'non_malicious';

export interface SubmissionList {
  offset: number;
  rows: number;
  total: number;
  items: Array<SubmissionRecord & { id: string }>;
}

export interface SubmissionServiceOptions {
  /**
   * The submission settings, read when a submission is made (so a changed setting applies at once): default and
   * longest time to live in days, and the limits a submit request gets (the ingest path has its own).
   */
  settings: { dtl: number; maxDtl: number; defaultMaxExtracted: number; defaultMaxSupplementary: number };
  /** Checks of a submission request at an endpoint. */
  initOptions(endpoint: 'ingest' | 'submit'): InitOptions;
}

const DYNAMIC = 'Dynamic Analysis';

export interface SubmissionServiceDeps {
  submissions: Collection<SubmissionRecord>;
  views: SubmissionViews;
  files: FileService;
  visibility: Visibility;
  /** Runs the analysis of a recorded submission. */
  analysis: { run(sub: SubmissionRecord): Promise<unknown> };
}

export class SubmissionService {
  private readonly submissions: Collection<SubmissionRecord>;
  private readonly views: SubmissionViews;
  private readonly files: FileService;
  private readonly visibility: Visibility;
  private readonly analysis: SubmissionServiceDeps['analysis'];

  constructor(
    deps: SubmissionServiceDeps,
    private readonly opts: SubmissionServiceOptions,
  ) {
    ({ submissions: this.submissions, views: this.views, files: this.files, visibility: this.visibility, analysis: this.analysis } = deps);
  }

  /** The submission, or null when there is none; a 403 when it exists and the reader may not read it. */
  async find(sid: string, reader: Reader, wording: SubmissionWording | AccessWording = 'view'): Promise<SubmissionRecord | null> {
    const sub = await this.submissions.get(sid);
    if (sub && !canReadSubmission(reader, sub)) {
      const w = typeof wording === 'string' ? WORDING[wording](sid) : wording;
      throw forbidden(w.denied, w.response);
    }
    return sub;
  }

  /** The submission, if it exists and the reader may read it; else a 404 or 403 in that API's words. */
  async readable(sid: string, reader: Reader, wording: SubmissionWording | AccessWording = 'view'): Promise<SubmissionRecord> {
    const sub = await this.find(sid, reader, wording);
    if (!sub) {
      const w = typeof wording === 'string' ? WORDING[wording](sid) : wording;
      throw notFound(w.missing, w.response);
    }
    return sub;
  }

  /**
   * One file of a submission: its record, results, errors and their aggregates. Extra keys (a live view's,
   * before the submission lists them) count as far as the reader may see them.
   */
  async file(sid: string, sha256: string, reader: Reader, extra: { results: readonly string[]; errors: readonly string[] }): Promise<SubmissionFileView> {
    const sub = await this.readable(sid, reader);
    const out = await this.views.file(sub, sha256.toLowerCase(), {
      results: await this.visibility.visibleKeys(reader, 'result', extra.results),
      errors: await this.visibility.visibleKeys(reader, 'error', extra.errors),
    });
    if (!out) throw notFound(`File ${sha256} does not exist in submission ${sid}`, { file_info: { sha256 }, missing: true });
    return out;
  }

  /** The checks of a request at an endpoint, for this reader: a submission by hash finds only files they may see. */
  initOptions(endpoint: 'ingest' | 'submit', reader: Reader): InitOptions {
    return { ...this.opts.initOptions(endpoint), visibleFiles: this.visibility.filter('file', reader) };
  }

  /** A request checked and its file stored, with its effective parameters and metadata. */
  prepare(request: SubmissionRequest, submitter: Submitter, reader: Reader, endpoint: 'ingest' | 'submit'): Promise<InitializedSubmission> {
    return initSubmission(request, submitter, this.initOptions(endpoint, reader));
  }

  /** A submit request: recorded and its analysis started; the answer is the record as submitted. */
  async submit(request: SubmissionRequest, submitter: Submitter, reader: Reader, log: FailureLog): Promise<SubmissionRecord> {
    const init = await this.prepare(request, submitter, reader, 'submit');
    const params = init.params;
    params.quota_item = true;
    params.max_extracted = this.opts.settings.defaultMaxExtracted;
    params.max_supplementary = this.opts.settings.defaultMaxSupplementary;
    return this.start(newSubmission({ sid: randomId(), files: [init.file], params, metadata: init.metadata }), log);
  }

  /** The files of a submission analysed again with its parameters, submitted by the reader. */
  async resubmit(sid: string, reader: Reader, log: FailureLog): Promise<SubmissionRecord> {
    const old = await this.readable(sid, reader, 'resubmit');
    const description = `Resubmit ${old.files.map((f) => f.name).join(', ')} for analysis`;
    const params = { ...old.params, submitter: reader.uname, quota_item: true, description };
    return this.start(newSubmission({ sid: randomId(), files: old.files, params, metadata: old.metadata }), log);
  }

  /**
   * A stored file analysed again with Dynamic Analysis added: with the parameters of `copySid` when given (and
   * readable), else with the caller's profile defaults ("static" for callers who may not customise).
   */
  async resubmitDynamic(sha256: string, opts: { copySid?: string; name?: string }, caller: Submitter, reader: Reader, log: FailureLog): Promise<SubmissionRecord> {
    // A file the caller may not see is answered as a missing one: its existence is not theirs to learn.
    const info = await this.files.withContent(sha256, reader);
    if (!info) throw notFound(`File ${sha256} cannot be found on the server therefore it cannot be resubmitted.`, {});
    // A copy_sid that names no submission is ignored.
    const copied = opts.copySid ? await this.find(opts.copySid, reader) : null;
    const roles = caller.roles instanceof Set ? caller.roles : new Set(caller.roles);
    const params = copied
      ? structuredClone(copied.params)
      : resolveParams({ submission_profile: roles.has('submission_customize') ? undefined : 'static' }, caller, { ttl: this.opts.settings.dtl, maxDtl: this.opts.settings.maxDtl });
    const name = opts.name || sha256;
    if (!params.services.selected.includes(DYNAMIC)) params.services.selected.push(DYNAMIC);
    params.services.excluded = params.services.excluded.filter((x) => x !== DYNAMIC);
    params.priority = Math.max(Math.min(copied ? params.priority : 500, 1500), 401);
    params.description = `Resubmit ${name} for Dynamic Analysis`;
    params.submitter = caller.uname;
    params.quota_item = true;
    if (copied) params.psid = copied.sid;
    const files: SubmissionFile[] = [{ name, sha256, size: info.size }];
    return this.start(newSubmission({ sid: randomId(), files, params, metadata: copied?.metadata ?? {} }), log);
  }

  /** Delete a submission: its submitter or an administrator may. */
  async delete(sid: string, reader: Reader): Promise<boolean> {
    const sub = await this.readable(sid, reader);
    if (sub.params.submitter !== reader.uname && !reader.isAdmin) throw forbidden('You are not allowed to delete this submission.', { success: false });
    return this.submissions.delete(sub.sid);
  }

  /** Record the reader's verdict. A user holds one verdict on a submission: choosing one withdraws the other. */
  async setVerdict(sid: string, verdict: string, reader: Reader): Promise<void> {
    if (!isVerdict(verdict)) throw badRequest(`Invalid verdict '${verdict}': use malicious or non_malicious`, { success: false });
    const sub = await this.readable(sid, reader);
    const uname = reader.uname;
    const other: Verdict = verdict === 'malicious' ? 'non_malicious' : 'malicious';
    await this.submissions.update(sub.sid, (cur) =>
      cur ? { ...cur, verdict: { ...cur.verdict, [verdict]: [...new Set([...cur.verdict[verdict], uname])], [other]: cur.verdict[other].filter((u) => u !== uname) } } : undefined,
    );
  }

  /** Submissions of a user, or of a group ("ALL": every group), newest first, as far as the reader may read them. */
  async list(by: 'user' | 'group', name: string, reader: Reader, page: { offset: number; rows: number }): Promise<SubmissionList> {
    const filter: Filter =
      by === 'user'
        ? { op: 'eq', field: 'params.submitter', value: name }
        : name === 'ALL'
          ? { op: 'all' }
          : { op: 'eq', field: 'params.groups', value: name.toUpperCase() };
    const allowed = accessFilter(searchIndex('submission')!, reader);
    const r = await this.submissions.search({
      filter: allowed ? { op: 'and', items: [filter, allowed] } : filter,
      sort: [{ field: 'times.submitted', dir: 'desc' }],
      offset: page.offset,
      limit: page.rows,
    });
    return { offset: page.offset, rows: page.rows, total: r.total, items: r.items };
  }

  /** Record a submission, then analyse it in the background. */
  private async start(sub: SubmissionRecord, log: FailureLog): Promise<SubmissionRecord> {
    await this.submissions.put(sub.sid, sub);
    void this.analysis.run(sub).catch((err: unknown) => log.error({ err, sid: sub.sid }, 'submission failed'));
    return sub;
  }
}

function isVerdict(v: string): v is Verdict {
  return v === 'malicious' || v === 'non_malicious';
}
