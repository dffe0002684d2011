// /api/v4/submission/: submission records and their results, as the Python client reads them.
import { Type } from '@sinclair/typebox';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, Success, reply } from './envelope.js';
import { pageArgs } from './paging.js';
import { Submission, SubmissionFileView, SubmissionFull, SubmissionList, SubmissionSummary, SubmissionTree } from './schemas/submission.js';

const Sid = Type.Object({ sid: Type.String({ minLength: 1, maxLength: 64 }) });
const FullTree = Type.Object({ get_full_tree: Type.Optional(Type.String({ description: 'present (or "true"): repeat files wherever they appear' })) });
const FileParams = Type.Object({ sid: Type.String({ minLength: 1 }), sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) });
const ExtraKeys = Type.Object({ extra_result_keys: Type.Optional(Type.Array(Type.String())), extra_error_keys: Type.Optional(Type.Array(Type.String())) });
const view = { auth: { roles: ['submission_view' as const] } };

/** A query flag: present without a value, or "true". */
export const flag = (v: string | undefined) => v !== undefined && ['', 'true'].includes(v.toLowerCase());

export default async function submissionRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const submissions = ctx.submissions;
  const readable = (sid: string, req: Parameters<typeof principalOf>[0]) => submissions.readable(sid, readerOf(principalOf(req)));

  app.get(
    '/api/v4/submission/:sid/',
    { schema: { tags: ['submission'], summary: 'A submission record', params: Sid, response: { 200: Enveloped(Submission) } }, config: view },
    async (req, res) => reply(res, await readable(req.params.sid, req)),
  );

  app.delete(
    '/api/v4/submission/:sid/',
    {
      schema: { tags: ['submission'], summary: 'Delete a submission (its owner or an administrator)', params: Sid, response: { 200: Enveloped(Success) } },
      config: { auth: { roles: ['submission_delete'] } },
    },
    async (req, res) => reply(res, { success: await submissions.delete(req.params.sid, readerOf(principalOf(req))) }),
  );

  app.put(
    '/api/v4/submission/verdict/:sid/:verdict/',
    {
      schema: {
        tags: ['submission'],
        summary: "Record the caller's verdict on a submission (malicious or non_malicious)",
        // The verdict is checked by hand, for Assemblyline's message.
        params: Type.Object({ sid: Type.String({ minLength: 1, maxLength: 64 }), verdict: Type.String() }),
        response: { 200: Enveloped(Success) },
      },
      config: { auth: { roles: ['submission_manage'] } },
    },
    async (req, res) => {
      await submissions.setVerdict(req.params.sid, req.params.verdict, readerOf(principalOf(req)));
      return reply(res, { success: true });
    },
  );

  app.get(
    '/api/v4/submission/is_completed/:sid/',
    { schema: { tags: ['submission'], summary: 'Whether a submission has completed', params: Sid, response: { 200: Enveloped(Type.Boolean()) } }, config: view },
    async (req, res) => reply(res, (await readable(req.params.sid, req)).state === 'completed'),
  );

  app.get(
    '/api/v4/submission/full/:sid/',
    {
      schema: { tags: ['submission'], summary: 'A submission with its file tree, file records, results and errors', params: Sid, querystring: FullTree, response: { 200: Enveloped(SubmissionFull) } },
      config: view,
    },
    async (req, res) => reply(res, await ctx.views.full(await readable(req.params.sid, req), flag(req.query.get_full_tree))),
  );

  app.get(
    '/api/v4/submission/summary/:sid/',
    {
      schema: { tags: ['submission'], summary: 'Tags, ATT&CK matrix and heuristics of a submission, with the tag/file map', params: Sid, response: { 200: Enveloped(SubmissionSummary) } },
      config: view,
    },
    async (req, res) => reply(res, await ctx.views.summary(await readable(req.params.sid, req))),
  );

  app.get(
    '/api/v4/submission/tree/:sid/',
    { schema: { tags: ['submission'], summary: 'The file tree of a submission', params: Sid, querystring: FullTree, response: { 200: Enveloped(SubmissionTree) } }, config: view },
    async (req, res) => reply(res, await ctx.views.treeView(await readable(req.params.sid, req), flag(req.query.get_full_tree))),
  );

  const file = (req: { params: { sid: string; sha256: string } } & Parameters<typeof principalOf>[0], extra: { extra_result_keys?: string[]; extra_error_keys?: string[] }) =>
    submissions.file(req.params.sid, req.params.sha256, readerOf(principalOf(req)), { results: extra.extra_result_keys ?? [], errors: extra.extra_error_keys ?? [] });
  const fileSchema = {
    tags: ['submission'],
    summary: 'One file of a submission: its record, results, errors, tags and heuristics',
    params: FileParams,
    response: { 200: Enveloped(SubmissionFileView) },
  };
  app.get('/api/v4/submission/:sid/file/:sha256/', { schema: fileSchema, config: view }, async (req, res) => reply(res, await file(req, {})));
  app.post('/api/v4/submission/:sid/file/:sha256/', { schema: { ...fileSchema, body: ExtraKeys }, config: view }, async (req, res) => reply(res, await file(req, req.body)));

  const list = (by: 'user' | 'group') =>
    app.get(
      `/api/v4/submission/list/${by}/:name/`,
      {
        schema: {
          tags: ['submission'],
          summary: `Submissions of a ${by}, newest first`,
          params: Type.Object({ name: Type.String() }),
          // Ranges are checked by pageArgs, which names the settings that set them.
          querystring: Type.Object({ offset: Type.Optional(Type.Integer()), rows: Type.Optional(Type.Integer()) }),
          response: { 200: Enveloped(SubmissionList) },
        },
        config: view,
      },
      async (req, res) => reply(res, await submissions.list(by, req.params.name, readerOf(principalOf(req)), pageArgs(req.query, ctx.config.search, 10))),
    );
  list('user');
  list('group');
}
