// What analysts and workflows do to alerts: labels, priority, status, ownership and verdicts, each recorded
// as an event on the alert (Assemblyline's alert `events`).
import { badRequest } from '../errors.js';
import { isoDate } from '../util/time.js';
import { PRIORITIES, STATUSES, type Actor, type AlertChange, type AlertEvent, type AlertRecord, type Verdict } from './model.js';

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
  const list: unknown = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list)) throw badRequest('Labels must be a list of non-empty strings');
  const labels = list.filter((l): l is string => typeof l === 'string' && l.trim() !== '' && l.length <= 256);
  if (labels.length !== list.length) throw badRequest('Labels must be a list of non-empty strings');
  return [...new Set(labels.map((l) => l.trim().toUpperCase()))];
}

/**
 * Apply a change and record it as an event; undefined when nothing would change. Records written by other tools
 * may lack the lists triage keeps; they count as empty.
 */
export function changeAlert(alert: AlertRecord, change: AlertChange, actor: Actor, now = isoDate()): AlertRecord | undefined {
  const labels = alert.label ?? [];
  const added = (change.addLabels ?? []).filter((l) => !labels.includes(l));
  const removed = (change.removeLabels ?? []).filter((l) => labels.includes(l));
  const event: AlertEvent = { ...actor, ts: now, labels: added, labels_removed: removed };
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
  next.events = [...(alert.events ?? []), event];
  return next;
}

/** A user's verdict: added to one side, removed from the other. */
export function setVerdict(alert: AlertRecord, verdict: Verdict, uname: string): AlertRecord | undefined {
  const v: Partial<AlertRecord['verdict']> = alert.verdict ?? {};
  const other = verdict === 'malicious' ? 'non_malicious' : 'malicious';
  const mine = v[verdict] ?? [];
  if (mine.includes(uname) && !(v[other] ?? []).includes(uname)) return undefined;
  const next = { malicious: v.malicious ?? [], non_malicious: v.non_malicious ?? [] };
  next[verdict] = [...mine.filter((u) => u !== uname), uname];
  next[other] = (v[other] ?? []).filter((u) => u !== uname);
  return { ...alert, verdict: { ...v, ...next } };
}

/** An analyst as the actor of alert events: their display name, or their user name when they have none. */
export function userActor(user: { uname: string; name?: string }): Actor {
  return { entity_type: 'user', entity_id: user.uname, entity_name: user.name || user.uname };
}
