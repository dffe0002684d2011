// Workflows: saved alert queries that label, prioritise or set the status of the alerts they match. They run
// on every new alert (the alerter calls applyToAlert) and on demand over existing alerts. Their queries are held
// to the deployment's query limits, like any other search, both when saved and when run.
import type { Collection, Filter } from '../../store/datastore.js';
import { badRequest, notFound } from '../errors.js';
import { searchIndex } from '../search/indices.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../search/lucene.js';
import { queryFilter } from '../search/translate.js';
import { randomId } from '../util/ids.js';
import { isoDate } from '../util/time.js';
import { changeAlert, checkLabels, checkPriority, checkStatus } from './actions.js';
import type { Actor, AlertChange, AlertRecord, WorkflowRecord } from './model.js';
import { isPlainObject } from '../util/plain.js';

const MAX_WORKFLOWS = 1000;
const MAX_RUN = 100_000;

/** The alert filter of a workflow query; a query that does not parse (or exceeds `limits`) is a 400. */
export function workflowFilter(query: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): Filter {
  return queryFilter(searchIndex('alert')!, query, limits);
}

/** A workflow record from an API body, new or replacing `current`; its query must pass `limits`. */
export function workflowFromBody(body: unknown, uname: string, limits: QueryLimits, current?: WorkflowRecord): WorkflowRecord {
  if (!isPlainObject(body)) throw badRequest('Invalid workflow');
  const b: Record<string, unknown> = { ...(current ?? {}), ...body };
  if (typeof b.name !== 'string' || !b.name.trim()) throw badRequest('Name field is required.');
  if (typeof b.query !== 'string' || !b.query.trim()) throw badRequest('Query field is required.');
  workflowFilter(b.query, limits);
  const labels = b.labels === undefined || b.labels === null ? [] : checkLabels(b.labels);
  const priority = checkPriority(b.priority ?? null);
  const status = checkStatus(b.status ?? null);
  if (!labels.length && !priority && !status) throw badRequest('Workflow must either have a label, a priority or a status.');
  const now = isoDate();
  return {
    workflow_id: current?.workflow_id ?? (typeof b.workflow_id === 'string' && /^[\w-]{1,64}$/.test(b.workflow_id) ? b.workflow_id : randomId()),
    name: b.name.trim(),
    query: b.query,
    description: typeof b.description === 'string' ? b.description : '',
    labels,
    priority,
    status,
    enabled: b.enabled === undefined ? true : Boolean(b.enabled),
    classification: typeof b.classification === 'string' ? b.classification : 'TLP:C',
    creator: current?.creator ?? uname,
    edited_by: uname,
    creation_date: current?.creation_date ?? now,
    last_edit: now,
    first_seen: current?.first_seen ?? null,
    last_seen: current?.last_seen ?? null,
    hit_count: current?.hit_count ?? 0,
    origin: typeof b.origin === 'string' ? b.origin : (current?.origin ?? null),
  };
}

export class Workflows {
  /**
   * `limits`: what a workflow query may hold (the search.* settings). A query is checked against them when it
   * is saved, so running it later under the same limits succeeds.
   */
  constructor(
    private readonly records: { workflows: Collection<WorkflowRecord>; alerts: Collection<AlertRecord> },
    private readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  ) {}

  async get(id: string): Promise<WorkflowRecord> {
    const wf = await this.records.workflows.get(id);
    if (!wf) throw notFound(`Workflow ID ${id} not found`, {});
    return wf;
  }

  /** Every label some workflow sets, sorted. */
  async labels(): Promise<string[]> {
    const rows = await this.records.workflows.facet({ field: 'labels', size: 10_000, mincount: 1 });
    return rows.map((r) => String(r.value)).sort();
  }

  /** Saves a new workflow from an API body; resolves to its id. */
  async add(body: unknown, uname: string): Promise<string> {
    const wf = workflowFromBody(body, uname, this.limits);
    if (!(await this.records.workflows.add(wf.workflow_id, wf))) throw badRequest(`Workflow ID ${wf.workflow_id} already exists`);
    return wf.workflow_id;
  }

  /** Changes a workflow with the fields of an API body; what the body leaves out stays as it was. */
  async change(id: string, body: unknown, uname: string): Promise<string> {
    const current = await this.get(id);
    await this.records.workflows.put(current.workflow_id, workflowFromBody(body, uname, this.limits, current));
    return current.workflow_id;
  }

  async remove(id: string): Promise<boolean> {
    await this.get(id);
    return this.records.workflows.delete(id);
  }

  private alertChange(wf: WorkflowRecord): AlertChange {
    return { addLabels: wf.labels, priority: wf.priority ?? undefined, status: wf.status ?? undefined };
  }

  private actor(wf: WorkflowRecord): Actor {
    return { entity_type: 'workflow', entity_id: wf.workflow_id, entity_name: wf.name };
  }

  private async recordHits(wf: WorkflowRecord, hits: number): Promise<void> {
    if (!hits) return;
    const now = isoDate();
    await this.records.workflows.update(wf.workflow_id, (cur) =>
      cur ? { ...cur, hit_count: (cur.hit_count ?? 0) + hits, first_seen: cur.first_seen ?? now, last_seen: now } : undefined,
    );
  }

  /** Run every enabled workflow against one alert, then mark it done. */
  async applyToAlert(alertId: string): Promise<void> {
    const { workflows, alerts } = this.records;
    const { items } = await workflows.search({ filter: { op: 'eq', field: 'enabled', value: true }, limit: MAX_WORKFLOWS, sort: [{ field: 'id', dir: 'asc' }] });
    for (const wf of items) {
      let filter: Filter;
      try {
        filter = workflowFilter(wf.query, this.limits);
      } catch {
        continue; // saved before a parser or limit change made it invalid: skip rather than block alerting
      }
      const hit = await alerts.count({ op: 'and', items: [{ op: 'eq', field: 'id', value: alertId }, filter] });
      if (!hit) continue;
      await alerts.update(alertId, (cur) => (cur ? changeAlert(cur, this.alertChange(wf), this.actor(wf)) : undefined));
      await this.recordHits(wf, 1);
    }
    await alerts.update(alertId, (cur) => (cur && !cur.workflows_completed ? { ...cur, workflows_completed: true } : undefined));
  }

  /** Run one workflow over the existing alerts it matches; resolves to how many changed. */
  async run(id: string): Promise<number> {
    const wf = await this.get(id);
    const changed = await this.records.alerts.updateWhere(workflowFilter(wf.query, this.limits), (cur) => changeAlert(cur, this.alertChange(wf), this.actor(wf)), MAX_RUN);
    await this.recordHits(wf, changed);
    return changed;
  }
}
