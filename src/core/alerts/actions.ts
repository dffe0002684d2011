// What analysts and workflows do to alerts: labels, priority, status, ownership and verdicts, each recorded
// as an event on the alert (Assemblyline's alert `events`).
import { badRequest } from '../errors.js';
import { isoDate } from '../util/time.js';
import type { AlertRecord } from './alerter.js';

export const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export const STATUSES = ['MALICIOUS', 'NON-MALICIOUS', 'ASSESS', 'TRIAGE'] as const;
export const VERDICTS = ['malicious', 'non_malicious'] as const;

export interface Actor {
  entity_type: 'user' | 'workflow';
  entity_id: string;
  entity_name: string;
}

export interface AlertChange {
  addLabels?: string[];
  removeLabels?: string[];
  priority?: string | null;
  status?: string | null;
}

export function checkPriority(v: unknown): string | null {
  if (v === null || v === '') return null;
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  if (!(PRIORITIES as readonly string[]).includes(s)) throw badRequest(`Priority has to be one of: ${PRIORITIES.join(', ')}`);
  return s;
}

export function checkStatus(v: unknown): string | null {
  if (v === null || v === '') return null;
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  if (!(STATUSES as readonly string[]).includes(s)) throw badRequest(`Status has to be one of: ${STATUSES.join(', ')}`);
  return s;
}

export function checkLabels(v: unknown): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((l) => typeof l === 'string' && l.trim() && l.length <= 256)) {
    throw badRequest('Labels must be a list of non-empty strings');
  }
  return [...new Set(list.map((l: string) => l.trim().toUpperCase()))];
}

/** Apply a change and record it as an event; undefined when nothing would change. */
export function changeAlert(alert: AlertRecord, change: AlertChange, actor: Actor, now = isoDate()): AlertRecord | undefined {
  const labels = (alert.label as string[] | undefined) ?? [];
  const added = (change.addLabels ?? []).filter((l) => !labels.includes(l));
  const removed = (change.removeLabels ?? []).filter((l) => labels.includes(l));
  const event: Record<string, unknown> = { ...actor, ts: now, labels: added, labels_removed: removed };
  const next: AlertRecord = { ...alert, label: [...labels.filter((l) => !removed.includes(l)), ...added] };
  let changed = added.length > 0 || removed.length > 0;
  if (change.priority !== undefined && change.priority !== alert.priority) {
    next.priority = change.priority;
    event.priority = change.priority;
    changed = true;
  }
  if (change.status !== undefined && change.status !== alert.status) {
    next.status = change.status;
    event.status = change.status;
    changed = true;
  }
  if (!changed) return undefined;
  next.events = [...((alert.events as unknown[] | undefined) ?? []), event];
  return next;
}

/** A user's verdict: added to one side, removed from the other. */
export function setVerdict(alert: AlertRecord, verdict: (typeof VERDICTS)[number], uname: string): AlertRecord | undefined {
  const v = (alert.verdict as { malicious?: string[]; non_malicious?: string[] } | undefined) ?? {};
  const other = verdict === 'malicious' ? 'non_malicious' : 'malicious';
  const mine = v[verdict] ?? [];
  if (mine.includes(uname) && !(v[other] ?? []).includes(uname)) return undefined;
  return { ...alert, verdict: { ...v, [verdict]: [...mine.filter((u) => u !== uname), uname], [other]: (v[other] ?? []).filter((u) => u !== uname) } };
}
