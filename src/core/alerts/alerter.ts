// Alerts: a completed ingest that asked for one (`generate_alert`) and scored at least the alert threshold
// becomes an alert for analysts, carrying the submission's indicators. Re-alerting on the same id updates it.
import type { Collection, Datastore } from '../../store/datastore.js';
import type { FileRecord } from '../files/file-record.js';
import type { IngestMessage } from '../ingest/message.js';
import { analysisRecords } from '../records.js';
import type { ResultRecord } from '../results/model.js';
import { hType, type Verdicts } from '../results/summary.js';
import { flattenTags } from '../results/tags.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../search/lucene.js';
import type { SubmissionRecord } from '../submission/record.js';
import { isoDate } from '../util/time.js';
import type { AlertIndicator, AlertRecord, AlertSummary } from './model.js';
import { Workflows } from './workflows.js';

export const ALERT_SCORE_THRESHOLD = 500;

/** Tag types that make up the indicator lists of an alert, by list. */
const SUMMARY_TYPES: Record<string, string> = {
  'av.virus_name': 'av',
  'attribution.exploit': 'attrib',
  'attribution.family': 'attrib',
  'attribution.implant': 'attrib',
  'attribution.actor': 'attrib',
  'file.config': 'attrib',
  'technique.obfuscation': 'attrib',
  'technique.config': 'attrib',
  'file.behavior': 'behavior',
  'file.rule.yara': 'yara',
  'network.static.domain': 'domain_static',
  'network.dynamic.domain': 'domain_dynamic',
  'network.static.ip': 'ip_static',
  'network.dynamic.ip': 'ip_dynamic',
  'network.static.uri': 'uri_static',
  'network.dynamic.uri': 'uri_dynamic',
};

const VERDICT_NAMES: Record<string, string> = { safe: 'safe', info: 'info', suspicious: 'suspicious', highly_suspicious: 'highly suspicious', malicious: 'malicious' };

const union = (a: string[] = [], b: string[] = []) => [...new Set([...a, ...b])];

export class Alerter {
  private readonly alerts: Collection<AlertRecord>;
  private readonly results: Collection<ResultRecord>;
  private readonly files: Collection<FileRecord>;
  private readonly workflows: Workflows;

  /** `limits`: the deployment's query limits, which the workflows' saved queries were checked against. */
  constructor(
    ds: Datastore,
    private readonly verdicts: Verdicts,
    limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  ) {
    const records = analysisRecords(ds);
    this.alerts = records.alerts;
    this.results = records.results;
    this.files = ds.collection<FileRecord>('file');
    this.workflows = new Workflows(records, limits);
  }

  /** Create or update the alert of a finalised ingest, when it qualifies. */
  async onIngestFinalized(msg: IngestMessage, sub: SubmissionRecord | null): Promise<AlertRecord | null> {
    const p = msg.submission.params;
    if (!p.generate_alert || !sub || msg.failure || (msg.score ?? 0) < ALERT_SCORE_THRESHOLD) return null;
    const alertId = sub.metadata.ingest_id ?? p.psid ?? sub.sid;
    const fresh = await this.build(alertId, msg, sub);
    const created = await this.alerts.update(alertId, (cur) => (cur ? merge(cur, fresh) : fresh));
    // Workflows label, prioritise and triage alerts as they arrive.
    await this.workflows.applyToAlert(alertId);
    return (await this.alerts.get(alertId)) ?? created;
  }

  private async build(alertId: string, msg: IngestMessage, sub: SubmissionRecord): Promise<AlertRecord> {
    const results = await this.results.getMany(sub.results);
    const root = sub.files[0]!;
    const file = await this.files.get(root.sha256);
    const lists: Record<string, string[]> = {};
    const detailed: Record<string, AlertIndicator[]> = {};
    const add = (list: string, type: string, value: string, verdict: string) => {
      (lists[list] ??= []).includes(value) || lists[list]!.push(value);
      const d = (detailed[list.replace(/_(static|dynamic)$/, '')] ??= []);
      if (!d.some((x) => x.type === type && x.value === value)) d.push({ type, value, verdict });
    };
    const heuristics: string[] = [];
    const patterns: string[] = [];
    const categories: string[] = [];
    for (const r of results.values()) {
      for (const sec of r.result.sections) {
        const verdict = VERDICT_NAMES[sec.heuristic ? hType(sec.heuristic.score, this.verdicts) : 'info'] ?? 'info';
        for (const [type, values] of Object.entries(flattenTags(sec.tags))) {
          const list = SUMMARY_TYPES[type];
          if (list) for (const v of values) add(list, type, String(v), verdict);
        }
        if (sec.heuristic) {
          if (!heuristics.includes(sec.heuristic.name)) heuristics.push(sec.heuristic.name);
          for (const a of sec.heuristic.attack) {
            if (!patterns.includes(a.pattern)) patterns.push(a.pattern);
            for (const c of a.categories) if (!categories.includes(c)) categories.push(c);
          }
        }
      }
    }
    for (const kind of ['domain', 'ip', 'uri']) lists[kind] = union(lists[`${kind}_static`], lists[`${kind}_dynamic`]);
    const now = isoDate();
    return {
      alert_id: alertId,
      al: {
        score: sub.max_score,
        attrib: lists.attrib ?? [],
        av: lists.av ?? [],
        behavior: lists.behavior ?? [],
        domain: lists.domain ?? [],
        domain_dynamic: lists.domain_dynamic ?? [],
        domain_static: lists.domain_static ?? [],
        ip: lists.ip ?? [],
        ip_dynamic: lists.ip_dynamic ?? [],
        ip_static: lists.ip_static ?? [],
        uri: lists.uri ?? [],
        uri_dynamic: lists.uri_dynamic ?? [],
        uri_static: lists.uri_static ?? [],
        yara: lists.yara ?? [],
        detailed: { ...detailed, heuristic: heuristics.map((h) => ({ type: 'heuristic', value: h, verdict: 'info' })) },
        request_end_time: sub.times.completed ?? now,
      },
      archive_ts: null,
      attack: { pattern: patterns, category: categories },
      classification: sub.classification,
      expiry_ts: sub.expiry_ts,
      extended_scan: msg.extended_scan,
      file: { md5: file?.md5 ?? null, name: root.name, sha1: file?.sha1 ?? null, sha256: root.sha256, size: root.size, type: file?.type ?? 'unknown', screenshots: [] },
      filtered: false,
      heuristic: { name: heuristics },
      label: [],
      metadata: sub.metadata,
      owner: null,
      priority: null,
      reporting_ts: now,
      submission_relations: [{ child: sub.sid, parent: sub.params.psid }],
      sid: sub.sid,
      status: null,
      ts: sub.times.submitted,
      type: sub.params.type,
      verdict: { malicious: [], non_malicious: [] },
      events: [],
      workflows_completed: false,
    };
  }
}

/** The indicator lists of an alert summary, which a re-alert unions. */
const SUMMARY_LISTS = [
  'attrib', 'av', 'behavior', 'domain', 'domain_dynamic', 'domain_static', 'ip', 'ip_dynamic', 'ip_static', 'uri', 'uri_dynamic', 'uri_static', 'yara',
] as const satisfies ReadonlyArray<keyof AlertSummary>;

/** A re-alert keeps what analysts set (owner, labels, status…) and unions the indicators. */
function merge(cur: AlertRecord, fresh: AlertRecord): AlertRecord {
  // Records written by other tools may lack parts of the summary; those count as empty.
  const al: Partial<AlertSummary> = cur.al ?? {};
  const mergedAl: AlertSummary = { ...fresh.al, score: Math.max(al.score ?? 0, fresh.al.score ?? 0) };
  for (const k of SUMMARY_LISTS) mergedAl[k] = union(al[k], fresh.al[k]);
  return {
    ...fresh,
    al: mergedAl,
    owner: cur.owner,
    priority: cur.priority,
    status: cur.status,
    label: cur.label,
    events: cur.events,
    verdict: cur.verdict,
    submission_relations: [...(cur.submission_relations ?? []), ...fresh.submission_relations],
  };
}
