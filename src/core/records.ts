// Typed handles on the collections the analysis records live in. Each collection's name and record type is spelled
// here once; core services take the handles they own from this, never from the datastore by name.
import type { Collection, Datastore } from '../store/datastore.js';
import type { AlertRecord, WorkflowRecord } from './alerts/model.js';
import type { IngestRecord } from './ingest/message.js';
import type { EmptyResultMarker, ErrorRecord, HeuristicRecord, ResultRecord } from './results/model.js';
import type { SubmissionRecord } from './submission/record.js';

export interface AnalysisRecords {
  submissions: Collection<SubmissionRecord>;
  results: Collection<ResultRecord>;
  /** Keys of analyses that produced nothing: a cache hit without a stored result. */
  emptyResults: Collection<EmptyResultMarker>;
  errors: Collection<ErrorRecord>;
  heuristics: Collection<HeuristicRecord>;
  /** Alerts raised from analyses, and the saved queries (workflows) that triage them. */
  alerts: Collection<AlertRecord>;
  workflows: Collection<WorkflowRecord>;
  /** The ingester's durable record of each accepted ingest, kept until its notification is delivered. */
  ingests: Collection<IngestRecord>;
}

export function analysisRecords(ds: Datastore): AnalysisRecords {
  return {
    submissions: ds.collection<SubmissionRecord>('submission'),
    results: ds.collection<ResultRecord>('result'),
    emptyResults: ds.collection<EmptyResultMarker>('emptyresult'),
    errors: ds.collection<ErrorRecord>('error'),
    heuristics: ds.collection<HeuristicRecord>('heuristic'),
    alerts: ds.collection<AlertRecord>('alert'),
    workflows: ds.collection<WorkflowRecord>('workflow'),
    ingests: ds.collection<IngestRecord>('ingest'),
  };
}
