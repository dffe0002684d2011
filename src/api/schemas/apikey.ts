// Response schemas of /api/v4/apikey/: keys as shown to their owners, never with their stored secret.
import { Type } from '@sinclair/typebox';
import { Paged } from '../envelope.js';
import { Nullable } from './common.js';

export const PublicApikey = Type.Object({
  id: Type.String({ description: '"<key_name>+<uname>"' }),
  uname: Type.String(),
  key_name: Type.String(),
  acl: Type.Array(Type.String(), { description: 'ACL letters: R, W, E or C' }),
  roles: Type.Array(Type.String()),
  creation_date: Type.String(),
  expiry_ts: Nullable(Type.String()),
  last_used: Nullable(Type.String()),
});

export const NewApikey = Type.Composite([
  PublicApikey,
  Type.Object({ keypassword: Type.String({ description: '"<key_name>:<secret>", shown this once' }) }),
]);

export const ApikeyPage = Paged(PublicApikey);
