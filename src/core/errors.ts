// Errors that carry the status and message a client should see. Core code raises them; the API layer turns
// them into the Assemblyline envelope. Anything else that escapes is an internal error and is never shown.

export class AssayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Value for `api_response` in the envelope. */
    readonly response: unknown = '',
  ) {
    super(message);
    this.name = 'AssayError';
  }
}

export const badRequest = (msg: string, response: unknown = '') => new AssayError(400, msg, response);
export const notFound = (msg: string, response: unknown = '') => new AssayError(404, msg, response);
export const forbidden = (msg: string, response: unknown = '') => new AssayError(403, msg, response);
export const unauthorized = (msg: string) => new AssayError(401, msg);

/**
 * A refusal the client sees in Assemblyline's access-denied wording, "Access Denied (<path>) [<reason>]", with
 * the settings a UI needs to explain it; the API layer adds the path and those settings.
 */
export class AccessDenied extends AssayError {
  constructor(reason: string) {
    super(403, reason);
    this.name = 'AccessDenied';
  }
}
