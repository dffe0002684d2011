// /api/v4/workflow/: saved alert queries that label, prioritise or set the status of matching alerts. New
// alerts go through them as they are created; `run` applies one to the alerts that already exist.
import { Type } from '@sinclair/typebox';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, Success, reply } from './envelope.js';
import { Workflow, WorkflowId, WorkflowRun, WorkflowSaved } from './schemas/alert.js';

const view = { auth: { roles: ['workflow_view' as const] } };
const manage = { auth: { roles: ['workflow_manage' as const] } };
const tags = ['workflow'];
// Checked field by field by the workflow service, with Assemblyline's messages.
const body = Type.Unknown({ description: 'workflow: {name, query, labels?, priority?, status?, description?, enabled?}' });

export default async function workflowRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const wfs = ctx.workflows;

  app.get('/api/v4/workflow/labels/', { schema: { tags, summary: 'Every label the workflows set', response: { 200: Enveloped(Type.Array(Type.String())) } }, config: view }, async (_req, res) =>
    reply(res, await wfs.labels()),
  );
  app.put('/api/v4/workflow/', { schema: { tags, summary: 'Add a workflow', body, response: { 200: Enveloped(WorkflowSaved) } }, config: manage }, async (req, res) =>
    reply(res, { success: true, workflow_id: await wfs.add(req.body, principalOf(req).user.uname) }),
  );
  app.get('/api/v4/workflow/:workflow_id/', { schema: { tags, summary: 'A workflow', params: WorkflowId, response: { 200: Enveloped(Workflow) } }, config: view }, async (req, res) =>
    reply(res, await wfs.get(req.params.workflow_id)),
  );
  app.post('/api/v4/workflow/:workflow_id/', { schema: { tags, summary: 'Change a workflow', params: WorkflowId, body, response: { 200: Enveloped(WorkflowSaved) } }, config: manage }, async (req, res) =>
    reply(res, { success: true, workflow_id: await wfs.change(req.params.workflow_id, req.body, principalOf(req).user.uname) }),
  );
  app.delete('/api/v4/workflow/:workflow_id/', { schema: { tags, summary: 'Delete a workflow', params: WorkflowId, response: { 200: Enveloped(Success) } }, config: manage }, async (req, res) =>
    reply(res, { success: await wfs.remove(req.params.workflow_id) }),
  );
  app.get('/api/v4/workflow/:workflow_id/run/', { schema: { tags, summary: 'Apply a workflow to the existing alerts it matches', params: WorkflowId, response: { 200: Enveloped(WorkflowRun) } }, config: manage }, async (req, res) =>
    reply(res, { success: true, alerts_changed: await wfs.run(req.params.workflow_id) }),
  );
}
