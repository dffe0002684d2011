// The ontology records of a submission, of the submission behind an alert, or of a file across submissions, as
// far as the reader may read them: the results chosen (select.ts), exported with the live facts of where they are
// read from (export.ts).
import type { Collection } from '../../store/datastore.js';
import type { AlertRecord } from '../alerts/model.js';
import { forbidden, notFound } from '../errors.js';
import type { FileService } from '../files/service.js';
import { defaultClassification } from '../results/c12n.js';
import type { HeuristicRecord, ResultRecord } from '../results/model.js';
import type { ResultService } from '../results/service.js';
import { canReadClassified, canReadSubmission, type Reader } from '../submission/access.js';
import type { SubmissionRecord } from '../submission/record.js';
import type { SubmissionService } from '../submission/service.js';
import { MAX_SUPPLIED_RECORD_BYTES, ontologyRecords, type ExportOverlay } from './export.js';
import { queryList, selectFileResults, selectResultKeys } from './select.js';
import { isPlainObject } from '../util/plain.js';

export type OntologyRecord = Record<string, unknown>;

/** Narrowing of a submission's or alert's results: by file and by service (each repeatable). */
export interface ResultFilter {
  sha256?: readonly string[];
  service?: readonly string[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export class OntologyService {
  constructor(
    private readonly stores: { alerts: Pick<Collection<AlertRecord>, 'get'>; heuristics: Pick<Collection<HeuristicRecord>, 'getMany'> },
    private readonly submissions: Pick<SubmissionService, 'readable'>,
    private readonly results: Pick<ResultService, 'stored' | 'ofFile'>,
    private readonly files: Pick<FileService, 'readable' | 'records' | 'head'>,
    /** This deployment's name (`fqdn`), recorded as every record's source system; read at each export. */
    private readonly deployment: { fqdn: string },
  ) {}

  async ofSubmission(sid: string, reader: Reader, q: ResultFilter): Promise<OntologyRecord[]> {
    const sub = await this.submissions.readable(sid, reader, 'ontology');
    return this.records(reader, await this.resultsOf(sub, q), {
      updates: { file: { parent: sub.files[0]?.sha256 }, submission: this.submissionFacts(sub, sub.metadata ?? {}, sub.times.submitted) },
      names: rootNames(sub),
    });
  }

  async ofAlert(alertId: string, reader: Reader, q: ResultFilter): Promise<OntologyRecord[]> {
    const alert = await this.stores.alerts.get(alertId);
    if (!alert) throw notFound(`There is no alert with this ID: ${alertId}`);
    if (!canReadClassified(reader, text(alert.classification) ?? defaultClassification.unrestricted)) {
      throw forbidden(`You are not allowed get ontology files for this alert: ${alertId}`);
    }
    const sub = await this.submissionOf(alert, alertId, reader);
    const parent = (isPlainObject(alert.file) ? text(alert.file.sha256) : undefined) ?? sub.files[0]?.sha256;
    return this.records(reader, await this.resultsOf(sub, q), {
      updates: { file: { parent }, submission: this.submissionFacts(sub, isPlainObject(alert.metadata) ? alert.metadata : {}, text(alert.ts) ?? sub.times.submitted) },
      names: rootNames(sub),
    });
  }

  /** The file's results from submissions the reader may read: the newest of each service, or every one with `all`. */
  async ofFile(sha256: string, reader: Reader, q: { service?: readonly string[]; all: boolean }): Promise<OntologyRecord[]> {
    const info = await this.files.readable(sha256, reader, 'ontology');
    const list = selectFileResults(await this.results.ofFile(info.sha256, reader), queryList(q.service), q.all);
    return this.records(reader, list, { updates: { submission: { date: info.seen.last, source_system: this.deployment.fqdn, classification: info.classification } } });
  }

  private submissionOf(alert: AlertRecord, alertId: string, reader: Reader): Promise<SubmissionRecord> {
    // Answers name the alert: the submission is reached through it, not named by the caller.
    return this.submissions.readable(alert.sid, reader, {
      missing: `The submission related to the alert is missing: ${alertId}`,
      denied: `Your are not allowed get ontology files for the submission related to this alert: ${alertId}`,
      response: '',
    });
  }

  private async resultsOf(sub: SubmissionRecord, q: ResultFilter): Promise<ResultRecord[]> {
    return this.results.stored(selectResultKeys(sub.results, queryList(q.sha256), queryList(q.service)));
  }

  /** Live submission facts every record of a submission (or its alert) carries. */
  private submissionFacts(sub: SubmissionRecord, metadata: Record<string, unknown>, date: string) {
    return {
      metadata,
      date,
      source_system: this.deployment.fqdn,
      sid: sub.sid,
      classification: sub.classification,
      submitter: sub.params.submitter,
      groups: sub.params.groups,
      max_score: sub.max_score,
      ...('original_source' in metadata ? { original_source: metadata.original_source } : {}),
    };
  }

  /** Records of the given results, with the file facts and catalogue scores they need. */
  private async records(reader: Reader, list: ResultRecord[], overlay: Omit<ExportOverlay, 'userClassification'>): Promise<OntologyRecord[]> {
    const files = await this.files.records(list.map((r) => r.sha256));
    const ids = new Set<string>();
    for (const r of list) for (const s of r.result.sections) if (s.heuristic) ids.add(s.heuristic.heur_id);
    const catalogue = await this.stores.heuristics.getMany([...ids]);
    const sources = { files, readStored: (sha256: string) => this.files.head(sha256, MAX_SUPPLIED_RECORD_BYTES + 1) };
    const userClassification = reader.isAdmin ? undefined : reader.classification;
    return ontologyRecords(list, sources, { ...overlay, userClassification }, { heuristicScore: (id) => catalogue.get(id)?.score });
  }
}

const rootNames = (sub: SubmissionRecord) => new Map(sub.files.map((f) => [f.sha256, [f.name]]));
