// client.result(key), client.result.error(key), client.result.multipleKeys(...) and client.error.
import type { Connection } from '../connection.js';
import type { ErrorRecord, ResultRecord, SearchResult } from '../types.js';
import { callable } from './callable.js';

// Result and error keys contain dots and may contain '/': they are the rest of the path, so they go in raw
// apart from characters that would end the path.
const keyPath = (key: string) => key.replace(/[?#%]/g, encodeURIComponent);

export function resultModule(conn: Connection) {
  const get = (key: string): Promise<ResultRecord> => conn.json({ method: 'GET', path: `result/${keyPath(key)}/` });
  return callable(get, {
    error: (key: string): Promise<ErrorRecord> => conn.json({ method: 'GET', path: `result/error/${keyPath(key)}/` }),
    /** Many results and errors in one call; keys that do not exist are left out. */
    multipleKeys: (keys: { result?: string[]; error?: string[] }): Promise<{ result: Record<string, ResultRecord>; error: Record<string, ErrorRecord> }> =>
      conn.json({ method: 'POST', path: 'result/multiple_keys/', json: { result: keys.result ?? [], error: keys.error ?? [] } }),
  });
}

export function errorModule(conn: Connection) {
  const get = (key: string): Promise<ErrorRecord> => conn.json({ method: 'GET', path: `error/${keyPath(key)}/` });
  return callable(get, {
    list: (opts: { query?: string; rows?: number; offset?: number; sort?: string } = {}): Promise<SearchResult<ErrorRecord>> =>
      conn.json({ method: 'GET', path: 'error/list/', query: { query: opts.query, rows: opts.rows, offset: opts.offset, sort: opts.sort } }),
  });
}
