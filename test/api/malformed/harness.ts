// Table-driven malformed-request cases: each case is a request and the 4xx it must get, in the Assemblyline
// envelope, with (where useful) a fragment of the message. A table runs as one test that lists every case
// that answered otherwise, so a run prints a line per table rather than per request.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { rawRequest, type RawResponse } from '../../helpers/raw.js';
import { ADMIN_APIKEY, startTestServer, type TestServer, type TestServerOptions } from '../../helpers/server.js';

export interface Case {
  /** What the case is about; the request line when absent. */
  name?: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent JSON-encoded, labelled application/json. */
  json?: unknown;
  /** Sent as it is (set the content type in `headers`). */
  body?: string | Buffer;
  /** Who asks: the administrator (default), nobody, or a plain user with the default roles. */
  as?: 'admin' | 'anon' | 'user';
  status: number | number[];
  /** A fragment (or pattern) of api_error_message. */
  message?: string | RegExp;
}

export const ADMIN = { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY };
export const JSON_TYPE = { 'content-type': 'application/json' };
export const BAD_JSON = "No data block provided or data block not in JSON format.'";
export const SHA = 'a'.repeat(64);
export const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const ENVELOPE_KEYS = ['api_error_message', 'api_response', 'api_server_version', 'api_status_code'];

/** What is wrong with an answer to `c`, or null when it is what the case expects. */
export function problemWith(c: Case, r: RawResponse): string | null {
  const expected = Array.isArray(c.status) ? c.status : [c.status];
  const b = r.body;
  const got = `${r.status} ${JSON.stringify(b?.api_error_message ?? r.raw.toString('utf8').slice(0, 120))}`;
  if (r.status >= 500) return `server error: ${got}`;
  if (!expected.includes(r.status)) return `expected ${expected.join('|')}, got ${got}`;
  if (!b || typeof b !== 'object' || Object.keys(b).sort().join() !== ENVELOPE_KEYS.join()) return `not the envelope: ${got}`;
  if (b.api_status_code !== r.status) return `api_status_code ${b.api_status_code} != ${r.status}`;
  if (r.status >= 400 && (typeof b.api_error_message !== 'string' || !b.api_error_message)) return `no error message: ${got}`;
  if (c.message !== undefined) {
    const m = String(b.api_error_message);
    if (typeof c.message === 'string' ? !m.includes(c.message) : !c.message.test(m)) return `message ${JSON.stringify(m)} lacks ${c.message}`;
  }
  return null;
}

export interface MalformedServer {
  readonly s: TestServer;
  /** Headers of a plain user with the default roles, created when the server starts. */
  userHeaders: Record<string, string>;
}

/**
 * One server for a file's tables; after them, the server must still answer its health probe and the API.
 * `seed` runs once the server is up (e.g. to create records the cases refer to).
 */
export function malformedServer(opts: TestServerOptions = {}, seed?: (s: TestServer) => Promise<void>): MalformedServer {
  const ctx = { userHeaders: {} } as { s: TestServer; userHeaders: Record<string, string> };
  before(async () => {
    ctx.s = await startTestServer(opts);
    const add = await rawRequest(`${ctx.s.url}/api/v4/user/mallory/`, {
      method: 'PUT',
      headers: { ...ADMIN, ...JSON_TYPE },
      body: JSON.stringify({ name: 'Mallory', password: 'mallory-password-1', type: ['user'] }),
    });
    assert.equal(add.status, 200, add.raw.toString());
    const key = await rawRequest(`${ctx.s.url}/api/v4/apikey/add/`, {
      method: 'PUT',
      headers: { ...ADMIN, ...JSON_TYPE },
      body: JSON.stringify({ key_name: 'mk', priv: ['R', 'W', 'E'], uname: 'mallory' }),
    });
    ctx.userHeaders = { 'x-user': 'mallory', 'x-apikey': key.body.api_response.keypassword };
    await seed?.(ctx.s);
  });
  after(async () => {
    // The last word of every file: whatever came before, the server still serves.
    const live = await rawRequest(`${ctx.s.url}/healthz/live`);
    const api = await rawRequest(`${ctx.s.url}/api/`, { headers: ADMIN });
    await ctx.s.stop();
    assert.equal(live.status, 200, 'health probe after the malformed requests');
    assert.equal(api.status, 200, 'API after the malformed requests');
  });
  return ctx;
}

export async function send(srv: MalformedServer, c: Case): Promise<RawResponse> {
  const who = c.as === 'anon' ? {} : c.as === 'user' ? srv.userHeaders : ADMIN;
  const headers: Record<string, string> = { ...who, ...(c.json !== undefined ? JSON_TYPE : {}), ...c.headers };
  const body = c.json !== undefined ? JSON.stringify(c.json) : c.body;
  // Node sends a DELETE body without a length unless told, which the server would read as the next request.
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return rawRequest(`${srv.s.url}${c.path}`, { method: c.method ?? 'GET', headers, body });
}

/** Run a table of cases as one test; the failure lists every case that was answered otherwise. */
export function table(title: string, srv: MalformedServer, cases: Case[] | (() => Case[])): void {
  it(title, async () => {
    const list = typeof cases === 'function' ? cases() : cases;
    assert.ok(list.length > 0, 'the table has cases');
    const failures: string[] = [];
    for (const c of list) {
      let problem: string | null;
      try {
        problem = problemWith(c, await send(srv, c));
      } catch (err) {
        problem = `request failed: ${(err as Error).message}`;
      }
      if (problem) failures.push(`${c.name ?? `${c.method ?? 'GET'} ${c.path.slice(0, 100)}`}: ${problem}`);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${list.length} cases failed`);
  });
}
