// client.alert: alert records, listing and triage (labels, priority, status, ownership, verdict).
import type { Connection, QueryValue } from '../connection.js';
import type { SearchResult, SuccessResponse } from '../types.js';
import { callable, seg } from './callable.js';

export interface AlertQuery {
  q?: string;
  fq?: string[];
  /** Time window, e.g. `1d`, ending at `tcStart`. */
  tc?: string;
  tcStart?: string;
  noDelay?: boolean;
  offset?: number;
  rows?: number;
  useArchive?: boolean;
  trackTotalHits?: number;
}

const q = (o: AlertQuery = {}): Record<string, QueryValue> => ({
  q: o.q,
  fq: o.fq,
  tc: o.tc,
  tc_start: o.tcStart,
  no_delay: o.noDelay || undefined,
  offset: o.offset,
  rows: o.rows,
  use_archive: o.useArchive || undefined,
  track_total_hits: o.trackTotalHits,
});

export type AlertPriority = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type AlertStatus = 'MALICIOUS' | 'NON-MALICIOUS' | 'ASSESS' | 'TRIAGE';

export function alertModule(conn: Connection) {
  const get = (alertId: string): Promise<Record<string, unknown>> => conn.json({ method: 'GET', path: `alert/${seg(alertId)}/` });
  return callable(get, {
    list: (o?: AlertQuery): Promise<SearchResult> => conn.json({ method: 'GET', path: 'alert/list/', query: q(o) }),
    grouped: (field: string, o?: AlertQuery): Promise<SearchResult> => conn.json({ method: 'GET', path: `alert/grouped/${seg(field)}/`, query: q(o) }),
    labels: (o?: AlertQuery): Promise<Record<string, number>> => conn.json({ method: 'GET', path: 'alert/labels/', query: q(o) }),
    priorities: (o?: AlertQuery): Promise<Record<string, number>> => conn.json({ method: 'GET', path: 'alert/priorities/', query: q(o) }),
    statuses: (o?: AlertQuery): Promise<Record<string, number>> => conn.json({ method: 'GET', path: 'alert/statuses/', query: q(o) }),
    statistics: (o?: AlertQuery): Promise<Record<string, unknown>> => conn.json({ method: 'GET', path: 'alert/statistics/', query: q(o) }),
    related: (o?: AlertQuery): Promise<string[]> => conn.json({ method: 'GET', path: 'alert/related/', query: q(o) }),
    addLabels: (alertId: string, labels: string[]): Promise<SuccessResponse> => conn.json({ method: 'POST', path: `alert/label/${seg(alertId)}/`, json: labels }),
    removeLabels: (alertId: string, labels: string[]): Promise<SuccessResponse> => conn.json({ method: 'DELETE', path: `alert/label/${seg(alertId)}/`, json: labels }),
    setPriority: (alertId: string, priority: AlertPriority): Promise<SuccessResponse> => conn.json({ method: 'POST', path: `alert/priority/${seg(alertId)}/`, json: priority }),
    setStatus: (alertId: string, status: AlertStatus): Promise<SuccessResponse> => conn.json({ method: 'POST', path: `alert/status/${seg(alertId)}/`, json: status }),
    takeOwnership: (alertId: string): Promise<SuccessResponse> => conn.json({ method: 'GET', path: `alert/ownership/${seg(alertId)}/` }),
    setVerdict: (alertId: string, verdict: 'malicious' | 'non_malicious'): Promise<SuccessResponse> =>
      conn.json({ method: 'PUT', path: `alert/verdict/${seg(alertId)}/${verdict}/` }),
  });
}
