// Request arguments and answers of the alert and workflow routes (Assemblyline's `alert` and `workflow` models).
// Alerts are stored documents that other tools may also write, so every field but the key is optional.
import { Type } from '@sinclair/typebox';
import { AnyJson } from '../envelope.js';
import { Counts, Nullable, QueryArg, queryText, Strings } from './common.js';

/** The arguments that select alerts, shared by listings, facets and batch changes. */
const selection = {
  q: queryText('Lucene query (default: every alert)'),
  fq: Type.Optional(Type.Array(Type.String(), { description: 'filter query; repeat for more' })),
  tc: queryText('length of the reporting_ts window, e.g. 1d'),
  tc_start: queryText('end of the window (date math; default now)'),
};
export const AlertSelectionArgs = Type.Object(selection);
// Paging values are checked by hand (paging.ts) so a bad one is named with its range and setting.
export const AlertListArgs = Type.Object({
  ...selection,
  offset: Type.Optional(QueryArg),
  rows: Type.Optional(QueryArg),
  track_total_hits: Type.Optional(QueryArg),
});
export const AlertId = Type.Object({ alert_id: Type.String({ minLength: 1, maxLength: 128 }) });

const Indicator = Type.Object({ type: Type.String(), value: Type.String(), verdict: Type.String(), subtype: Type.Optional(Type.String()) });

const Summary = Type.Partial(
  Type.Object({
    score: Type.Integer(),
    attrib: Strings,
    av: Strings,
    behavior: Strings,
    domain: Strings,
    domain_dynamic: Strings,
    domain_static: Strings,
    ip: Strings,
    ip_dynamic: Strings,
    ip_static: Strings,
    uri: Strings,
    uri_dynamic: Strings,
    uri_static: Strings,
    yara: Strings,
    detailed: Type.Record(Type.String(), Type.Array(Indicator)),
    request_end_time: Type.String(),
  }),
);

const AlertEvent = Type.Object({
  entity_type: Type.String(),
  entity_id: Type.String(),
  entity_name: Type.String(),
  ts: Type.String(),
  labels: Strings,
  labels_removed: Strings,
  priority: Type.Optional(Nullable(Type.String())),
  status: Type.Optional(Nullable(Type.String())),
});

const alertFields = {
  alert_id: Type.String(),
  sid: Type.String(),
  /** Search hits carry their key. */
  id: Type.Optional(Type.String()),
  al: Type.Optional(Summary),
  archive_ts: Type.Optional(Nullable(Type.String())),
  attack: Type.Optional(Type.Partial(Type.Object({ pattern: Strings, category: Strings }))),
  classification: Type.Optional(Type.String()),
  expiry_ts: Type.Optional(Nullable(Type.String())),
  extended_scan: Type.Optional(Type.String()),
  file: Type.Optional(
    Type.Partial(
      Type.Object({
        md5: Nullable(Type.String()),
        name: Type.String(),
        sha1: Nullable(Type.String()),
        sha256: Type.String(),
        size: Type.Integer(),
        type: Type.String(),
        screenshots: Type.Array(Type.Partial(Type.Object({ name: Type.String(), description: Type.String(), img: Type.String(), thumb: Type.String() }))),
      }),
    ),
  ),
  filtered: Type.Optional(Type.Boolean()),
  heuristic: Type.Optional(Type.Partial(Type.Object({ name: Strings }))),
  label: Type.Optional(Strings),
  // Free-form: the submission's metadata, whatever the submitter attached.
  metadata: Type.Optional(AnyJson),
  owner: Type.Optional(Nullable(Type.String())),
  priority: Type.Optional(Nullable(Type.String())),
  reporting_ts: Type.Optional(Type.String()),
  submission_relations: Type.Optional(Type.Array(Type.Object({ child: Type.String(), parent: Type.Optional(Nullable(Type.String())) }))),
  status: Type.Optional(Nullable(Type.String())),
  ts: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  verdict: Type.Optional(Type.Partial(Type.Object({ malicious: Strings, non_malicious: Strings }))),
  events: Type.Optional(Type.Array(AlertEvent)),
  workflows_completed: Type.Optional(Type.Boolean()),
};

export const Alert = Type.Object(alertFields);

export const AlertList = Type.Object({
  offset: Type.Integer(),
  rows: Type.Integer(),
  total: Nullable(Type.Integer()),
  items: Type.Array(Alert),
});

export const GroupedAlerts = Type.Object({
  offset: Type.Integer(),
  rows: Type.Integer(),
  total: Type.Integer(),
  /** Alerts in the groups of this page. */
  counted_total: Type.Integer(),
  /** End of the time window, when there is one. */
  tc_start: Nullable(Type.String()),
  items: Type.Array(
    Type.Object({
      ...alertFields,
      group_count: Type.Integer({ description: 'alerts sharing the value' }),
      hint_owner: Type.Boolean({ description: 'someone owns one of them' }),
    }),
  ),
});

/** Facets of the main indicator fields: {field: {value: count}}. */
export const AlertStatistics = Type.Record(Type.String(), Counts);

export const WorkflowId = Type.Object({ workflow_id: Type.String({ minLength: 1, maxLength: 128 }) });

export const Workflow = Type.Object({
  workflow_id: Type.String(),
  name: Type.String(),
  query: Type.String(),
  description: Type.String(),
  labels: Strings,
  priority: Nullable(Type.String()),
  status: Nullable(Type.String()),
  enabled: Type.Boolean(),
  classification: Type.String(),
  creator: Type.String(),
  edited_by: Type.String(),
  creation_date: Type.String(),
  last_edit: Type.String(),
  first_seen: Nullable(Type.String()),
  last_seen: Nullable(Type.String()),
  hit_count: Type.Integer(),
  origin: Nullable(Type.String()),
});

export const WorkflowSaved = Type.Object({ success: Type.Boolean(), workflow_id: Type.String() });
export const WorkflowRun = Type.Object({ success: Type.Boolean(), alerts_changed: Type.Integer() });
