// Response schema of submission params (Assemblyline's SubmissionParams), as a user's profile gives them.
import { Type } from '@sinclair/typebox';
import { AnyJson } from '../envelope.js';
import { Nullable } from './common.js';

const Names = Type.Array(Type.String());

export const SubmissionParams = Type.Object({
  classification: Type.String(),
  deep_scan: Type.Boolean(),
  description: Type.String(),
  filetype_override: Nullable(Type.String()),
  generate_alert: Type.Boolean(),
  groups: Names,
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
  services: Type.Object({ selected: Names, excluded: Names, rescan: Names, resubmit: Names, runtime_excluded: Names }),
  // Per service, the values of that service's own parameters: their names and types are the service's.
  service_spec: Type.Record(Type.String(), Type.Record(Type.String(), AnyJson)),
  submitter: Type.String(),
  trace: Type.Boolean(),
  ttl: Type.Integer({ description: 'days to live; 0 keeps the submission for ever' }),
  type: Type.String(),
  initial_data: Nullable(Type.String()),
  auto_archive: Type.Boolean(),
  delete_after_archive: Type.Boolean(),
  use_archive_alternate_dtl: Type.Boolean(),
});
