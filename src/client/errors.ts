// Errors raised by the SDK. One class, so callers can `instanceof ClientError` and read the HTTP status.

export class ClientError extends Error {
  override readonly name = 'ClientError';
  /** HTTP status, or 0 when the server could not be reached at all. */
  readonly status: number;
  /** The API path that failed (without host), e.g. `/api/v4/file/info/<sha256>/`. */
  readonly path: string;
  /** `api_response` of the error envelope, when the server sent one. */
  readonly apiResponse: unknown;

  constructor(message: string, status: number, path: string, apiResponse?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.path = path;
    this.apiResponse = apiResponse;
  }
}
