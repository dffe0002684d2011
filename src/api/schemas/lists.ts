// Answers of the safelist and badlist routes (Assemblyline's `safelist` and `badlist` models). Both lists share
// the item shape; signature items are safelist-only, fuzzy hashes and attribution badlist-only.
import { Type } from '@sinclair/typebox';
import { Nullable, Strings } from './common.js';

const Source = Type.Object({ classification: Type.String(), name: Type.String(), reason: Strings, type: Type.String({ description: 'user or external' }) });

const itemFields = {
  added: Type.String(),
  updated: Type.String(),
  classification: Type.String(),
  enabled: Type.Boolean(),
  expiry_ts: Nullable(Type.String()),
  hashes: Type.Partial(Type.Object({ md5: Type.String(), sha1: Type.String(), sha256: Type.String(), ssdeep: Type.String(), tlsh: Type.String() })),
  file: Type.Optional(Type.Partial(Type.Object({ name: Strings, size: Type.Integer(), type: Type.String() }))),
  sources: Type.Array(Source),
  tag: Type.Optional(Type.Object({ type: Type.String(), value: Type.String() })),
  signature: Type.Optional(Type.Object({ name: Type.String() })),
  attribution: Type.Optional(
    Type.Partial(Type.Object({ actor: Strings, campaign: Strings, category: Strings, exploit: Strings, implant: Strings, family: Strings, network: Strings })),
  ),
  type: Type.String({ description: 'file, tag or signature' }),
};

export const ListItem = Type.Object(itemFields);

/** Badlisted files like a given ssdeep digest, with their score (0-100). */
export const SsdeepMatches = Type.Array(Type.Object({ ...itemFields, id: Type.String(), similarity: Type.Integer() }));
/** Badlisted files near a given TLSH digest, with their distance (lower is closer). */
export const TlshMatches = Type.Array(Type.Object({ ...itemFields, id: Type.String(), distance: Type.Integer() }));

export const ItemSaved = Type.Object({ success: Type.Boolean(), op: Type.String({ description: 'add or update' }), hash: Type.String({ description: 'the key of the item' }) });
export const ItemsSaved = Type.Object({ success: Type.Integer({ description: 'items added or updated' }), errors: Strings });
