// Response schemas of the ingest routes: the completion message a notification queue delivers.
import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { Metadata, SubmissionFile, SubmissionParams } from './submission.js';

// Part of Assemblyline's message format; Assay delivers them empty.
const Reserved = Type.Record(Type.String(), Type.Unknown());

export const IngestMessage = Type.Object({
  submission: Type.Object({
    sid: Type.String(),
    time: Type.String(),
    files: Type.Array(SubmissionFile),
    metadata: Metadata,
    notification: Type.Object({ queue: Type.Optional(Type.String()), threshold: Type.Optional(Nullable(Type.Integer())) }),
    params: SubmissionParams,
    scan_key: Nullable(Type.String()),
    errors: Type.Array(Type.String()),
    results: Reserved,
    file_tree: Reserved,
    file_infos: Reserved,
  }),
  retries: Type.Integer(),
  failure: Type.String(),
  score: Nullable(Type.Integer()),
  extended_scan: Type.String(),
  ingest_id: Type.String(),
  ingest_time: Type.String(),
  notify_time: Nullable(Type.String()),
  incomplete: Type.Optional(Type.Boolean({ description: 'the analysis failed in part: the score is not a verdict' })),
});
