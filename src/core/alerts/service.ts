// Reading and triaging alerts for a caller: listings, groups and facets over a selection (a query, filter
// queries and a `reporting_ts` window), single alerts, and the analyst's changes one by one or over a selection.
// A caller sees an alert only through a submission they may read, as the search layer's access filter says.
import type { Collection, Filter } from '../../store/datastore.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import type { Viewer } from '../search/access.js';
import { accessFilter } from '../search/access.js';
import { facet, grouped } from '../search/aggregations.js';
import { durationMs, resolveDateMath } from '../search/date-math.js';
import { buildFilter, type SearchEngine, type SearchResponse } from '../search/engine.js';
import { searchIndex, type SearchIndex } from '../search/indices.js';
import { isoDate } from '../util/time.js';
import { changeAlert, setVerdict } from './actions.js';
import { VERDICTS, type Actor, type AlertChange, type AlertRecord, type Verdict } from './model.js';

/** Which alerts a listing or a batch change covers. */
export interface AlertSelection {
  /** Lucene query; every alert when absent or empty. */
  query?: string;
  filters?: string[];
  /** Length of the `reporting_ts` window, e.g. `1d`. */
  tc?: string;
  /** End of the window (date math); now when only `tc` is given. */
  tcStart?: string;
}

export interface Page {
  offset: number;
  rows: number;
}

/** The newest alert of a group, with the group's size and whether someone owns part of it. */
export type GroupedAlert = Record<string, unknown> & { group_count: number; hint_owner: boolean };

/** The fields whose facets make up the alert statistics. */
const STATISTICS_FIELDS = ['al.attrib', 'al.av', 'al.behavior', 'al.domain', 'al.ip', 'al.yara', 'file.name', 'file.md5', 'owner'];
const BATCH_MAX = 100_000;
const RELATED_MAX = 1000;

/** `reporting_ts` window: [tc_start - tc, tc_start], or everything up to tc_start. */
function timeWindow(sel: AlertSelection): { filter?: Filter; tcStart?: string } {
  const { tc, tcStart: startArg } = sel;
  const tcStart = startArg ? (resolveDateMath(startArg, true) ?? undefined) : tc ? isoDate() : undefined;
  if (startArg && !tcStart) throw badRequest(`Invalid tc_start: ${startArg}`);
  if (!tc) return tcStart ? { filter: { op: 'range', field: 'reporting_ts', lte: tcStart }, tcStart } : {};
  const span = durationMs(tc);
  const from = Date.parse(tcStart!) - (span ?? Number.NaN);
  // A span reaching past the first representable date is as unreadable as a malformed one.
  if (!Number.isFinite(new Date(from).getTime())) throw badRequest(`Invalid time constraint: ${tc}`);
  return { filter: { op: 'range', field: 'reporting_ts', gte: isoDate(from), lte: tcStart }, tcStart };
}

export class AlertService {
  private readonly index: SearchIndex = searchIndex('alert')!;

  constructor(
    private readonly alerts: Collection<AlertRecord>,
    private readonly engine: SearchEngine,
  ) {}

  /** The search arguments of a selection: its query (every alert by default), filter queries and window. */
  private scope(sel: AlertSelection) {
    const w = timeWindow(sel);
    return { query: sel.query || 'alert_id:*', filters: sel.filters ?? [], extra: w.filter, tcStart: w.tcStart };
  }

  private filterOf(viewer: Viewer, sel: AlertSelection): Filter {
    const s = this.scope(sel);
    const base = buildFilter(this.index, viewer, s.query, s.filters, this.engine.limits);
    return s.extra ? { op: 'and', items: [base, s.extra] } : base;
  }

  /** Refuses an alert the viewer may not see (a missing alert is left to the caller). */
  private async guard(viewer: Viewer, id: string): Promise<void> {
    const access = accessFilter(this.index, viewer);
    if (!access || !(await this.alerts.exists(id))) return;
    const visible = await this.alerts.count({ op: 'and', items: [{ op: 'eq', field: 'id', value: id }, access] }, 1);
    if (!visible) throw forbidden('You are not allowed to see this alert...', {});
  }

  /** Alerts of the selection, newest first. */
  async list(viewer: Viewer, sel: AlertSelection, page: Page, trackTotalHits?: number): Promise<SearchResponse> {
    const s = this.scope(sel);
    return this.engine.search(this.index, viewer, { query: s.query, filters: s.filters, extra: s.extra, ...page, trackTotalHits });
  }

  /** The newest alert per value of `field`, with the group's size and whether someone already owns part of it. */
  async grouped(viewer: Viewer, field: string, sel: AlertSelection, page: Page) {
    const s = this.scope(sel);
    const r = await grouped(this.engine, this.index, viewer, field, { query: s.query, filters: s.filters, extra: s.extra, ...page, limit: 1 });
    // Only alerts the viewer may see count towards the hint.
    const visible = accessFilter(this.index, viewer) ?? { op: 'all' };
    const items: GroupedAlert[] = [];
    for (const g of r.items) {
      const top = g.items[0];
      if (!top) continue;
      const owned = await this.alerts.count({ op: 'and', items: [{ op: 'eq', field, value: g.value }, { op: 'exists', field: 'owner' }, s.extra ?? { op: 'all' }, visible] }, 1);
      items.push({ ...top, group_count: g.total, hint_owner: owned > 0 });
    }
    const counted = items.reduce((n, i) => n + i.group_count, 0);
    return { offset: r.offset, rows: r.rows, total: r.total, counted_total: counted, tc_start: s.tcStart ?? null, items };
  }

  /** Counts of the values of `field` over the selection: {value: count}. */
  async facet(viewer: Viewer, field: string, sel: AlertSelection, size = 100): Promise<Record<string, number>> {
    const s = this.scope(sel);
    return facet(this.engine, this.index, viewer, field, { query: s.query, filters: s.filters, extra: s.extra, size });
  }

  /** The ten most frequent values of each main indicator field over the selection. */
  async statistics(viewer: Viewer, sel: AlertSelection): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const field of STATISTICS_FIELDS) out[field] = await this.facet(viewer, field, sel, 10);
    return out;
  }

  /** Ids of the alerts of the selection, newest first (at most a thousand). */
  async related(viewer: Viewer, sel: AlertSelection): Promise<string[]> {
    const r = await this.alerts.search({ filter: this.filterOf(viewer, sel), fields: ['alert_id'], limit: RELATED_MAX, sort: [{ field: 'reporting_ts', dir: 'desc' }] });
    return r.items.map((a) => a.alert_id);
  }

  async get(viewer: Viewer, id: string): Promise<AlertRecord> {
    const a = await this.alerts.get(id);
    if (!a) throw notFound(`Alert ID ${id} not found`, {});
    await this.guard(viewer, id);
    return a;
  }

  /** Read-modify-write of one alert the viewer may see; `fn` returns undefined to leave it unchanged. */
  private async update(viewer: Viewer, id: string, fn: (cur: AlertRecord) => AlertRecord | undefined): Promise<void> {
    await this.guard(viewer, id);
    await this.alerts.update(id, (cur) => {
      if (!cur) throw notFound(`Alert ID ${id} not found`, {});
      return fn(cur);
    });
  }

  /** Labels, priority or status of one alert, recorded as an event of `actor`. */
  change(viewer: Viewer, id: string, change: AlertChange, actor: Actor): Promise<void> {
    return this.update(viewer, id, (cur) => changeAlert(cur, change, actor));
  }

  /** The same change over every alert of the selection; resolves to how many changed. */
  changeSelected(viewer: Viewer, sel: AlertSelection, change: AlertChange, actor: Actor): Promise<number> {
    return this.alerts.updateWhere(this.filterOf(viewer, sel), (cur) => changeAlert(cur, change, actor), BATCH_MAX);
  }

  /** Makes `uname` the owner of an alert nobody else owns. */
  takeOwnership(viewer: Viewer, id: string, uname: string): Promise<void> {
    return this.update(viewer, id, (cur) => {
      if (cur.owner && cur.owner !== uname) throw forbidden('Alert is already owned', { success: false });
      return cur.owner ? undefined : { ...cur, owner: uname };
    });
  }

  /** Makes `uname` the owner of the alerts of the selection that nobody owns. */
  takeOwnershipOfSelected(viewer: Viewer, sel: AlertSelection, uname: string): Promise<number> {
    const unowned: Filter = { op: 'and', items: [this.filterOf(viewer, sel), { op: 'not', item: { op: 'exists', field: 'owner' } }] };
    return this.alerts.updateWhere(unowned, (cur) => (cur.owner ? undefined : { ...cur, owner: uname }), BATCH_MAX);
  }

  /** `uname`'s verdict on an alert (malicious or non_malicious), replacing any earlier one of theirs. */
  async giveVerdict(viewer: Viewer, id: string, verdict: string, uname: string): Promise<void> {
    if (!isVerdict(verdict)) throw badRequest(`Invalid verdict: ${verdict} (malicious or non_malicious)`);
    await this.update(viewer, id, (cur) => setVerdict(cur, verdict, uname));
  }
}

const isVerdict = (v: string): v is Verdict => (VERDICTS as readonly string[]).includes(v);
