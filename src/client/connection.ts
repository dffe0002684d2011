// HTTP transport of the SDK: authentication (API key headers or a password session with its XSRF token),
// TLS policy, retries with exponential backoff, and the Assemblyline response envelope.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { ClientError } from './errors.js';

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** A request body that can be produced again for a retry (or not, for a caller's one-shot stream). */
export interface BodySource {
  headers: Record<string, string>;
  /** Buffer for small bodies; a stream for uploads so big files are never held in memory. */
  data: Buffer | Readable;
  /** False when the data cannot be produced a second time: the request is then not retried once sent. */
  replayable: boolean;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under /api/v4/, with its trailing slash, e.g. `file/info/<sha256>/`. */
  path: string;
  query?: Record<string, QueryValue>;
  json?: unknown;
  body?: () => BodySource;
}

export interface ConnectionOptions {
  /** Server base URL, e.g. `https://assay.example.org:8443`. */
  url: string;
  /** API key login: sent as X-USER / X-APIKEY on every request. `key` is `name:secret`. */
  apikey?: { user: string; key: string };
  /** Password login: POST /api/v4/auth/login/ once, then the session cookie and XSRF header. */
  password?: { user: string; password: string };
  /** Accept a certificate that does not verify (e.g. the server's self-signed default). */
  insecure?: boolean;
  /** Extra trusted CA certificate(s) in PEM, for a private CA without turning verification off. */
  ca?: string | Buffer;
  /** Retries after the first attempt on 502/503/504 and connection errors (default 5). */
  retries?: number;
  /** First backoff delay in ms; doubles per retry up to `retryMaxMs` (defaults 250 and 8000). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Socket inactivity timeout per request in ms (default 120000). */
  timeoutMs?: number;
}

// 401 messages after which the Python client logs in again silently: the session, not the account, is at fault.
const SESSION_LOST = new Set([
  'Session rejected',
  'Session not found',
  'Session expired',
  'Invalid source IP for this session',
  'Invalid user agent for this session',
]);
const RETRY_STATUS = new Set([502, 503, 504]);
const RETRY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  const one = (k: string, v: string | number | boolean) => parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) one(k, item);
    else one(k, v as string | number | boolean);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

async function readAll(res: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function isRetriableNetworkError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  return RETRY_CODES.has(e?.code ?? '') || /socket hang up/i.test(e?.message ?? '');
}

export class Connection {
  readonly baseUrl: URL;
  private readonly agent: http.Agent;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly timeoutMs: number;
  private cookies = new Map<string, string>();
  private loggedIn: Promise<void> | undefined;

  constructor(readonly options: ConnectionOptions) {
    this.baseUrl = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    if (!/^https?:$/.test(this.baseUrl.protocol)) throw new ClientError(`unsupported URL scheme ${this.baseUrl.protocol}`, 0, '');
    if (!options.apikey && !options.password) throw new ClientError('give an API key or a password to log in', 0, '');
    this.agent =
      this.baseUrl.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, rejectUnauthorized: !options.insecure, ca: options.ca })
        : new http.Agent({ keepAlive: true });
    this.retries = options.retries ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 8000;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** The user the connection acts as. */
  get username(): string {
    return (this.options.apikey?.user ?? this.options.password?.user)!;
  }

  /** Close idle keep-alive sockets so the process can exit. */
  close(): void {
    this.agent.destroy();
  }

  /** Call an enveloped JSON route and return its `api_response`. */
  async json<T = unknown>(spec: RequestSpec): Promise<T> {
    const res = await this.send(spec);
    const raw = await readAll(res);
    let parsed: { api_response?: unknown };
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ClientError(`response is not JSON: ${raw.subarray(0, 200).toString('utf8')}`, res.statusCode ?? 0, this.pathOf(spec));
    }
    return parsed.api_response as T;
  }

  /** Call a route that answers with bytes on success (downloads, NDJSON); errors still throw ClientError. */
  async stream(spec: RequestSpec): Promise<http.IncomingMessage> {
    return this.send(spec);
  }

  private pathOf(spec: RequestSpec): string {
    return `${this.baseUrl.pathname}api/v4/${spec.path}`;
  }

  private async ensureLogin(): Promise<void> {
    if (!this.options.password) return;
    this.loggedIn ??= this.login().catch((err) => {
      this.loggedIn = undefined;
      throw err;
    });
    return this.loggedIn;
  }

  private async login(): Promise<void> {
    const { user, password } = this.options.password!;
    this.cookies.clear();
    const res = await this.sendOnce({ method: 'POST', path: 'auth/login/', json: { user, password } }, true);
    if (res.statusCode !== 200) throw await this.errorOf(res, this.pathOf({ method: 'POST', path: 'auth/login/' }));
    res.resume();
  }

  private async send(spec: RequestSpec): Promise<http.IncomingMessage> {
    await this.ensureLogin();
    let reloggedIn = false;
    for (let attempt = 0; ; attempt++) {
      let res: http.IncomingMessage;
      let replayable = true;
      try {
        res = await this.sendOnce(spec, false, (r) => (replayable = r));
      } catch (err) {
        if (err instanceof ClientError) throw err;
        if (replayable && attempt < this.retries && isRetriableNetworkError(err)) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new ClientError(`cannot reach ${this.baseUrl.origin}: ${(err as Error).message}`, 0, this.pathOf(spec), undefined, { cause: err });
      }
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return res;
      const error = await this.errorOf(res, this.pathOf(spec));
      if (RETRY_STATUS.has(status) && !(status === 503 && /quota/i.test(error.message) && /daily/i.test(error.message))) {
        if (replayable && attempt < this.retries) {
          await sleep(this.backoff(attempt));
          continue;
        }
      }
      if (status === 401 && this.options.password && !reloggedIn && SESSION_LOST.has(error.message) && replayable) {
        reloggedIn = true;
        this.loggedIn = undefined;
        await this.ensureLogin();
        continue;
      }
      throw error;
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt);
  }

  private async errorOf(res: http.IncomingMessage, path: string): Promise<ClientError> {
    const status = res.statusCode ?? 0;
    const raw = await readAll(res);
    try {
      const env = JSON.parse(raw.toString('utf8')) as { api_error_message?: unknown; api_response?: unknown };
      const message = typeof env.api_error_message === 'string' && env.api_error_message ? env.api_error_message : `HTTP ${status}`;
      return new ClientError(message, status, path, env.api_response);
    } catch {
      return new ClientError(raw.length ? raw.subarray(0, 500).toString('utf8') : `HTTP ${status}`, status, path);
    }
  }

  private sendOnce(spec: RequestSpec, isLogin: boolean, onBody?: (replayable: boolean) => void): Promise<http.IncomingMessage> {
    const url = new URL(`api/v4/${spec.path}${encodeQuery(spec.query)}`, this.baseUrl);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'assay-client' };
    if (this.options.apikey && !isLogin) {
      headers['x-user'] = this.options.apikey.user;
      headers['x-apikey'] = this.options.apikey.key;
    }
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const xsrf = this.cookies.get('XSRF-TOKEN');
    if (xsrf && spec.method !== 'GET') headers['x-xsrf-token'] = xsrf;
    let body: Buffer | Readable | undefined;
    if (spec.json !== undefined) {
      body = Buffer.from(JSON.stringify(spec.json));
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.length);
    } else if (spec.body) {
      const src = spec.body();
      Object.assign(headers, src.headers);
      body = src.data;
      onBody?.(src.replayable);
    }
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method: spec.method, headers, agent: this.agent }, (res) => {
        this.keepCookies(res);
        resolve(res);
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }

  private keepCookies(res: http.IncomingMessage): void {
    for (const line of res.headers['set-cookie'] ?? []) {
      const [pair, ...attrs] = line.split(';');
      const i = pair!.indexOf('=');
      if (i <= 0) continue;
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
