// The ingester: the asynchronous path behind POST /ingest/. Accepted ingests are durable records; a pump claims
// them by priority, answers from the result cache when it can, merges identical ingests in flight into one
// analysis, and delivers one notification per ingest when the analysis completes. Every step is recorded
// before it is acted on, so a restart resumes where the process stopped and notifies each ingest exactly once.
import type { Collection, Datastore } from '../../store/datastore.js';
import { analysisRecords } from '../records.js';
import { timeOrderedId } from '../util/ids.js';
import { isoDate } from '../util/time.js';
import { newSubmission, type SubmissionFile, type SubmissionRecord } from '../submission/record.js';
import type { SubmissionParams } from '../submission/params.js';
import { scanKey } from '../submission/scan-key.js';
import type { FileScore, IngestMessage, IngestRecord } from './message.js';
import type { NotificationQueues } from './notifications.js';

export interface IngesterConfig {
  maxInflight: number;
  maxFileSize: number;
  /** Cache entries older than this are discarded (15 days). */
  expireAfterSeconds: number;
  /** Cache entries older than this are not reused (1 day). */
  staleAfterSeconds: number;
  incompleteExpireAfterSeconds: number;
  incompleteStaleAfterSeconds: number;
  /** How long a completed score stays in the cache (2 days). */
  cacheDtlDays: number;
  /** Polling interval for ingests accepted by another process. */
  pollMs: number;
  /**
   * Queue lengths per priority band above which new ingests of that band are dropped at random (with a
   * probability growing as tanh of the excess), so a flood cannot bury the queue.
   */
  samplingAt: { low: number; medium: number; high: number; critical: number };
}

/** Assemblyline's priority bands (the user bands are never sampled). */
const BANDS: Array<[keyof IngesterConfig['samplingAt'], number, number]> = [
  ['low', 1, 100],
  ['medium', 101, 200],
  ['high', 201, 300],
  ['critical', 301, 400],
];

export const DEFAULT_INGESTER_CONFIG: IngesterConfig = {
  maxInflight: 64,
  maxFileSize: 104_857_600,
  expireAfterSeconds: 15 * 86_400,
  staleAfterSeconds: 86_400,
  incompleteExpireAfterSeconds: 3_600,
  incompleteStaleAfterSeconds: 1_800,
  cacheDtlDays: 2,
  pollMs: 250,
  samplingAt: { low: 10_000_000, medium: 2_000_000, high: 1_000_000, critical: 500_000 },
};

/** What the ingester needs from the dispatcher. */
export interface SubmissionRunner {
  /** Store (if new) and analyse the submission; resolves with the completed record. Idempotent per sid. */
  run(submission: SubmissionRecord): Promise<SubmissionRecord>;
}

export interface CompletionHook {
  (message: IngestMessage, submission: SubmissionRecord | null): Promise<void>;
}

/** What the ingester calls out to, given when it is made. */
export interface IngesterHooks {
  /** Puts the content an ingest carried in its record into the filestore. */
  storeContent(sha256: string, bytes: Buffer): Promise<void>;
  /**
   * Makes sure the file has its record (identification and hashes), which the ingest API leaves to this
   * background path so that accepting an ingest stays cheap.
   */
  prepareFile(file: SubmissionFile, params: SubmissionParams): Promise<void>;
  /** Called for every finalised ingest (alerts hook in here). */
  onFinalized: CompletionHook;
}

interface Logger {
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface AcceptRequest {
  uname: string;
  files: SubmissionFile[];
  params: SubmissionParams;
  metadata: Record<string, string>;
  notification: { queue?: string; threshold?: number | null };
  /** The bytes of the (small) file, when they are not in the filestore yet; stored by the ingester. */
  content?: Uint8Array;
}

/**
 * The submission that analyses an ingest has the ingest's id (records written by earlier versions name it), so
 * starting an analysis needs no write to the work item; an ingest answered by an identical one has none.
 */
const submissionOf = (rec: IngestRecord): string => rec.sid ?? rec.task.ingest_id;

export class Ingester {
  private readonly records: Collection<IngestRecord>;
  private readonly scores: Collection<FileScore>;
  private readonly submissions: Collection<SubmissionRecord>;
  /** The analysis running for each scan key; identical ingests claimed meanwhile wait for it. */
  private readonly inflight = new Map<string, Promise<SubmissionRecord>>();
  private running = false;
  private pumping = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private readonly active = new Set<Promise<void>>();
  private bandCounts = new Map<string, number>();
  private bandCountsAt = 0;
  private pending: Array<{ id: string; rec: IngestRecord; resolve: () => void; reject: (err: Error) => void }> = [];

  constructor(
    ds: Datastore,
    private readonly notifications: NotificationQueues<IngestMessage>,
    private readonly runner: SubmissionRunner,
    private readonly hooks: IngesterHooks,
    private readonly cfg: IngesterConfig,
    private readonly log: Logger,
  ) {
    const records = analysisRecords(ds);
    this.records = records.ingests;
    this.scores = ds.collection<FileScore>('filescore');
    this.submissions = records.submissions;
  }

  /** Record an ingest; once this resolves the ingest survives a crash. */
  async accept(req: AcceptRequest, now = Date.now()): Promise<string> {
    // Time-ordered, so accepting an ingest appends to the work list's key index (and the submission's).
    const ingestId = timeOrderedId(now);
    const p = req.params;
    const sha256 = req.files[0]?.sha256 ?? '';
    const time = isoDate(now);
    const task: IngestMessage = {
      submission: {
        sid: ingestId,
        time,
        files: req.files,
        metadata: req.metadata,
        notification: req.notification,
        params: p,
        scan_key: null,
        errors: [],
        results: {},
        file_tree: {},
        file_infos: {},
      },
      retries: 0,
      failure: '',
      score: null,
      extended_scan: 'skipped',
      ingest_id: ingestId,
      ingest_time: time,
      notify_time: null,
    };
    const key = scanKey(sha256, p);
    task.submission.scan_key = key;
    task.submission.metadata = { ...req.metadata, ingest_id: ingestId };
    const rec: IngestRecord = { state: 'queued', priority: p.priority, queued: now, scan_key: key, sid: null, uname: req.uname, task };
    if (req.content) rec.content = Buffer.from(req.content.buffer, req.content.byteOffset, req.content.byteLength);
    await this.commit(ingestId, rec);
    this.adjustBand(p.priority, 1);
    this.kick();
    return ingestId;
  }

  /**
   * Group commit: the records accepted within a couple of milliseconds are written in one transaction, and each
   * acceptance resolves only once that transaction is durable. Under load this turns one commit per ingest into
   * one per batch, for at most that much added latency.
   */
  private commit(id: string, rec: IngestRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id, rec, resolve, reject });
      if (this.pending.length === 1) setTimeout(() => void this.flush(), 2);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      await this.records.putMany(batch.map(({ id, rec }) => [id, rec]));
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err as Error);
    }
  }

  async start(): Promise<void> {
    this.running = true;
    await this.recover();
    this.timer = setInterval(() => this.kick(), this.cfg.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Stop claiming work and wait for in-flight analyses to settle (or for the caller to give up). */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await Promise.allSettled([...this.active]);
  }

  /** Whether the submission is an ingest's analysis, which this ingester resumes itself after a restart. */
  async owns(sid: string): Promise<boolean> {
    return this.records.exists(sid);
  }

  /** After a restart: finish what completed, and queue again what was interrupted. */
  private async recover(): Promise<void> {
    const scanning = await this.records.search({ filter: { op: 'eq', field: 'state', value: 'scanning' }, limit: 1_000_000 });
    for (const rec of scanning.items) {
      const sub = await this.submissions.get(submissionOf(rec));
      if (sub?.state === 'completed') {
        await this.finalize(rec.id, rec, sub.sid, sub.max_score, '', sub);
      } else {
        await this.records.update(rec.id, (cur) => (cur ? { ...cur, state: 'queued' } : undefined));
      }
    }
  }

  private kick(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    this.pump()
      .catch((err) => this.log.error({ err }, 'ingest pump failed'))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    while (this.running && this.active.size < this.cfg.maxInflight) {
      const batch = await this.records.search({
        filter: { op: 'eq', field: 'state', value: 'queued' },
        sort: [
          { field: 'priority', dir: 'desc' },
          { field: 'queued', dir: 'asc' },
        ],
        limit: this.cfg.maxInflight - this.active.size,
        countTotal: false,
      });
      if (!batch.items.length) return;
      for (const item of batch.items) {
        const claimed = await this.records.update(item.id, (cur) => (cur && cur.state === 'queued' ? { ...cur, state: 'scanning' } : undefined));
        if (!claimed || claimed.state !== 'scanning' || item.state !== 'queued') continue;
        this.adjustBand(claimed.priority, -1);
        const job = this.process(item.id, claimed).catch((err: Error) => {
          // Work interrupted by a stop stays recorded and resumes at the next start.
          if (err.name !== 'ShutdownInterruption') this.log.error({ err, ingest_id: item.id }, 'ingest failed');
        });
        this.active.add(job);
        void job.finally(() => {
          this.active.delete(job);
          this.kick();
        });
      }
    }
  }

  private async process(id: string, rec: IngestRecord): Promise<void> {
    const sub = rec.task.submission;
    const p = sub.params;
    const file = sub.files[0];
    if (!file || !/^[0-9a-f]{64}$/.test(file.sha256)) return this.finalize(id, rec, sub.sid, null, 'Invalid sha256');
    if (file.size > this.cfg.maxFileSize && !p.ignore_size && !p.never_drop) {
      return this.finalize(id, rec, sub.sid, null, `File too large (${file.size} > ${this.cfg.maxFileSize})`);
    }
    if (!p.never_drop && (p.priority === 0 || (await this.sampledOut(p.priority)))) return this.finalize(id, rec, sub.sid, null, 'Skipped');
    try {
      if (rec.content) await this.hooks.storeContent(file.sha256, rec.content);
      await this.hooks.prepareFile(file, p);
    } catch (err) {
      return this.finalize(id, rec, sub.sid, null, `File could not be prepared for analysis: ${(err as Error).message}`);
    }

    if (!p.ignore_cache) {
      const hit = await this.cached(rec.scan_key);
      if (hit) return this.finalize(id, rec, hit.sid, hit.score, '', null, hit.incomplete ?? false);
    }

    const running = this.inflight.get(rec.scan_key);
    if (running) {
      // An identical ingest is being analysed (even with ignore_cache): this one is answered by that analysis.
      const done = await running;
      return this.finalize(id, rec, done.sid, done.max_score, '', done);
    }
    const work = this.analyse(id, rec);
    this.inflight.set(rec.scan_key, work);
    try {
      await work;
    } finally {
      this.inflight.delete(rec.scan_key);
    }
  }

  private async analyse(id: string, rec: IngestRecord): Promise<SubmissionRecord> {
    const sid = submissionOf(rec);
    const existing = await this.submissions.get(sid);
    const t = rec.task.submission;
    const submission =
      existing ??
      newSubmission({ sid, files: t.files, params: { ...t.params, psid: t.params.psid }, metadata: t.metadata, scanKey: rec.scan_key });
    const done = await this.runner.run(submission);
    const now = Date.now();
    await this.scores.put(rec.scan_key, {
      psid: done.params.psid,
      sid: done.sid,
      score: done.max_score,
      errors: done.error_count,
      incomplete: done.incomplete ?? false,
      time: now,
      expiry_ts: now + this.cfg.cacheDtlDays * 86_400_000,
    });
    await this.finalize(id, rec, done.sid, done.max_score, '', done);
    return done;
  }

  /** Keep the per-band queue lengths current between recounts (+1 on acceptance, -1 on claim). */
  private adjustBand(priority: number, delta: number): void {
    const band = BANDS.find(([, lo, hi]) => priority >= lo && priority <= hi);
    if (band) this.bandCounts.set(band[0], Math.max(0, (this.bandCounts.get(band[0]) ?? 0) + delta));
  }

  /** Whether an ingest of this priority is dropped because its band's queue is over the sampling limit. */
  private async sampledOut(priority: number): Promise<boolean> {
    const band = BANDS.find(([, lo, hi]) => priority >= lo && priority <= hi);
    if (!band) return false;
    // Recounted every few seconds (other processes queue too) and adjusted in between: sampling is statistical.
    if (Date.now() - this.bandCountsAt > 5_000) {
      this.bandCountsAt = Date.now();
      for (const [name, lo, hi] of BANDS) {
        this.bandCounts.set(
          name,
          await this.records.count({ op: 'and', items: [{ op: 'eq', field: 'state', value: 'queued' }, { op: 'range', field: 'priority', gte: lo, lte: hi }] }),
        );
      }
    }
    const max = this.cfg.samplingAt[band[0]];
    const length = this.bandCounts.get(band[0]) ?? 0;
    if (length <= max) return false;
    return Math.random() < Math.tanh(((length - max) / max) * 2);
  }

  /** A usable cached score for the scan key, applying the expiry and staleness rules. */
  private async cached(key: string): Promise<FileScore | null> {
    const fs = await this.scores.get(key);
    if (!fs) return null;
    const age = (Date.now() - fs.time) / 1000;
    const expired = fs.errors ? age >= this.cfg.incompleteExpireAfterSeconds : age >= this.cfg.expireAfterSeconds;
    if (expired || fs.expiry_ts <= Date.now()) {
      await this.scores.delete(key);
      return null;
    }
    const stale = fs.errors ? age >= this.cfg.incompleteStaleAfterSeconds : age >= this.cfg.staleAfterSeconds;
    return stale ? null : fs;
  }

  private async finalize(
    id: string, rec: IngestRecord, sid: string, score: number | null, failure: string, sub: SubmissionRecord | null = null,
    incomplete = sub?.incomplete ?? false,
  ): Promise<void> {
    const msg: IngestMessage = structuredClone(rec.task);
    msg.submission.sid = sid;
    msg.score = score;
    msg.failure = failure;
    msg.notify_time = isoDate();
    if (incomplete) msg.incomplete = true;
    const n = msg.submission.notification;
    const threshold = n.threshold ?? null;
    // The threshold holds back messages of known, low scores; an incomplete analysis has no trustworthy score.
    if (n.queue && !(threshold !== null && score !== null && score < threshold && !incomplete)) {
      await this.notifications.deliver(rec.uname, n.queue, msg.ingest_id, msg);
    }
    await this.hooks.onFinalized(msg, sub);
    await this.records.delete(id);
  }
}

