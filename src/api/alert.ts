// /api/v4/alert/: alerts raised by ingests that asked for them; listing, grouping and facets over a time window,
// and the analyst's triage (labels, priority, status, ownership, verdicts), one by one or in batch.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { changeAlert, checkLabels, checkPriority, checkStatus, setVerdict, VERDICTS, type Actor, type AlertChange } from '../core/alerts/actions.js';
import type { AlertRecord } from '../core/alerts/alerter.js';
import { badRequest, forbidden, notFound } from '../core/errors.js';
import { facet, grouped } from '../core/search/aggregations.js';
import { resolveDateMath, durationMs } from '../core/search/date-math.js';
import { buildFilter } from '../core/search/engine.js';
import { searchIndex } from '../core/search/indices.js';
import type { Filter } from '../store/datastore.js';
import { isoDate } from '../core/util/time.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, Success, reply } from './envelope.js';
import { intArg, pageArgs, trackTotalHits } from './paging.js';
import { readerOf } from '../core/submission/access.js';
import { visibilityOf } from './visibility.js';

const view = { auth: { roles: ['alert_view' as const] } };
const manage = { auth: { roles: ['alert_manage' as const] } };
const AlertId = Type.Object({ alert_id: Type.String({ minLength: 1, maxLength: 128 }) });
const loose = Type.Object({}, { additionalProperties: true });
const BATCH_MAX = 100_000;

type Q = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? undefined : Array.isArray(v) ? String(v[0]) : String(v));
const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** `reporting_ts` window: [tc_start - tc, tc_start], or everything up to tc_start. */
function timeWindow(q: Q): { filter?: Filter; tcStart?: string } {
  const tc = str(q.tc);
  const startArg = str(q.tc_start);
  const tcStart = startArg ? (resolveDateMath(startArg, true) ?? undefined) : tc ? isoDate() : undefined;
  if (startArg && !tcStart) throw badRequest(`Invalid tc_start: ${startArg}`);
  if (!tc) return tcStart ? { filter: { op: 'range', field: 'reporting_ts', lte: tcStart }, tcStart } : {};
  const span = durationMs(tc);
  const from = Date.parse(tcStart!) - (span ?? Number.NaN);
  // A span reaching past the first representable date is as unreadable as a malformed one.
  if (!Number.isFinite(new Date(from).getTime())) throw badRequest(`Invalid time constraint: ${tc}`);
  return { filter: { op: 'range', field: 'reporting_ts', gte: isoDate(from), lte: tcStart }, tcStart };
}

function actorOf(req: FastifyRequest): Actor {
  const u = principalOf(req).user;
  return { entity_type: 'user', entity_id: u.uname, entity_name: u.name || u.uname };
}

export default async function alertRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const alerts = ctx.storage.datastore.collection<AlertRecord>('alert');
  const engine = ctx.search;
  const index = searchIndex('alert')!;

  /** The alerts a list or batch request selects: q, fq and the time window, within what the caller may see. */
  const selection = (req: FastifyRequest) => {
    const q = req.query as Q;
    const w = timeWindow(q);
    return { query: str(q.q) || 'alert_id:*', filters: list(q.fq), extra: w.filter, tcStart: w.tcStart };
  };
  const selectionFilter = (req: FastifyRequest): Filter => {
    const s = selection(req);
    const base = buildFilter(index, readerOf(principalOf(req)), s.query, s.filters, engine.limits);
    return s.extra ? { op: 'and', items: [base, s.extra] } : base;
  };
  const visibility = visibilityOf(ctx);
  /** Refuses an alert whose submission the caller may not read (a missing alert is left to the caller). */
  const guard = async (req: FastifyRequest, id: string) => {
    if ((await alerts.exists(id)) && !(await visibility.canSee(readerOf(principalOf(req)), 'alert', id))) {
      throw forbidden('You are not allowed to see this alert...', {});
    }
  };
  const get = async (req: FastifyRequest, id: string) => {
    const a = await alerts.get(id);
    if (!a) throw notFound(`Alert ID ${id} not found`, {});
    await guard(req, id);
    return a;
  };
  const idOf = (req: FastifyRequest) => (req.params as { alert_id: string }).alert_id;
  const schema = (summary: string, extra: Record<string, unknown> = {}) => ({ tags: ['alert'], summary, response: { 200: Enveloped(AnyJson) }, ...extra });

  app.get('/api/v4/alert/list/', { schema: schema('Alerts, newest first (q, fq, tc, tc_start, offset, rows)', { querystring: loose }), config: view }, async (req, res) => {
    const q = req.query as Q;
    const s = selection(req);
    const r = await engine.search(index, readerOf(principalOf(req)), { ...s, ...pageArgs(q, ctx.config.search, 10), trackTotalHits: trackTotalHits(q.track_total_hits) });
    return reply(res, { offset: r.offset, rows: r.rows, total: r.total, items: r.items });
  });

  app.get('/api/v4/alert/grouped/:field/', { schema: schema('The newest alert per value of a field, with group_count', { params: Type.Object({ field: Type.String() }), querystring: loose }), config: view }, async (req, res) => {
    const q = req.query as Q;
    const s = selection(req);
    const { field } = req.params as { field: string };
    const r = await grouped(engine, index, readerOf(principalOf(req)), field, {
      ...s,
      offset: pageArgs(q, ctx.config.search, 10).offset,
      // Groups per page are bounded by the grouping walk (see aggregations.ts).
      rows: intArg(q.rows, 'rows', { min: 0, max: Math.min(1000, ctx.config.search.maxRows) }) ?? 10,
      limit: 1,
    });
    const items = [];
    // Only alerts the caller may see count towards the hint.
    const visible = visibility.filter('alert', readerOf(principalOf(req))) ?? { op: 'all' };
    for (const g of r.items) {
      const top = g.items[0];
      if (!top) continue;
      // Tell the analyst when someone already owns part of the group.
      const owned = await alerts.count({ op: 'and', items: [{ op: 'eq', field, value: g.value }, { op: 'exists', field: 'owner' }, s.extra ?? { op: 'all' }, visible] }, 1);
      items.push({ ...top, group_count: g.total, hint_owner: owned > 0 });
    }
    const counted = items.reduce((n, i) => n + i.group_count, 0);
    return reply(res, { offset: r.offset, rows: r.rows, total: r.total, counted_total: counted, tc_start: s.tcStart ?? null, items });
  });

  const facetRoute = (path: string, field: string, summary: string) =>
    app.get(`/api/v4/alert/${path}/`, { schema: schema(summary, { querystring: loose }), config: view }, async (req, res) =>
      reply(res, await facet(engine, index, readerOf(principalOf(req)), field, { ...selection(req), size: 100 })),
    );
  facetRoute('labels', 'label', 'Labels of the selected alerts: {label: count}');
  facetRoute('priorities', 'priority', 'Priorities of the selected alerts: {priority: count}');
  facetRoute('statuses', 'status', 'Statuses of the selected alerts: {status: count}');

  app.get('/api/v4/alert/statistics/', { schema: schema('Facets of the selected alerts over their main indicator fields', { querystring: loose }), config: view }, async (req, res) => {
    const out: Record<string, Record<string, number>> = {};
    for (const field of ['al.attrib', 'al.av', 'al.behavior', 'al.domain', 'al.ip', 'al.yara', 'file.name', 'file.md5', 'owner']) {
      out[field] = await facet(engine, index, readerOf(principalOf(req)), field, { ...selection(req), size: 10 });
    }
    return reply(res, out);
  });

  app.get('/api/v4/alert/related/', { schema: schema('Ids of the alerts a query selects', { querystring: loose }), config: view }, async (req, res) => {
    const r = await alerts.search({ filter: selectionFilter(req), fields: ['alert_id'], limit: 1000, sort: [{ field: 'reporting_ts', dir: 'desc' }] });
    return reply(res, r.items.map((a) => a.alert_id));
  });

  app.get('/api/v4/alert/:alert_id/', { schema: schema('An alert', { params: AlertId }), config: view }, async (req, res) => reply(res, await get(req, idOf(req))));

  /** One alert changed through `change`, or a batch over the selection. */
  const mutate = async (req: FastifyRequest, change: AlertChange) => {
    await guard(req, idOf(req));
    return alerts.update(idOf(req), (cur) => {
      if (!cur) throw notFound(`Alert ID ${idOf(req)} not found`, {});
      return changeAlert(cur, change, actorOf(req));
    });
  };
  const batch = (req: FastifyRequest, change: AlertChange) => alerts.updateWhere(selectionFilter(req), (cur) => changeAlert(cur, change, actorOf(req)), BATCH_MAX);

  const body = Type.Unsafe<unknown>({ description: 'JSON body' });
  app.post('/api/v4/alert/label/batch/', { schema: schema('Add labels to the selected alerts', { body, querystring: loose, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    await batch(req, { addLabels: checkLabels(req.body) });
    return reply(res, { success: true });
  });
  app.delete('/api/v4/alert/label/batch/', { schema: schema('Remove labels from the selected alerts', { body, querystring: loose, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    await batch(req, { removeLabels: checkLabels(req.body) });
    return reply(res, { success: true });
  });
  app.post('/api/v4/alert/priority/batch/', { schema: schema('Set the priority of the selected alerts', { body, querystring: loose, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    await batch(req, { priority: checkPriority(req.body) });
    return reply(res, { success: true });
  });
  app.post('/api/v4/alert/status/batch/', { schema: schema('Set the status of the selected alerts', { body, querystring: loose, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    await batch(req, { status: checkStatus(req.body) });
    return reply(res, { success: true });
  });
  app.get('/api/v4/alert/ownership/batch/', { schema: schema('Take ownership of the selected alerts nobody owns', { querystring: loose, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    const uname = principalOf(req).user.uname;
    const unowned: Filter = { op: 'and', items: [selectionFilter(req), { op: 'not', item: { op: 'exists', field: 'owner' } }] };
    await alerts.updateWhere(unowned, (cur) => (cur.owner ? undefined : { ...cur, owner: uname }), BATCH_MAX);
    return reply(res, { success: true });
  });

  app.post('/api/v4/alert/label/:alert_id/', { schema: schema('Add labels to an alert', { params: AlertId, body, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    await mutate(req, { addLabels: checkLabels(req.body) });
    return reply(res, { success: true });
  });
  app.delete('/api/v4/alert/label/:alert_id/', { schema: schema('Remove labels from an alert', { params: AlertId, body, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    await mutate(req, { removeLabels: checkLabels(req.body) });
    return reply(res, { success: true });
  });
  app.post('/api/v4/alert/priority/:alert_id/', { schema: schema('Set the priority of an alert (LOW, MEDIUM, HIGH, CRITICAL)', { params: AlertId, body, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    await mutate(req, { priority: checkPriority(req.body) });
    return reply(res, { success: true });
  });
  app.post('/api/v4/alert/status/:alert_id/', { schema: schema('Set the status of an alert (MALICIOUS, NON-MALICIOUS, ASSESS, TRIAGE)', { params: AlertId, body, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    await mutate(req, { status: checkStatus(req.body) });
    return reply(res, { success: true });
  });
  app.get('/api/v4/alert/ownership/:alert_id/', { schema: schema('Take ownership of an alert', { params: AlertId, response: { 200: Enveloped(Success) } }), config: manage }, async (req, res) => {
    const uname = principalOf(req).user.uname;
    await guard(req, idOf(req));
    await alerts.update(idOf(req), (cur) => {
      if (!cur) throw notFound(`Alert ID ${idOf(req)} not found`, {});
      if (cur.owner && cur.owner !== uname) throw forbidden('Alert is already owned', { success: false });
      return cur.owner ? undefined : { ...cur, owner: uname };
    });
    return reply(res, { success: true });
  });
  app.put(
    '/api/v4/alert/verdict/:alert_id/:verdict/',
    { schema: schema('Give a verdict on an alert (malicious or non_malicious)', { params: Type.Object({ alert_id: Type.String(), verdict: Type.String() }), response: { 200: Enveloped(Success) } }), config: manage },
    async (req, res) => {
      const { verdict } = req.params as { verdict: string };
      if (!(VERDICTS as readonly string[]).includes(verdict)) throw badRequest(`Invalid verdict: ${verdict} (malicious or non_malicious)`);
      const uname = principalOf(req).user.uname;
      await guard(req, idOf(req));
      await alerts.update(idOf(req), (cur) => {
        if (!cur) throw notFound(`Alert ID ${idOf(req)} not found`, {});
        return setVerdict(cur, verdict as (typeof VERDICTS)[number], uname);
      });
      return reply(res, { success: true });
    },
  );
}
