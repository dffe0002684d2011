// The alert and workflow records (Assemblyline's `alert` and `workflow` models) and the values triage may set.
// The alerter, the triage actions, the workflows and the alert service all share these; keeping them apart from
// the code that builds or changes records is what lets those modules depend on each other in one direction only.

export const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export const STATUSES = ['MALICIOUS', 'NON-MALICIOUS', 'ASSESS', 'TRIAGE'] as const;
export const VERDICTS = ['malicious', 'non_malicious'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One indicator of `al.detailed`: the tag type it came from, its value and the verdict of its section. */
export interface AlertIndicator {
  type: string;
  value: string;
  verdict: string;
  subtype?: string;
}

/** The indicator lists of an alert, with the score and end time of the submission behind it. */
export interface AlertSummary {
  score: number;
  attrib: string[];
  av: string[];
  behavior: string[];
  domain: string[];
  domain_dynamic: string[];
  domain_static: string[];
  ip: string[];
  ip_dynamic: string[];
  ip_static: string[];
  uri: string[];
  uri_dynamic: string[];
  uri_static: string[];
  yara: string[];
  /** Per list (static and dynamic together) and for heuristics: each indicator with its type and verdict. */
  detailed: Record<string, AlertIndicator[]>;
  request_end_time: string;
}

/** Who changed an alert: an analyst or a workflow. */
export interface Actor {
  entity_type: 'user' | 'workflow';
  entity_id: string;
  entity_name: string;
}

/** A change recorded on the alert; `priority` and `status` appear only when they changed (null clears them). */
export interface AlertEvent extends Actor {
  ts: string;
  labels: string[];
  labels_removed: string[];
  priority?: string | null;
  status?: string | null;
}

/** What one triage action asks for; absent parts are left alone. */
export interface AlertChange {
  addLabels?: string[];
  removeLabels?: string[];
  priority?: string | null;
  status?: string | null;
}

export interface AlertRecord {
  alert_id: string;
  sid: string;
  al: AlertSummary;
  archive_ts: string | null;
  attack: { pattern: string[]; category: string[] };
  classification: string;
  expiry_ts: string | null;
  extended_scan: string;
  file: { md5: string | null; name: string; sha1: string | null; sha256: string; size: number; type: string; screenshots: unknown[] };
  filtered: boolean;
  heuristic: { name: string[] };
  label: string[];
  /** The submission's metadata, as submitted. */
  metadata: Record<string, unknown>;
  owner: string | null;
  priority: string | null;
  reporting_ts: string;
  submission_relations: Array<{ child: string; parent: string | null }>;
  status: string | null;
  ts: string;
  type: string;
  verdict: { malicious: string[]; non_malicious: string[] };
  events: AlertEvent[];
  workflows_completed: boolean;
}

export interface WorkflowRecord {
  workflow_id: string;
  name: string;
  query: string;
  description: string;
  labels: string[];
  priority: string | null;
  status: string | null;
  enabled: boolean;
  classification: string;
  creator: string;
  edited_by: string;
  creation_date: string;
  last_edit: string;
  first_seen: string | null;
  last_seen: string | null;
  hit_count: number;
  origin: string | null;
}
