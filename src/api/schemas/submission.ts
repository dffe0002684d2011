// Response schemas of the submission routes: the submission record (Assemblyline's `submission` model) and the
// documents built around it (full, summary, tree, one file, listings).
import { Type } from '@sinclair/typebox';
import { FileRecord } from './file.js';
import { Nullable, Strings } from './common.js';
import { AttackMatrix, ErrorRecord, HeuristicsByVerdict, Result, Section, SummaryTag, fileSummaryFields } from './result.js';


export const serviceSelectionFields = {
  selected: Strings,
  excluded: Strings,
  rescan: Strings,
  resubmit: Strings,
  runtime_excluded: Strings,
};

/** Submission parameters; `services` is given separately so the report can add to it. */
export const paramsFields = {
  classification: Type.String(),
  deep_scan: Type.Boolean(),
  description: Type.String(),
  filetype_override: Nullable(Type.String()),
  generate_alert: Type.Boolean(),
  groups: Strings,
  ignore_cache: Type.Boolean(),
  ignore_dynamic_recursion_prevention: Type.Boolean(),
  ignore_recursion_prevention: Type.Boolean(),
  ignore_filtering: Type.Boolean(),
  ignore_size: Type.Boolean(),
  never_drop: Type.Boolean(),
  malicious: Type.Boolean(),
  max_extracted: Type.Integer(),
  max_supplementary: Type.Integer(),
  priority: Type.Integer(),
  profile: Type.Boolean(),
  psid: Nullable(Type.String()),
  quota_item: Type.Boolean(),
  services: Type.Object(serviceSelectionFields),
  // Each service's own settings, by service name; what a service takes is up to that service.
  service_spec: Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown())),
  submitter: Type.String(),
  trace: Type.Boolean(),
  ttl: Type.Integer({ description: 'days to keep the submission (0: forever)' }),
  type: Type.String(),
  initial_data: Nullable(Type.String()),
  auto_archive: Type.Boolean(),
  delete_after_archive: Type.Boolean(),
  use_archive_alternate_dtl: Type.Boolean(),
};
export const SubmissionParams = Type.Object(paramsFields);

export const SubmissionFile = Type.Object({ name: Type.String(), size: Type.Integer(), sha256: Type.String() });
/** Submission metadata: flat text keys and values. */
export const Metadata = Type.Record(Type.String(), Type.String());

/** The submission record's fields, for the documents that extend or replace some of them. */
export const submissionFields = {
  sid: Type.String(),
  archive_ts: Nullable(Type.String()),
  archived: Type.Boolean(),
  classification: Type.String(),
  // Assemblyline's tracing events; recorded as its model holds them.
  tracing_events: Type.Array(Type.Unknown()),
  error_count: Type.Integer(),
  errors: Type.Array(Type.String(), { description: 'error keys' }),
  expiry_ts: Nullable(Type.String()),
  file_count: Type.Integer(),
  files: Type.Array(SubmissionFile),
  max_score: Type.Integer(),
  metadata: Metadata,
  params: SubmissionParams,
  results: Type.Array(Type.String(), { description: 'result keys' }),
  state: Type.String({ description: 'submitted, completed or failed' }),
  to_be_deleted: Type.Boolean(),
  times: Type.Object({ submitted: Type.String(), completed: Nullable(Type.String()) }),
  verdict: Type.Object({ malicious: Strings, non_malicious: Strings }),
  from_archive: Type.Boolean(),
  scan_key: Nullable(Type.String()),
  incomplete: Type.Optional(Type.Boolean({ description: 'the analysis failed in part: the score is not a verdict' })),
  incomplete_reasons: Type.Optional(Strings),
};
export const Submission = Type.Object(submissionFields, { description: 'A submission record' });

/** A file of the tree and what was extracted from it, by sha256. */
export const FileTreeNode = Type.Recursive((Node) =>
  Type.Object({
    name: Strings,
    type: Type.String(),
    sha256: Type.String(),
    size: Type.Integer(),
    children: Type.Record(Type.String(), Node),
    truncated: Type.Boolean({ description: 'some children are shown elsewhere in the tree' }),
    score: Type.Integer(),
  }),
  { $id: 'FileTreeNode' },
);
export const FileTree = Type.Record(Type.String(), FileTreeNode);

const { results: _results, errors: _errors, ...withoutKeys } = submissionFields;
export const SubmissionFull = Type.Object({
  ...withoutKeys,
  file_tree: FileTree,
  file_infos: Type.Record(Type.String(), FileRecord),
  missing_file_keys: Strings,
  results: Type.Record(Type.String(), Result),
  missing_result_keys: Strings,
  errors: Type.Record(Type.String(), ErrorRecord),
  missing_error_keys: Strings,
});

export const SubmissionTree = Type.Object({
  tree: FileTree,
  classification: Type.String(),
  filtered: Type.Boolean(),
  partial: Type.Boolean(),
  supplementary: Strings,
});

export const SubmissionSummary = Type.Object({
  map: Type.Record(Type.String(), Strings, { description: 'links between files and what they showed, both ways' }),
  tags: Type.Object({
    behavior: Type.Record(Type.String(), Type.Array(SummaryTag)),
    attribution: Type.Record(Type.String(), Type.Array(SummaryTag)),
    ioc: Type.Record(Type.String(), Type.Array(SummaryTag)),
  }),
  attack_matrix: AttackMatrix,
  heuristics: HeuristicsByVerdict,
  classification: Type.String(),
  filtered: Type.Boolean(),
  partial: Type.Boolean(),
  heuristic_sections: Type.Record(Type.String(), Type.Array(Section)),
  heuristic_name_map: Type.Record(Type.String(), Strings),
});

export const SubmissionFileView = Type.Object({
  classification: Type.String(),
  file_info: FileRecord,
  results: Type.Array(Result),
  errors: Type.Array(ErrorRecord),
  metadata: Type.Object({}),
  ...fileSummaryFields,
});

export const SubmissionList = Type.Object({
  offset: Type.Integer(),
  rows: Type.Integer(),
  total: Type.Integer(),
  items: Type.Array(Type.Object({ id: Type.String(), ...submissionFields })),
});
