// Answers of the signature routes (Assemblyline's `signature` model and its statistics).
import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

const statsFields = {
  count: Type.Integer(),
  min: Type.Integer(),
  max: Type.Integer(),
  avg: Type.Integer(),
  sum: Type.Integer(),
  first_hit: Nullable(Type.String()),
  last_hit: Nullable(Type.String()),
};

export const Signature = Type.Object({
  classification: Type.String(),
  data: Type.String({ description: 'the rule text' }),
  last_modified: Type.String(),
  name: Type.String(),
  // Deprecated in Assemblyline; kept as the client sent it.
  order: Type.Number(),
  revision: Type.String(),
  signature_id: Type.String(),
  source: Type.String(),
  state_change_date: Nullable(Type.String()),
  state_change_user: Nullable(Type.String()),
  stats: Type.Object(statsFields),
  status: Type.String({ description: 'DEPLOYED, NOISY, DISABLED, STAGING, TESTING or INVALID' }),
  type: Type.String({ description: 'yara, suricata, sigma, ...' }),
});

/** AL answers `id`; some clients read `signature_id`, so both carry the key. */
export const SignatureSaved = Type.Object({ success: Type.Boolean(), id: Type.String(), signature_id: Type.String() });
export const SignaturesSaved = Type.Object({
  success: Type.Integer({ description: 'signatures added or updated' }),
  errors: Type.Array(Type.String(), { description: 'keys of the signatures refused' }),
  skipped: Type.Array(Type.String(), { description: 'keys whose name another signature of the source already has' }),
});
export const SignatureStats = Type.Array(
  Type.Object({ ...statsFields, id: Type.String(), classification: Type.String(), name: Type.String(), source: Type.String(), type: Type.String() }),
);
