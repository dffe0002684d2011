// /api/v4/alert/: alerts raised by ingests that asked for them; listing, grouping and facets over a time window,
// and the analyst's triage (labels, priority, status, ownership, verdicts), one by one or in batch.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { checkLabels, checkPriority, checkStatus, userActor } from '../core/alerts/actions.js';
import type { AlertSelection } from '../core/alerts/service.js';
import type { Principal } from '../core/auth/authenticator.js';
import { MAX_GROUP_ROWS } from '../core/search/aggregations.js';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, Success, reply } from './envelope.js';
import { intArg, pageArgs, trackTotalHits } from './paging.js';
import { Alert, AlertId, AlertList, AlertListArgs, AlertSelectionArgs, AlertStatistics, GroupedAlerts } from './schemas/alert.js';
import { Counts } from './schemas/common.js';

const view = { auth: { roles: ['alert_view' as const] } };
const manage = { auth: { roles: ['alert_manage' as const] } };
const tags = ['alert'];
const ok = (data: TSchema) => ({ 200: Enveloped(data) });
// Labels, priorities and statuses arrive as bare JSON values; checkLabels and friends refuse the wrong ones with
// Assemblyline's messages.
const JsonValue = Type.Unknown({ description: 'JSON body' });

/** The first value of a query-string argument that may be repeated. */
const firstArg = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The alerts a listing or batch change covers, from its query-string arguments. */
function selectionOf(q: Static<typeof AlertSelectionArgs>): AlertSelection {
  return { query: firstArg(q.q), filters: q.fq ?? [], tc: firstArg(q.tc), tcStart: firstArg(q.tc_start) };
}

export default async function alertRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const alerts = ctx.alerts;
  const viewer = (req: { principal?: Principal }) => readerOf(principalOf(req));

  app.get('/api/v4/alert/list/', { schema: { tags, summary: 'Alerts, newest first (q, fq, tc, tc_start, offset, rows)', querystring: AlertListArgs, response: ok(AlertList) }, config: view }, async (req, res) => {
    const q = req.query;
    return reply(res, await alerts.list(viewer(req), selectionOf(q), pageArgs(q, ctx.config.search, 10), trackTotalHits(q.track_total_hits)));
  });

  app.get(
    '/api/v4/alert/grouped/:field/',
    {
      schema: {
        tags, summary: 'The newest alert per value of a field, with group_count',
        params: Type.Object({ field: Type.String() }), querystring: AlertListArgs, response: ok(GroupedAlerts),
      },
      config: view,
    },
    async (req, res) => {
      const q = req.query;
      const page = {
        offset: pageArgs(q, ctx.config.search, 10).offset,
        // Groups per page are bounded by the grouping walk (see aggregations.ts).
        rows: intArg(q.rows, 'rows', { min: 0, max: Math.min(MAX_GROUP_ROWS, ctx.config.search.maxRows) }) ?? 10,
      };
      return reply(res, await alerts.grouped(viewer(req), req.params.field, selectionOf(q), page));
    },
  );

  const facetRoute = (path: string, field: string, summary: string) =>
    app.get(`/api/v4/alert/${path}/`, { schema: { tags, summary, querystring: AlertSelectionArgs, response: ok(Counts) }, config: view }, async (req, res) =>
      reply(res, await alerts.facet(viewer(req), field, selectionOf(req.query))),
    );
  facetRoute('labels', 'label', 'Labels of the selected alerts: {label: count}');
  facetRoute('priorities', 'priority', 'Priorities of the selected alerts: {priority: count}');
  facetRoute('statuses', 'status', 'Statuses of the selected alerts: {status: count}');

  app.get(
    '/api/v4/alert/statistics/',
    { schema: { tags, summary: 'Facets of the selected alerts over their main indicator fields', querystring: AlertSelectionArgs, response: ok(AlertStatistics) }, config: view },
    async (req, res) => reply(res, await alerts.statistics(viewer(req), selectionOf(req.query))),
  );

  app.get(
    '/api/v4/alert/related/',
    { schema: { tags, summary: 'Ids of the alerts a query selects', querystring: AlertSelectionArgs, response: ok(Type.Array(Type.String())) }, config: view },
    async (req, res) => reply(res, await alerts.related(viewer(req), selectionOf(req.query))),
  );

  app.get('/api/v4/alert/:alert_id/', { schema: { tags, summary: 'An alert', params: AlertId, response: ok(Alert) }, config: view }, async (req, res) =>
    reply(res, await alerts.get(viewer(req), req.params.alert_id)),
  );

  const done = ok(Success);
  const batch = { querystring: AlertSelectionArgs, body: JsonValue, response: done };
  app.post('/api/v4/alert/label/batch/', { schema: { tags, summary: 'Add labels to the selected alerts', ...batch }, config: manage }, async (req, res) => {
    await alerts.changeSelected(viewer(req), selectionOf(req.query), { addLabels: checkLabels(req.body) }, userActor(principalOf(req).user));
    return reply(res, { success: true });
  });
  app.delete('/api/v4/alert/label/batch/', { schema: { tags, summary: 'Remove labels from the selected alerts', ...batch }, config: manage }, async (req, res) => {
    await alerts.changeSelected(viewer(req), selectionOf(req.query), { removeLabels: checkLabels(req.body) }, userActor(principalOf(req).user));
    return reply(res, { success: true });
  });
  app.post('/api/v4/alert/priority/batch/', { schema: { tags, summary: 'Set the priority of the selected alerts', ...batch }, config: manage }, async (req, res) => {
    await alerts.changeSelected(viewer(req), selectionOf(req.query), { priority: checkPriority(req.body) }, userActor(principalOf(req).user));
    return reply(res, { success: true });
  });
  app.post('/api/v4/alert/status/batch/', { schema: { tags, summary: 'Set the status of the selected alerts', ...batch }, config: manage }, async (req, res) => {
    await alerts.changeSelected(viewer(req), selectionOf(req.query), { status: checkStatus(req.body) }, userActor(principalOf(req).user));
    return reply(res, { success: true });
  });
  app.get(
    '/api/v4/alert/ownership/batch/',
    { schema: { tags, summary: 'Take ownership of the selected alerts nobody owns', querystring: AlertSelectionArgs, response: done }, config: manage },
    async (req, res) => {
      await alerts.takeOwnershipOfSelected(viewer(req), selectionOf(req.query), principalOf(req).user.uname);
      return reply(res, { success: true });
    },
  );

  const one = { params: AlertId, body: JsonValue, response: done };
  app.post('/api/v4/alert/label/:alert_id/', { schema: { tags, summary: 'Add labels to an alert', ...one }, config: manage }, async (req, res) => {
    await alerts.change(viewer(req), req.params.alert_id, { addLabels: checkLabels(req.body) }, userActor(principalOf(req).user));
    return reply(res, { success: true });
  });
  app.delete('/api/v4/alert/label/:alert_id/', { schema: { tags, summary: 'Remove labels from an alert', ...one }, config: manage }, async (req, res) => {
    await alerts.change(viewer(req), req.params.alert_id, { removeLabels: checkLabels(req.body) }, userActor(principalOf(req).user));
    return reply(res, { success: true });
  });
  app.post('/api/v4/alert/priority/:alert_id/', { schema: { tags, summary: 'Set the priority of an alert (LOW, MEDIUM, HIGH, CRITICAL)', ...one }, config: manage }, async (req, res) => {
    await alerts.change(viewer(req), req.params.alert_id, { priority: checkPriority(req.body) }, userActor(principalOf(req).user));
    return reply(res, { success: true });
  });
  app.post('/api/v4/alert/status/:alert_id/', { schema: { tags, summary: 'Set the status of an alert (MALICIOUS, NON-MALICIOUS, ASSESS, TRIAGE)', ...one }, config: manage }, async (req, res) => {
    await alerts.change(viewer(req), req.params.alert_id, { status: checkStatus(req.body) }, userActor(principalOf(req).user));
    return reply(res, { success: true });
  });
  app.get('/api/v4/alert/ownership/:alert_id/', { schema: { tags, summary: 'Take ownership of an alert', params: AlertId, response: done }, config: manage }, async (req, res) => {
    await alerts.takeOwnership(viewer(req), req.params.alert_id, principalOf(req).user.uname);
    return reply(res, { success: true });
  });
  app.put(
    '/api/v4/alert/verdict/:alert_id/:verdict/',
    { schema: { tags, summary: 'Give a verdict on an alert (malicious or non_malicious)', params: Type.Object({ alert_id: Type.String(), verdict: Type.String() }), response: done }, config: manage },
    async (req, res) => {
      await alerts.giveVerdict(viewer(req), req.params.alert_id, req.params.verdict, principalOf(req).user.uname);
      return reply(res, { success: true });
    },
  );
}
