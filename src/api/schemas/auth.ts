// Response schemas of /api/v4/auth/ and API discovery.
import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

export const LoginAnswer = Type.Object({
  username: Type.String(),
  roles_limit: Nullable(Type.Array(Type.String(), { description: 'the roles an API-key session is limited to; null for a password session' })),
  session_duration: Type.Integer({ description: 'seconds a session lives without use' }),
});

export const ApiVersions = Type.Array(Type.String(), { description: 'API versions this server speaks' });
