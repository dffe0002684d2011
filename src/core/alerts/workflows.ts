// Workflows: saved alert queries that label, prioritise or set the status of the alerts they match. They run
// on every new alert (the alerter calls applyToAlert) and on demand over existing alerts.
import type { Collection, Datastore, Filter } from '../../store/datastore.js';
import { badRequest } from '../errors.js';
import { searchIndex } from '../search/indices.js';
import { queryFilter } from '../search/translate.js';
import { randomId } from '../util/ids.js';
import { isoDate } from '../util/time.js';
import { changeAlert, checkLabels, checkPriority, checkStatus, type AlertChange } from './actions.js';
import type { AlertRecord } from './alerter.js';

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

const MAX_WORKFLOWS = 1000;
const MAX_RUN = 100_000;

/** The alert filter of a workflow query; a query that does not parse is refused when the workflow is saved. */
export function workflowFilter(query: string): Filter {
  return queryFilter(searchIndex('alert')!, query);
}

/** A workflow record from an API body, new or replacing `current`. */
export function workflowFromBody(body: unknown, uname: string, current?: WorkflowRecord): WorkflowRecord {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Invalid workflow');
  const b = { ...(current ?? {}), ...(body as Record<string, unknown>) } as Record<string, unknown>;
  if (typeof b.name !== 'string' || !b.name.trim()) throw badRequest('Name field is required.');
  if (typeof b.query !== 'string' || !b.query.trim()) throw badRequest('Query field is required.');
  workflowFilter(b.query);
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
  readonly workflows: Collection<WorkflowRecord>;
  private readonly alerts: Collection<AlertRecord>;

  constructor(ds: Datastore) {
    this.workflows = ds.collection<WorkflowRecord>('workflow');
    this.alerts = ds.collection<AlertRecord>('alert');
  }

  private change(wf: WorkflowRecord): AlertChange {
    return { addLabels: wf.labels, priority: wf.priority ?? undefined, status: wf.status ?? undefined };
  }

  private async recordHits(wf: WorkflowRecord, hits: number): Promise<void> {
    if (!hits) return;
    const now = isoDate();
    await this.workflows.update(wf.workflow_id, (cur) =>
      cur ? { ...cur, hit_count: (cur.hit_count ?? 0) + hits, first_seen: cur.first_seen ?? now, last_seen: now } : undefined,
    );
  }

  /** Run every enabled workflow against one alert, then mark it done. */
  async applyToAlert(alertId: string): Promise<void> {
    const { items } = await this.workflows.search({ filter: { op: 'eq', field: 'enabled', value: true }, limit: MAX_WORKFLOWS, sort: [{ field: 'id', dir: 'asc' }] });
    for (const wf of items) {
      let filter: Filter;
      try {
        filter = workflowFilter(wf.query);
      } catch {
        continue; // saved before a parser change made it invalid: skip rather than block alerting
      }
      const hit = await this.alerts.count({ op: 'and', items: [{ op: 'eq', field: 'id', value: alertId }, filter] });
      if (!hit) continue;
      const actor = { entity_type: 'workflow' as const, entity_id: wf.workflow_id, entity_name: wf.name };
      await this.alerts.update(alertId, (cur) => (cur ? changeAlert(cur, this.change(wf), actor) : undefined));
      await this.recordHits(wf, 1);
    }
    await this.alerts.update(alertId, (cur) => (cur && !cur.workflows_completed ? { ...cur, workflows_completed: true } : undefined));
  }

  /** Run one workflow over the existing alerts it matches; resolves to how many changed. */
  async run(wf: WorkflowRecord): Promise<number> {
    const actor = { entity_type: 'workflow' as const, entity_id: wf.workflow_id, entity_name: wf.name };
    const changed = await this.alerts.updateWhere(workflowFilter(wf.query), (cur) => changeAlert(cur, this.change(wf), actor), MAX_RUN);
    await this.recordHits(wf, changed);
    return changed;
  }
}
