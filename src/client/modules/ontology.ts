// client.ontology: result ontology records (NDJSON on the wire), yielded one by one as they arrive.
import { createInterface } from 'node:readline';
import type { Connection, QueryValue } from '../connection.js';
import { seg } from './callable.js';

export interface OntologyRecord {
  odm_type: string;
  odm_version: string;
  classification?: string;
  file: { sha256: string; md5?: string; sha1?: string; type?: string; size?: number; names?: string[]; parent?: string; [k: string]: unknown };
  service: { name: string; version?: string; tool_version?: string };
  submission?: Record<string, unknown>;
  results: Record<string, unknown>;
  [k: string]: unknown;
}

export function ontologyModule(conn: Connection) {
  async function* records(path: string, query: Record<string, QueryValue>): AsyncGenerator<OntologyRecord> {
    const res = await conn.stream({ method: 'GET', path, query });
    const lines = createInterface({ input: res, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim()) yield JSON.parse(line) as OntologyRecord;
    }
  }
  return {
    /** Records of a submission's results, optionally only some files or services. */
    submission: (sid: string, opts: { sha256?: string[]; service?: string[] } = {}) =>
      records(`ontology/submission/${seg(sid)}/`, { sha256: opts.sha256, service: opts.service }),
    /** Records of a file's results: the latest per service, or every one with `all`. */
    file: (sha256: string, opts: { service?: string[]; all?: boolean } = {}) =>
      records(`ontology/file/${seg(sha256)}/`, { service: opts.service, all: opts.all || undefined }),
    /** Records of the submission behind an alert. */
    alert: (alertId: string, opts: { sha256?: string[]; service?: string[] } = {}) =>
      records(`ontology/alert/${seg(alertId)}/`, { sha256: opts.sha256, service: opts.service }),
  };
}
