// Response schemas of results and errors (Assemblyline's `result` and `error` models, results in their API form:
// sections with parsed bodies and listed tags) and of the aggregates built from them.
import { Type } from '@sinclair/typebox';
import { FileRecord } from './file.js';
import { Nullable, Strings } from './common.js';

const HType = Type.String({ description: 'malicious, suspicious, info or safe' });
/** Most tag values are text; a few tag types hold numbers (network.port). */
const TagValue = Type.Union([Type.String(), Type.Number()]);

const Attack = Type.Object({ attack_id: Type.String(), pattern: Type.String(), categories: Strings });
const Signature = Type.Object({ name: Type.String(), frequency: Type.Integer(), safe: Type.Boolean() });
const SectionHeuristic = Type.Object({
  heur_id: Type.String(),
  name: Type.String(),
  score: Type.Integer(),
  attack: Type.Array(Attack),
  signature: Type.Array(Signature),
});
const Tag = Type.Object({ type: Type.String(), value: TagValue, short_type: Type.String(), safelisted: Type.Boolean() });

export const Section = Type.Object({
  title_text: Type.String(),
  // Text, or for the structured formats the document the format describes (a table, a graph, key/value pairs).
  body: Type.Unknown(),
  body_format: Type.String(),
  // Display settings whose keys depend on body_format.
  body_config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  classification: Type.String(),
  depth: Type.Integer(),
  heuristic: Nullable(SectionHeuristic),
  tags: Type.Array(Tag),
  auto_collapse: Type.Optional(Type.Boolean()),
  zeroize_on_tag_safe: Type.Optional(Type.Boolean()),
  promote_to: Type.Optional(Nullable(Type.String())),
});

const ResultFile = Type.Object({
  name: Type.String(),
  sha256: Type.String(),
  description: Type.String(),
  classification: Type.String(),
  is_section_image: Type.Boolean(),
  parent_relation: Type.String(),
  allow_dynamic_recursion: Type.Boolean(),
});

/** Which section sits under which: indices into `result.sections`. */
const HierarchyNode = Type.Recursive((Node) => Type.Object({ id: Type.Integer(), children: Type.Array(Node) }), { $id: 'SectionHierarchyNode' });

export const Result = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'the result key, where the result was found by search' })),
    archive_ts: Nullable(Type.String()),
    classification: Type.String(),
    created: Type.String(),
    expiry_ts: Nullable(Type.String()),
    sha256: Type.String(),
    type: Nullable(Type.String({ description: 'file type (null for an empty result)' })),
    size: Nullable(Type.Integer()),
    drop_file: Type.Boolean(),
    partial: Type.Boolean(),
    from_archive: Type.Boolean(),
    response: Type.Object({
      milestones: Type.Object({ service_started: Type.String(), service_completed: Type.String() }),
      service_version: Type.String(),
      service_name: Type.String(),
      service_tool_version: Nullable(Type.String()),
      service_context: Nullable(Type.String()),
      service_debug_info: Nullable(Type.String()),
      extracted: Type.Array(ResultFile),
      supplementary: Type.Array(ResultFile),
    }),
    result: Type.Object({ score: Type.Integer(), sections: Type.Array(Section) }),
    section_hierarchy: Type.Optional(Type.Array(HierarchyNode)),
  },
  { description: 'A result in API form' },
);

const errorFields = {
  archive_ts: Nullable(Type.String()),
  created: Type.String(),
  expiry_ts: Nullable(Type.String()),
  response: Type.Object({
    message: Type.String(),
    service_debug_info: Nullable(Type.String()),
    service_name: Type.String(),
    service_tool_version: Nullable(Type.String()),
    service_version: Type.String(),
    status: Type.String({ description: 'FAIL_NONRECOVERABLE or FAIL_RECOVERABLE' }),
  }),
  sha256: Type.String(),
  type: Type.String({ description: 'e.g. EXCEPTION, MAX DEPTH REACHED, SERVICE DOWN' }),
  severity: Type.String({ description: 'error or warning' }),
};
export const ErrorRecord = Type.Object(errorFields, { description: 'An error record' });
/** An error found by search, with its key. */
export const FoundError = Type.Object({ id: Type.String(), ...errorFields });

/** [value, verdict, safelisted, classification] */
export const SummaryTag = Type.Tuple([TagValue, HType, Type.Boolean(), Type.String()]);
/** [attack id, pattern name, verdict] by tactic. */
export const AttackMatrix = Type.Record(Type.String(), Type.Array(Type.Tuple([Type.String(), Type.String(), HType])));
/** [heuristic id, name] by verdict. */
const Heuristics = Type.Array(Type.Tuple([Type.String(), Type.String()]));
export const HeuristicsByVerdict = Type.Partial(Type.Object({ malicious: Heuristics, suspicious: Heuristics, info: Heuristics, safe: Heuristics }));

/** Aggregates of one file's results: tags, ATT&CK matrix, heuristics and signatures, each with its verdict. */
export const fileSummaryFields = {
  tags: Type.Record(Type.String(), Type.Array(SummaryTag)),
  attack_matrix: AttackMatrix,
  heuristics: HeuristicsByVerdict,
  signatures: Type.Array(Type.Tuple([Type.String(), HType, Type.Boolean()])),
};

export const MultipleKeys = Type.Object({
  error: Type.Record(Type.String(), ErrorRecord),
  result: Type.Record(Type.String(), Result),
});

export const ErrorList = Type.Object({
  offset: Type.Integer(),
  rows: Type.Integer(),
  total: Nullable(Type.Integer()),
  items: Type.Array(FoundError),
  next_deep_paging_id: Type.Optional(Type.String()),
});

const Child = Type.Object({ sha256: Type.String(), name: Type.String() });
export const Children = Type.Array(Child);

export const FileResults = Type.Object({
  classification: Type.String(),
  file_info: FileRecord,
  results: Type.Array(Result, { description: 'the latest result of each service' }),
  alternates: Type.Record(
    Type.String(),
    Type.Array(Type.Object({ id: Type.String(), created: Type.String(), result: Type.Object({ score: Type.Integer() }), response: Type.Object({ service_version: Type.String() }) })),
    { description: "each service's older results, newest first" },
  ),
  errors: Type.Array(FoundError),
  parents: Strings,
  childrens: Children,
  metadata: Type.Object({}),
  ...fileSummaryFields,
  file_viewer_only: Type.Boolean(),
});

export const ServiceResults = Type.Object({ file_info: FileRecord, results: Type.Array(Result) });
export const FileScore = Type.Object({ file_info: FileRecord, score: Type.Integer(), result_keys: Strings });
