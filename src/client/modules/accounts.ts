// client.user and client.apikey: accounts, settings, submission profiles and API keys.
import type { Connection } from '../connection.js';
import type { SearchResult, SuccessResponse } from '../types.js';
import { callable, seg } from './callable.js';

export interface ApikeyRecord {
  id: string;
  key_name: string;
  uname: string;
  acl: string[];
  roles: string[];
  creation_date: string;
  expiry_ts: string | null;
  last_used: string | null;
  [k: string]: unknown;
}

export function userModule(conn: Connection) {
  const get = (username: string): Promise<Record<string, unknown>> => conn.json({ method: 'GET', path: `user/${seg(username)}/` });
  return callable(get, {
    whoami: (): Promise<{ username: string; roles: string[]; type: string[]; [k: string]: unknown }> => conn.json({ method: 'GET', path: 'user/whoami/' }),
    add: (username: string, data: Record<string, unknown>): Promise<SuccessResponse> => conn.json({ method: 'PUT', path: `user/${seg(username)}/`, json: data }),
    update: (username: string, data: Record<string, unknown>): Promise<SuccessResponse> => conn.json({ method: 'POST', path: `user/${seg(username)}/`, json: data }),
    delete: (username: string): Promise<SuccessResponse> => conn.json({ method: 'DELETE', path: `user/${seg(username)}/` }),
    list: (opts: { query?: string; rows?: number; offset?: number; sort?: string } = {}): Promise<SearchResult> =>
      conn.json({ method: 'GET', path: 'user/list/', query: { query: opts.query ?? '*:*', rows: opts.rows ?? 10, offset: opts.offset ?? 0, sort: opts.sort ?? 'uname asc' } }),
    /** A submission profile's parameters (`default` is the user's own). */
    submissionParams: (username: string, profile = 'default'): Promise<Record<string, unknown>> =>
      conn.json({ method: 'GET', path: `user/submission_params/${seg(username)}/${seg(profile)}/` }),
    settings: (username: string): Promise<Record<string, unknown>> => conn.json({ method: 'GET', path: `user/settings/${seg(username)}/` }),
    updateSettings: (username: string, settings: Record<string, unknown>): Promise<SuccessResponse> =>
      conn.json({ method: 'POST', path: `user/settings/${seg(username)}/`, json: settings }),
  });
}

export function apikeyModule(conn: Connection) {
  return {
    /** Create a key; the returned `keypassword` (`name:secret`) is shown only this once. */
    add: (opts: { keyName: string; priv: string[]; uname?: string; expiryTs?: string | null; roles?: string[] }): Promise<ApikeyRecord & { keypassword: string }> =>
      conn.json({ method: 'PUT', path: 'apikey/add/', json: { key_name: opts.keyName, priv: opts.priv, uname: opts.uname, expiry_ts: opts.expiryTs ?? null, roles: opts.roles } }),
    get: (keyId: string): Promise<ApikeyRecord> => conn.json({ method: 'GET', path: `apikey/${seg(keyId)}/` }),
    /** Every key of the system (administrators). */
    list: (opts: { query?: string; rows?: number; offset?: number; sort?: string } = {}): Promise<SearchResult<ApikeyRecord>> =>
      conn.json({ method: 'GET', path: 'apikey/list/', query: { query: opts.query, rows: opts.rows, offset: opts.offset, sort: opts.sort } }),
    /** The keys of one user. */
    listByUser: (username: string): Promise<ApikeyRecord[]> => conn.json({ method: 'GET', path: `apikey/username/${seg(username)}/` }),
    delete: (keyId: string): Promise<SuccessResponse> => conn.json({ method: 'DELETE', path: `apikey/${seg(keyId)}/` }),
  };
}
