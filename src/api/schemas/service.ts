// Answers of the service, heuristic and help routes: what this deployment runs, its heuristics and their
// statistics, and the settings, classification scheme and constants clients adapt to.
import { Type } from '@sinclair/typebox';
import { AnyJson } from '../envelope.js';
import { Nullable, Strings } from './common.js';

export const ServiceSummaries = Type.Array(
  Type.Object({
    accepts: Type.String(),
    category: Type.String(),
    classification: Type.String(),
    description: Type.String(),
    enabled: Type.Boolean(),
    name: Type.String(),
    privileged: Type.Boolean(),
    rejects: Type.String(),
    stage: Type.String(),
    version: Type.String(),
  }),
);

export const ServiceDocument = Type.Object({
  name: Type.String(),
  version: Type.String(),
  enabled: Type.Boolean(),
  category: Type.String(),
  stage: Type.String(),
  description: Type.String(),
  accepts: Type.String({ description: 'file types taken: a regular expression over the type label' }),
  rejects: Type.String(),
  timeout: Type.Number({ description: 'seconds' }),
  ram_mb: Nullable(Type.Number()),
  disable_cache: Type.Boolean(),
  is_external: Type.Boolean(),
  recursion_prevention: Strings,
  classification: Type.String(),
  default_result_classification: Type.String(),
  // Free-form: each service's own settings, whatever it declares.
  config: Type.Record(Type.String(), AnyJson),
  submission_params: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.String({ description: 'bool, int, str or list' }),
      // Free-form: a parameter's value has the parameter's own type.
      default: AnyJson,
      value: AnyJson,
      list: Type.Optional(Type.Array(AnyJson)),
      hide: Type.Optional(Type.Boolean()),
    }),
  ),
  heuristics: Type.Array(Type.Object({ heur_id: Type.String(), name: Type.String(), score: Type.Number() })),
});

const statFields = {
  count: Type.Integer(),
  min: Type.Integer(),
  avg: Type.Integer(),
  max: Type.Integer(),
  sum: Type.Integer(),
  first_hit: Nullable(Type.String()),
  last_hit: Nullable(Type.String()),
};

export const HeuristicStats = Type.Array(Type.Object({ heur_id: Type.String(), name: Type.String(), classification: Type.String(), ...statFields }));

export const Heuristic = Type.Object({
  heur_id: Type.String(),
  name: Type.String(),
  score: Type.Number(),
  max_score: Nullable(Type.Number()),
  attack_id: Strings,
  classification: Type.String(),
  description: Type.String(),
  filetype: Type.String(),
  signature_score_map: Type.Record(Type.String(), Type.Number()),
  stats: Type.Object(statFields, { description: 'counted from the stored results when read' }),
});

/** Names with the services in each, e.g. ["Static Analysis", ["Characterize", ...]]. */
const Grouping = Type.Array(Type.Tuple([Type.String(), Strings]));

export const Configuration = Type.Object({
  'core.ingester.default_max_extracted': Type.Integer(),
  'core.ingester.default_max_supplementary': Type.Integer(),
  'services.categories': Grouping,
  'services.stages': Grouping,
  'submission.default_max_extracted': Type.Integer(),
  'submission.default_max_supplementary': Type.Integer(),
  'submission.dtl': Type.Integer(),
  'submission.max_dtl': Type.Integer(),
  'submission.max_extraction_depth': Type.Integer(),
  'submission.max_file_size': Type.Integer(),
  'submission.max_metadata_length': Type.Integer(),
  'submission.verdicts.info': Type.Number(),
  'submission.verdicts.suspicious': Type.Number(),
  'submission.verdicts.highly_suspicious': Type.Number(),
  'submission.verdicts.malicious': Type.Number(),
  'ui.allow_raw_downloads': Type.Boolean(),
  'ui.allow_zip_downloads': Type.Boolean(),
  'ui.download_encoding': Type.String(),
  'ui.default_zip_password': Type.String(),
  'ui.enforce_quota': Type.Boolean(),
  'ui.ingest_max_priority': Type.Integer(),
});

/** A required marking, group or subgroup of the scheme (Assay's shipped scheme has none). */
const Marking = Type.Partial(
  Type.Object({
    name: Type.String(),
    short_name: Type.String(),
    description: Type.String(),
    aliases: Strings,
    require_lvl: Type.Integer(),
    is_required_group: Type.Boolean(),
    auto_select: Type.Boolean(),
    solitary_display_name: Type.String(),
    require_group: Type.String(),
    limited_to_group: Type.String(),
  }),
);

export const ClassificationDefinition = Type.Object({
  enforce: Type.Boolean(),
  dynamic_groups: Type.Boolean(),
  dynamic_groups_type: Type.String(),
  levels: Type.Array(
    Type.Object({
      aliases: Strings,
      css: Type.Object({ color: Type.String() }),
      description: Type.String(),
      lvl: Type.Integer(),
      name: Type.String(),
      short_name: Type.String(),
    }),
  ),
  required: Type.Array(Marking),
  groups: Type.Array(Marking),
  subgroups: Type.Array(Marking),
  restricted: Type.String(),
  unrestricted: Type.String(),
});

export const Constants = Type.Object({
  max_priority: Type.Integer(),
  priorities: Type.Record(Type.String(), Type.Tuple([Type.Integer(), Type.Integer()]), { description: 'name: [lowest, highest]' }),
  file_types: Type.Array(Type.Tuple([Type.String(), Strings]), { description: '["*", services taking every type], then [type, services]' }),
  tag_types: Strings,
});

export const TermsOfService = Nullable(Type.String({ description: 'markdown' }));
