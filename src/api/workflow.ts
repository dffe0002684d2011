// /api/v4/workflow/: saved alert queries that label, prioritise or set the status of matching alerts. New
// alerts go through them as they are created; `run` applies one to the alerts that already exist.
import { Type } from '@sinclair/typebox';
import { Workflows, workflowFromBody, type WorkflowRecord } from '../core/alerts/workflows.js';
import { badRequest, notFound } from '../core/errors.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';

const view = { auth: { roles: ['workflow_view' as const] } };
const manage = { auth: { roles: ['workflow_manage' as const] } };
const Id = Type.Object({ workflow_id: Type.String({ minLength: 1, maxLength: 128 }) });
const body = Type.Unsafe<unknown>({ description: 'workflow: {name, query, labels?, priority?, status?, description?, enabled?}' });

export default async function workflowRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const wfs = new Workflows(ctx.storage.datastore);
  const get = async (id: string): Promise<WorkflowRecord> => {
    const wf = await wfs.workflows.get(id);
    if (!wf) throw notFound(`Workflow ID ${id} not found`, {});
    return wf;
  };
  const idOf = (req: { params: unknown }) => (req.params as { workflow_id: string }).workflow_id;
  const schema = (summary: string, extra: Record<string, unknown> = {}) => ({ tags: ['workflow'], summary, response: { 200: Enveloped(AnyJson) }, ...extra });

  app.get('/api/v4/workflow/labels/', { schema: schema('Every label the workflows set'), config: view }, async (_req, res) => {
    const rows = await wfs.workflows.facet({ field: 'labels', size: 10_000, mincount: 1 });
    return reply(res, rows.map((r) => String(r.value)).sort());
  });
  app.put('/api/v4/workflow/', { schema: schema('Add a workflow', { body }), config: manage }, async (req, res) => {
    const wf = workflowFromBody(req.body, principalOf(req).user.uname);
    if (!(await wfs.workflows.add(wf.workflow_id, wf))) throw badRequest(`Workflow ID ${wf.workflow_id} already exists`);
    return reply(res, { success: true, workflow_id: wf.workflow_id });
  });
  app.get('/api/v4/workflow/:workflow_id/', { schema: schema('A workflow', { params: Id }), config: view }, async (req, res) => reply(res, await get(idOf(req))));
  app.post('/api/v4/workflow/:workflow_id/', { schema: schema('Change a workflow', { params: Id, body }), config: manage }, async (req, res) => {
    const current = await get(idOf(req));
    const next = workflowFromBody(req.body, principalOf(req).user.uname, current);
    await wfs.workflows.put(current.workflow_id, next);
    return reply(res, { success: true, workflow_id: current.workflow_id });
  });
  app.delete('/api/v4/workflow/:workflow_id/', { schema: schema('Delete a workflow', { params: Id }), config: manage }, async (req, res) => {
    await get(idOf(req));
    return reply(res, { success: await wfs.workflows.delete(idOf(req)) });
  });
  app.get('/api/v4/workflow/:workflow_id/run/', { schema: schema('Apply a workflow to the existing alerts it matches', { params: Id }), config: manage }, async (req, res) => {
    const changed = await wfs.run(await get(idOf(req)));
    return reply(res, { success: true, alerts_changed: changed });
  });
}
