// client.safelist and client.badlist: hash, tag (and, for the safelist, signature) lists.
import type { Connection } from '../connection.js';
import type { SuccessResponse } from '../types.js';
import { callable, seg } from './callable.js';

export interface ListItem {
  type: 'file' | 'tag' | 'signature';
  hashes?: { md5?: string; sha1?: string; sha256?: string; ssdeep?: string; tlsh?: string };
  file?: { name?: string[]; size?: number; type?: string };
  tag?: { type: string; value: string };
  signature?: { name: string };
  sources: { classification?: string; name: string; reason: string[]; type: 'user' | 'external' }[];
  attribution?: Record<string, string[]>;
  classification?: string;
  enabled?: boolean;
  /** Days to live. */
  dtl?: number;
  [k: string]: unknown;
}

function listModule(conn: Connection, kind: 'safelist' | 'badlist') {
  const get = (qhash: string): Promise<ListItem & { added: string; updated: string }> => conn.json({ method: 'GET', path: `${kind}/${seg(qhash)}/` });
  return callable(get, {
    /** Add an item, or merge its sources into the existing one. */
    add: (item: ListItem): Promise<{ success: boolean; op: 'add' | 'update'; hash: string }> => conn.json({ method: 'PUT', path: `${kind}/`, json: item }),
    addUpdateMany: (items: ListItem[]): Promise<{ success: number; errors: unknown[] }> => conn.json({ method: 'PUT', path: `${kind}/add_update_many/`, json: items }),
    delete: (id: string): Promise<SuccessResponse> => conn.json({ method: 'DELETE', path: `${kind}/${seg(id)}/` }),
    setEnabled: (id: string, enabled: boolean): Promise<SuccessResponse> => conn.json({ method: 'PUT', path: `${kind}/enable/${seg(id)}/`, json: enabled }),
  });
}

export const safelistModule = (conn: Connection) => listModule(conn, 'safelist');

export function badlistModule(conn: Connection) {
  return Object.assign(listModule(conn, 'badlist'), {
    /** Items whose ssdeep digest is similar (the digest may contain '/' and goes in raw). */
    ssdeep: (hash: string): Promise<ListItem[]> => conn.json({ method: 'GET', path: `badlist/ssdeep/${hash.replace(/[?#%]/g, encodeURIComponent)}/` }),
    tlsh: (hash: string): Promise<ListItem[]> => conn.json({ method: 'GET', path: `badlist/tlsh/${seg(hash)}/` }),
  });
}
