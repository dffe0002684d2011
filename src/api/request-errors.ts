// Errors raised by Fastify and its plugins before a route's own checks (body parsing, multipart limits, a
// client that goes away mid-request), turned into the status and message a client can act on: the message
// names the limit that was hit and the setting that sets it, never a bare internal code.
import type { FastifyError, FastifyRequest } from 'fastify';
import type { AssayConfig } from '../config.js';
import { fileTooLargeMessage } from '../core/submission/request-fields.js';

export { fileTooLargeMessage };

export const BAD_JSON_MESSAGE = "No data block provided or data block not in JSON format.'";

/** The multipart parser's limits, shared by the upload reader and the messages below. */
export const MULTIPART_FIELDS = 20;
/** Room left in the `json` part for everything besides metadata. */
export const JSON_PART_OVERHEAD = 1 << 20;
export const jsonPartLimit = (cfg: AssayConfig) => cfg.submission.maxMetadataBytes + JSON_PART_OVERHEAD;

export function jsonPartTooLargeMessage(cfg: AssayConfig): string {
  return (
    `The json part of the upload is larger than the ${jsonPartLimit(cfg)} bytes allowed: metadata may take ` +
    `${cfg.submission.maxMetadataBytes} bytes (submission.maxMetadataBytes) and the other fields 1 MiB`
  );
}

const MULTIPART: Record<string, (cfg: AssayConfig) => [number, string]> = {
  FST_FILES_LIMIT: () => [400, 'Only one file can be submitted per request: the upload has more than one file part'],
  FST_FIELDS_LIMIT: () => [400, `The upload has more than the ${MULTIPART_FIELDS} form fields allowed`],
  FST_PARTS_LIMIT: () => [400, 'The upload has too many parts'],
  FST_REQ_FILE_TOO_LARGE: (cfg) => [413, fileTooLargeMessage(cfg.submission.maxFileSize)],
  FST_PROTO_VIOLATION: () => [400, 'A form field name of the upload is not allowed'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => [400, 'The request is not multipart/form-data'],
  FST_INVALID_JSON_FIELD_ERROR: () => [400, BAD_JSON_MESSAGE],
  FST_MP_PREMATURE_CLOSE: () => [400, 'The request ended before the upload was complete'],
};

/** Messages of the multipart parser (busboy) for a body that does not follow the multipart format. */
const MALFORMED_MULTIPART = /multipart|boundary|terminated early|part header/i;

/**
 * Status and message for an error Fastify or a plugin raised, or null when it is not the client's fault (an
 * internal error, logged and answered with a 500).
 */
export function describeRequestError(fe: FastifyError, cfg: AssayConfig): [number, string] | null {
  if (fe.validation) return [400, `Invalid request: ${fe.message}`];
  const multipart = fe.code ? MULTIPART[fe.code] : undefined;
  if (multipart) return multipart(cfg);
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return [413, `Request body is larger than the ${cfg.server.bodyLimit} bytes allowed (server.bodyLimit)`];
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return [400, 'The request body does not have the length its Content-Length header announces'];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return [415, 'The Content-Type header names a media type this API does not take'];
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_CTP_EMPTY_TYPE':
      return [400, 'The Content-Type header is not valid'];
  }
  if (fe.code?.startsWith('FST_ERR_CTP_')) return [400, BAD_JSON_MESSAGE];
  if (!fe.code && !fe.statusCode && MALFORMED_MULTIPART.test(fe.message)) return [400, `Malformed multipart body: ${fe.message}`];
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return [fe.statusCode, fe.message || 'Bad request'];
  return null;
}

const ABORT_CODES = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'FST_MP_PREMATURE_CLOSE', 'ECONNABORTED', 'EPIPE']);

/**
 * Whether the request failed because the client went away (an upload cut off mid-way): nobody reads the
 * answer, and it is no fault of the server, so it is logged quietly rather than as an error.
 */
export function isClientAbort(req: FastifyRequest, err: { code?: string; message?: string }): boolean {
  if (err.code && ABORT_CODES.has(err.code)) return true;
  if (err.message === 'aborted' || err.message === 'Request aborted') return true;
  return req.raw.destroyed && !req.raw.complete;
}
