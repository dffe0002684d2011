// The dispatcher: analyses a submission. Each file goes through the stages in order (a stage's services run in
// parallel, and all must finish before the next stage starts); files that services extract are analysed in
// turn, within the depth and count limits. The finished submission records its results, errors and scores.
import { EventEmitter } from 'node:events';
import type { ServiceManifest } from '../../sdk/manifest.js';
import type { ServiceTask } from '../../sdk/task.js';
import type { Collection, Datastore } from '../../store/datastore.js';
import type { LocalFile } from '../../store/filestore.js';
import type { FileRecord } from '../files/file-record.js';
import { analysisRecords } from '../records.js';
import type { ErrorRecord } from '../results/model.js';
import { errorRecord } from '../results/postprocess.js';
import { errorKey } from '../results/keys.js';
import { flattenTags } from '../results/tags.js';
import type { SubmissionRecord } from '../submission/record.js';
import { isoDate } from '../util/time.js';
import type { RegisteredService, ServiceRegistry } from './registry.js';
import { SubmissionBudget } from './budget.js';
import { limitResult } from './limit-report.js';
import { runServiceTask } from './service-task.js';
import type { ResultOutcome, TaskOutcome, TaskStores } from './task-outcome.js';

export interface DispatcherConfig {
  maxExtractionDepth: number;
  /** Bytes of extracted and supplementary files one submission may store. */
  maxExtractedBytes: number;
}

/** An analysis cut short because the process is stopping; it resumes at the next start. */
export class ShutdownInterruption extends Error {
  constructor(sid: string) {
    super(`analysis of ${sid} interrupted by shutdown`);
    this.name = 'ShutdownInterruption';
  }
}

interface FileJob {
  sha256: string;
  name: string;
  depth: number;
  tempData: Record<string, unknown>;
  /** Services and categories an ancestor forbids on this file. */
  prevented: string[];
  /** The files this one came out of, from the submitted file down to its parent. */
  ancestry: NonNullable<ServiceTask['ancestry']>;
  /** Settles when the file placed before this one has placed its own extracted files. */
  after: Promise<void>;
  /** Lets the next file place its extracted files. */
  placed: () => void;
}

interface Logger {
  error(obj: unknown, msg?: string): void;
}

/** Later values win, except lists (e.g. `passwords`), which are unioned. */
export function mergeTempData(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  const out = { ...into };
  for (const [k, v] of Object.entries(from)) {
    out[k] = Array.isArray(v) && Array.isArray(out[k]) ? [...new Set([...(out[k] as unknown[]), ...v])] : v;
  }
  return out;
}

class SubmissionRun {
  readonly scores = new Map<string, number>();
  readonly dropped = new Set<string>();
  readonly resultKeys = new Set<string>();
  readonly errorKeys = new Set<string>();
  /** Service name → files it is working on right now. */
  readonly outstanding = new Map<string, number>();
  /** Analyser failures on the submitted files, and how many tasks ran and failed in all. */
  readonly rootFailures: string[] = [];
  tasks = 0;
  failedTasks = 0;
  /** The file placed last: the next file to place waits for it (see `enqueue`). */
  private last: Promise<void> = Promise.resolve();

  constructor(
    readonly sub: SubmissionRecord,
    readonly budget: SubmissionBudget,
  ) {}

  /**
   * A new file job, in the order files are placed in the tree. Each file places its extracted files only after
   * the file before it has (breadth first, in the order the services list them), so the limits cut the same
   * files every time, however the analysers' timings interleave; the analyses themselves still run in parallel.
   */
  enqueue(job: Omit<FileJob, 'after' | 'placed'>): FileJob {
    let placed!: () => void;
    const turn = new Promise<void>((resolve) => (placed = resolve));
    const queued: FileJob = { ...job, after: this.last, placed };
    this.last = turn;
    return queued;
  }
}

/** Progress of a submission, for live watchers: each result or error key as it is stored, then the end. */
export interface DispatchEvents {
  result: [sid: string, key: string];
  error: [sid: string, key: string];
  done: [sid: string];
}

export class Dispatcher {
  private readonly submissions: Collection<SubmissionRecord>;
  private readonly running = new Map<string, Promise<SubmissionRecord>>();
  private readonly runs = new Map<string, SubmissionRun>();
  private stopping = false;
  readonly events = new EventEmitter<DispatchEvents>().setMaxListeners(0);

  constructor(
    ds: Datastore,
    private readonly registry: ServiceRegistry,
    private readonly stores: TaskStores,
    private readonly cfg: DispatcherConfig,
    private readonly log: Logger,
  ) {
    this.submissions = analysisRecords(ds).submissions;
  }

  /** Store (if new) and analyse a submission; concurrent calls for one sid share the same analysis. */
  run(sub: SubmissionRecord): Promise<SubmissionRecord> {
    const current = this.running.get(sub.sid);
    if (current) return current;
    const job = this.analyse(sub).finally(() => this.running.delete(sub.sid));
    this.running.set(sub.sid, job);
    return job;
  }

  /** From now on, analyses in progress end without completing, so a later start resumes them. */
  stop(): void {
    this.stopping = true;
  }

  isRunning(sid: string): boolean {
    return this.running.has(sid);
  }

  /** Files each service is analysing now for a running submission ({} when it is not running). */
  outstanding(sid: string): Record<string, number> {
    return Object.fromEntries([...(this.runs.get(sid)?.outstanding ?? [])].filter(([, n]) => n > 0));
  }

  /** Submissions left unfinished by a stopped process are analysed again (cached results make it cheap). */
  async resumeUnfinished(skip: (sid: string) => Promise<boolean>): Promise<number> {
    const open = await this.submissions.search({ filter: { op: 'eq', field: 'state', value: 'submitted' }, limit: 1_000_000 });
    let n = 0;
    for (const s of open.items) {
      if (this.running.has(s.sid) || (await skip(s.sid))) continue;
      const { id: _id, ...sub } = s;
      void this.run(sub as SubmissionRecord).catch((err) => this.log.error({ err, sid: s.sid }, 'resumed submission failed'));
      n++;
    }
    return n;
  }

  private async analyse(input: SubmissionRecord): Promise<SubmissionRecord> {
    await this.submissions.add(input.sid, input);
    const run = new SubmissionRun(input, new SubmissionBudget(input.sid, {
      maxDepth: this.cfg.maxExtractionDepth,
      maxFiles: input.params.max_extracted,
      maxSupplementary: input.params.max_supplementary,
      maxBytes: this.cfg.maxExtractedBytes,
    }));
    this.runs.set(input.sid, run);
    try {
      return await this.complete(run);
    } finally {
      this.runs.delete(input.sid);
      this.events.emit('done', input.sid);
    }
  }

  private async complete(run: SubmissionRun): Promise<SubmissionRecord> {
    const input = run.sub;
    const p = input.params;
    const jobs = input.files.map((f) => {
      run.budget.addRoot(f.sha256);
      return run.enqueue({ sha256: f.sha256, name: f.name, depth: 0, tempData: {}, prevented: [], ancestry: [] });
    });
    try {
      await Promise.all(jobs.map((j) => this.analyseFile(run, j)));
    } catch (err) {
      // A stop closes the worker pool under running tasks: that is an interruption, resumed at the next start.
      if (this.stopping) throw new ShutdownInterruption(input.sid);
      throw err;
    }
    if (this.stopping) throw new ShutdownInterruption(input.sid);
    await this.reportCuts(run);

    const scores = [...run.scores.entries()].filter(([sha]) => !run.dropped.has(sha)).map(([, v]) => v);
    const incomplete = incompleteReasons(run);
    const done: SubmissionRecord = {
      ...input,
      state: 'completed',
      results: [...run.resultKeys],
      errors: [...run.errorKeys],
      error_count: run.errorKeys.size,
      file_count: run.budget.depths.size,
      max_score: scores.length ? Math.max(...scores) : 0,
      classification: p.classification,
      times: { ...input.times, completed: isoDate() },
      incomplete: incomplete.length > 0,
      incomplete_reasons: incomplete,
    };
    await this.submissions.put(done.sid, done);
    return done;
  }

  /** The scored result that says which limits cut the analysis short, on the first submitted file. */
  private async reportCuts(run: SubmissionRun): Promise<void> {
    const { cuts } = run.budget;
    const root = run.sub.files[0] && (await this.stores.files.get(run.sub.files[0].sha256));
    if (!cuts.length || !root) return;
    const p = run.sub.params;
    const { key, record } = limitResult({
      sid: run.sub.sid, root, cuts, limits: run.budget.limits, heuristics: this.stores.heuristics, ttlDays: p.ttl, classification: p.classification,
    });
    await this.stores.results.put(key, record);
    run.resultKeys.add(key);
    run.scores.set(root.sha256, (run.scores.get(root.sha256) ?? 0) + record.result.score);
    this.events.emit('result', run.sub.sid, key);
  }

  private async analyseFile(run: SubmissionRun, job: FileJob): Promise<void> {
    const results: Array<{ svc: RegisteredService; out: ResultOutcome; prevented: string[] }> = [];
    let children: FileJob[] = [];
    try {
      const analysed = await this.runStages(run, job, results);
      await job.after;
      if (analysed && !this.stopping) children = await this.place(run, job, analysed, results);
    } finally {
      // Whatever happened, the next file may place its own, and results not committed leave no files behind.
      job.placed();
      await Promise.all(results.map((r) => r.out.discard()));
    }
    await Promise.all(children.map((j) => this.analyseFile(run, j)));
  }

  /** Runs the file's services stage by stage; says the file's type and record, or null if it was not analysed. */
  private async runStages(
    run: SubmissionRun, job: FileJob, results: Array<{ svc: RegisteredService; out: ResultOutcome; prevented: string[] }>,
  ): Promise<{ file: FileRecord; fileType: string; tempData: Record<string, unknown> } | null> {
    const p = run.sub.params;
    const file = await this.stores.files.get(job.sha256);
    if (!file) {
      await this.addError(run, job.sha256, 'System', 'EXCEPTION', `File ${job.sha256} is not known to the system`);
      if (job.depth === 0) run.rootFailures.push(`the submitted file ${job.sha256} is not known to the system`);
      return null;
    }
    run.scores.set(file.sha256, run.scores.get(file.sha256) ?? 0);
    const fileType = p.filetype_override && job.depth === 0 ? p.filetype_override : file.type;
    const schedule = this.registry.schedule(fileType, p, job.prevented);
    let tempData = job.tempData;
    const tags: ServiceTask['tags'] = [];

    // One local copy of the file serves all its services (a remote filestore downloads it once), taken only
    // when a service has to run: cached results need none.
    let local: Promise<LocalFile | null> | undefined;
    const localFile = () => (local ??= this.stores.filestore.localPath(file.sha256));
    try {
      for (const [, services] of schedule) {
        const outcomes = await Promise.all(services.map(async (svc) => [svc, await this.runOne(run, svc, file, job, fileType, tempData, tags, localFile)] as const));
        if (this.stopping) {
          results.push(...outcomes.flatMap(([svc, out]) => (out.kind === 'result' ? [{ svc, out, prevented: [] }] : [])));
          return null;
        }
        let drop = false;
        for (const [svc, out] of outcomes) {
          run.tasks++;
          if (out.kind === 'error') {
            run.failedTasks++;
            if (job.depth === 0) run.rootFailures.push(`${svc.manifest.name} failed on the submitted file ${job.name}`);
            run.errorKeys.add(out.key);
            this.events.emit('error', run.sub.sid, out.key);
            continue;
          }
          if (out.kind === 'empty') {
            run.resultKeys.add(out.key);
            this.events.emit('result', run.sub.sid, out.key);
            continue;
          }
          const prevention = p.ignore_recursion_prevention ? [] : (svc.manifest.recursionPrevention ?? []);
          results.push({ svc, out, prevented: prevention });
          run.scores.set(file.sha256, (run.scores.get(file.sha256) ?? 0) + out.record.result.score);
          tempData = mergeTempData(tempData, out.tempData);
          for (const sec of out.record.result.sections) {
            for (const [type, values] of Object.entries(flattenTags(sec.tags))) for (const v of values) tags.push({ type, value: String(v) });
          }
          if (out.record.drop_file && !p.ignore_filtering) drop = true;
        }
        if (drop) {
          run.dropped.add(file.sha256);
          break;
        }
      }
    } finally {
      const copy = await local?.catch(() => null);
      await copy?.release();
    }
    return { file, fileType, tempData };
  }

  /**
   * Places the files the results name in the submission's tree, in order, within its budget; stores the results
   * (with the files kept) and returns the jobs of the files to analyse next.
   */
  private async place(
    run: SubmissionRun, job: FileJob, analysed: { file: FileRecord; fileType: string; tempData: Record<string, unknown> },
    results: Array<{ svc: RegisteredService; out: ResultOutcome; prevented: string[] }>,
  ): Promise<FileJob[]> {
    const p = run.sub.params;
    const depth = job.depth + 1;
    const ancestry = [...job.ancestry, { type: analysed.fileType, name: job.name, sha256: analysed.file.sha256 }];
    const jobs: FileJob[] = [];
    for (const { svc, out, prevented } of results) {
      const refused = new Map<string, string>();
      for (const f of out.files) {
        const placed = run.budget.place(f, depth, analysed.file.sha256, svc.manifest.name);
        if (placed.kind === 'refused') {
          refused.set(f.sha256, placed.cut.message);
          await this.addError(run, f.sha256, 'Dispatcher', placed.cut.errorType, placed.cut.message);
        } else if (placed.kind === 'analyse') {
          const childPrevented = f.allowDynamicRecursion || p.ignore_recursion_prevention ? job.prevented : [...job.prevented, ...prevented];
          jobs.push(run.enqueue({ sha256: f.sha256, name: f.name, depth, tempData: analysed.tempData, prevented: childPrevented, ancestry }));
        }
      }
      const { key } = await out.commit(refused);
      run.resultKeys.add(key);
      this.events.emit('result', run.sub.sid, key);
    }
    return jobs;
  }

  private runOne(
    run: SubmissionRun, svc: RegisteredService, file: FileRecord, job: FileJob, fileType: string, tempData: Record<string, unknown>,
    tags: ServiceTask['tags'], localFile: () => Promise<LocalFile | null>,
  ): Promise<TaskOutcome> {
    const p = run.sub.params;
    const task: ServiceTask = {
      sid: run.sub.sid,
      sha256: file.sha256,
      fileType,
      fileName: job.name,
      fileInfo: { md5: file.md5, sha1: file.sha1, sha256: file.sha256, size: file.size, type: fileType, magic: file.magic, mime: file.mime, ssdeep: file.ssdeep, tlsh: file.tlsh },
      depth: job.depth,
      maxFiles: p.max_extracted,
      deepScan: p.deep_scan,
      ignoreCache: p.ignore_cache,
      serviceConfig: { ...(svc.manifest.config ?? {}), ...submitterSettings(svc.manifest, p.service_spec[svc.manifest.name]) },
      tempSubmissionData: tempData,
      tags: [...tags],
      metadata: run.sub.metadata,
      ancestry: job.ancestry,
    };
    const name = svc.manifest.name;
    run.outstanding.set(name, (run.outstanding.get(name) ?? 0) + 1);
    return runServiceTask(this.stores, svc, task, file, {
      ttlDays: p.ttl,
      classification: p.classification,
      ignoreCache: p.ignore_cache || p.services.rescan.includes(name),
      ignoreFiltering: p.ignore_filtering,
    }, localFile).finally(() => run.outstanding.set(name, run.outstanding.get(name)! - 1));
  }

  private async addError(run: SubmissionRun, sha256: string, service: string, type: ErrorRecord['type'], message: string): Promise<void> {
    const key = errorKey({ sha256, serviceName: service, serviceVersion: '0', errorType: type });
    await this.stores.errors.put(key, errorRecord({ sha256, serviceName: service, serviceVersion: '0', type, message, recoverable: false, ttlDays: run.sub.params.ttl }));
    run.errorKeys.add(key);
    this.events.emit('error', run.sub.sid, key);
  }
}

/**
 * Why a submission's verdict cannot be trusted as complete: an analyser failed on a submitted file, or every
 * analyser task failed. Such a submission is reported as incomplete, never as clean.
 */
function incompleteReasons(run: SubmissionRun): string[] {
  const reasons = [...new Set(run.rootFailures)];
  if (run.tasks > 0 && run.failedTasks === run.tasks) reasons.push(`all ${run.tasks} analyser tasks failed`);
  return reasons;
}

/**
 * What a submitter may set for a service through `service_spec`: only the parameters its manifest offers. The
 * rest of a service's configuration belongs to the deployment (an allow-list of internal hosts, say).
 */
function submitterSettings(manifest: ServiceManifest, spec: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!spec) return {};
  const offered = new Set((manifest.submissionParams ?? []).map((sp) => sp.name));
  return Object.fromEntries(Object.entries(spec).filter(([k]) => offered.has(k)));
}
