// client.help, client.service, client.heuristics and client.live: configuration, analysers and live progress.
import type { Connection } from '../connection.js';
import { callable, seg } from './callable.js';

export function helpModule(conn: Connection) {
  return {
    configuration: (): Promise<Record<string, unknown>> => conn.json({ method: 'GET', path: 'help/configuration/' }),
    constants: (): Promise<{ max_priority: number; priorities: Record<string, [number, number]>; file_types: [string, string[]][]; tag_types: string[]; [k: string]: unknown }> =>
      conn.json({ method: 'GET', path: 'help/constants/' }),
    /** The classification definition (as the server holds it with `original`). */
    classificationDefinition: (opts: { original?: boolean } = {}): Promise<Record<string, unknown>> =>
      conn.json({ method: 'GET', path: 'help/classification_definition/', query: { original: opts.original || undefined } }),
    /** Terms of service (markdown), or null when there are none. */
    tos: (): Promise<string | null> => conn.json({ method: 'GET', path: 'help/tos/' }),
  };
}

export interface ServiceRecord {
  name: string;
  version: string;
  enabled: boolean;
  category: string;
  stage: string;
  accepts: string;
  rejects?: string | null;
  [k: string]: unknown;
}

export function serviceModule(conn: Connection) {
  const get = (name: string, opts: { version?: string } = {}): Promise<ServiceRecord> =>
    conn.json({ method: 'GET', path: `service/${seg(name)}/`, query: { version: opts.version } });
  return callable(get, {
    list: (): Promise<ServiceRecord[]> => conn.json({ method: 'GET', path: 'service/all/' }),
  });
}

export function heuristicsModule(conn: Connection) {
  const get = (heurId: string): Promise<{ heur_id: string; name: string; score: number; attack_id: string[]; [k: string]: unknown }> =>
    conn.json({ method: 'GET', path: `heuristics/${seg(heurId)}/` });
  return callable(get, {
    stats: (): Promise<Record<string, unknown>[]> => conn.json({ method: 'GET', path: 'heuristics/stats/' }),
  });
}

export interface LiveMessage {
  type: 'timeout' | 'start' | 'stop' | 'cachekey' | 'cachekeyerr' | string;
  msg: string | null;
  err_msg?: string;
  status_code?: number;
}

export function liveModule(conn: Connection) {
  return {
    setupWatchQueue: (sid: string): Promise<{ wq_id: string }> => conn.json({ method: 'GET', path: `live/setup_watch_queue/${seg(sid)}/` }),
    getMessage: (wqId: string): Promise<LiveMessage> => conn.json({ method: 'GET', path: `live/get_message/${seg(wqId)}/` }),
    getMessageList: (wqId: string): Promise<LiveMessage[]> => conn.json({ method: 'GET', path: `live/get_message_list/${seg(wqId)}/` }),
    outstandingServices: (sid: string): Promise<Record<string, number>> => conn.json({ method: 'GET', path: `live/outstanding_services/${seg(sid)}/` }),
  };
}
