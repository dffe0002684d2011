// The Assemblyline response envelope, used by every JSON answer under /api, success or error:
// {api_response, api_error_message, api_server_version, api_status_code}, with the HTTP status repeated inside.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { ASSAY_VERSION } from '../config.js';
import { Nullable } from './schemas/common.js';

export interface Envelope<T = unknown> {
  api_response: T;
  api_error_message: string;
  api_server_version: string;
  api_status_code: number;
}

export function envelope<T>(data: T, status = 200, message = ''): Envelope<T> {
  return { api_response: data, api_error_message: message, api_server_version: ASSAY_VERSION, api_status_code: status };
}

export function reply<T>(res: FastifyReply, data: T, status = 200, message = ''): FastifyReply {
  return res.code(status).type('application/json; charset=utf-8').send(envelope(data, status, message));
}

/** Response schema of an enveloped answer, for validation-free serialisation and the API docs. */
export function Enveloped<T extends TSchema>(data: T, description?: string) {
  return Type.Object(
    {
      api_response: data,
      api_error_message: Type.String(),
      api_server_version: Type.String(),
      api_status_code: Type.Integer(),
    },
    { description },
  );
}

/** One page of a listing: the items, where the page starts, its requested length and the total matched. */
export function Paged<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), offset: Type.Integer(), rows: Type.Integer(), total: Type.Integer() });
}

/** Any JSON value; used where the document shape is described in prose rather than pinned by a schema. */
export const AnyJson = Type.Unsafe<unknown>({});
export const Success = Type.Object({ success: Type.Boolean() });

/** What a 401 answers with: the ways in a login page can offer. */
export const UnauthorizedBody = Type.Object({
  allow_userpass_login: Type.Boolean(),
  allow_signup: Type.Boolean(),
  allow_saml_login: Type.Boolean(),
});

/** What an access-denied 403 answers with: the settings a UI needs to explain the refusal. */
export const ForbiddenBody = Type.Object({
  auth: Type.Object({ allow_2fa: Type.Boolean(), allow_apikeys: Type.Boolean(), allow_security_tokens: Type.Boolean() }),
  ui: Type.Object({
    allow_url_submissions: Type.Boolean(),
    read_only: Type.Boolean(),
    tos: Type.Boolean(),
    tos_lockout: Type.Boolean(),
    tos_lockout_notify: Type.Boolean(),
  }),
});

/**
 * Any error answer. `api_error_message` says what went wrong; `api_response` is "" for most errors, the bodies
 * above for 401 and access-denied 403, and otherwise what the route's Assemblyline counterpart answers with
 * (`{}`, `{"success": false}`, null).
 */
export const ErrorEnvelope = Type.Object(
  {
    api_response: Nullable(
      Type.Union([Type.Literal(''), UnauthorizedBody, ForbiddenBody, Type.Object({ success: Type.Literal(false) }), Type.Object({})]),
    ),
    api_error_message: Type.String(),
    api_server_version: Type.String(),
    api_status_code: Type.Integer(),
  },
  { description: 'An error; api_error_message says why' },
);
