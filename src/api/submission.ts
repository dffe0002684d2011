// /api/v4/submission/: submission records and their results, as the Python client reads them.
import { Type } from '@sinclair/typebox';
import { badRequest, forbidden, notFound } from '../core/errors.js';
import type { Principal } from '../core/auth/authenticator.js';
import { accessFilter } from '../core/search/access.js';
import { searchIndex } from '../core/search/indices.js';
import { canReadSubmission, readerOf } from '../core/submission/access.js';
import type { SubmissionRecord } from '../core/submission/record.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, Success, reply } from './envelope.js';
import { pageArgs } from './paging.js';
import { visibilityOf } from './visibility.js';

const Sid = Type.Object({ sid: Type.String({ minLength: 1, maxLength: 64 }) });
const FullTree = Type.Object({ get_full_tree: Type.Optional(Type.String({ description: 'present (or "true"): repeat files wherever they appear' })) });
const flag = (v: string | undefined) => v !== undefined && ['', 'true'].includes(v.toLowerCase());
const view = { auth: { roles: ['submission_view' as const] } };

export default async function submissionRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  /** The submission, if the caller may read it (see canReadSubmission). */
  const get = async (sid: string, req: { principal?: Principal }): Promise<SubmissionRecord> => {
    const sub = await ctx.submissions.get(sid);
    if (!sub) throw notFound(`Submission ID ${sid} does not exists.`, {});
    if (!canReadSubmission(readerOf(principalOf(req)), sub)) throw forbidden('You are not allowed to view the data of this submission', {});
    return sub;
  };
  const sidOf = (req: { params: unknown }) => (req.params as { sid: string }).sid;

  app.get('/api/v4/submission/:sid/', { schema: { tags: ['submission'], summary: 'A submission record', params: Sid, response: { 200: Enveloped(AnyJson) } }, config: view }, async (req, res) =>
    reply(res, await get(sidOf(req), req)),
  );

  app.delete(
    '/api/v4/submission/:sid/',
    { schema: { tags: ['submission'], summary: 'Delete a submission (its owner or an administrator)', params: Sid, response: { 200: Enveloped(Success) } }, config: { auth: { roles: ['submission_delete'] } } },
    async (req, res) => {
      const sub = await get(sidOf(req), req);
      const p = principalOf(req);
      if (sub.params.submitter !== p.user.uname && !p.roles.has('administration')) throw forbidden('You are not allowed to delete this submission.', { success: false });
      return reply(res, { success: await ctx.submissions.delete(sub.sid) });
    },
  );

  app.put(
    '/api/v4/submission/verdict/:sid/:verdict/',
    {
      schema: {
        tags: ['submission'], summary: "Record the caller's verdict on a submission (malicious or non_malicious)",
        params: Type.Object({ sid: Type.String({ minLength: 1, maxLength: 64 }), verdict: Type.String() }), response: { 200: Enveloped(Success) },
      },
      config: { auth: { roles: ['submission_manage'] } },
    },
    async (req, res) => {
      const { verdict } = req.params as { verdict: string };
      if (verdict !== 'malicious' && verdict !== 'non_malicious') throw badRequest(`Invalid verdict '${verdict}': use malicious or non_malicious`, { success: false });
      const sub = await get(sidOf(req), req);
      const uname = principalOf(req).user.uname;
      const other = verdict === 'malicious' ? 'non_malicious' : 'malicious';
      // A user holds one verdict on a submission: choosing one withdraws the other.
      await ctx.submissions.update(sub.sid, (cur) =>
        cur ? { ...cur, verdict: { ...cur.verdict, [verdict]: [...new Set([...cur.verdict[verdict], uname])], [other]: cur.verdict[other].filter((u) => u !== uname) } } : undefined,
      );
      return reply(res, { success: true });
    },
  );

  app.get(
    '/api/v4/submission/is_completed/:sid/',
    { schema: { tags: ['submission'], summary: 'Whether a submission has completed', params: Sid, response: { 200: Enveloped(Type.Boolean()) } }, config: view },
    async (req, res) => reply(res, (await get(sidOf(req), req)).state === 'completed'),
  );

  app.get(
    '/api/v4/submission/full/:sid/',
    { schema: { tags: ['submission'], summary: 'A submission with its file tree, file records, results and errors', params: Sid, querystring: FullTree, response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => reply(res, await ctx.views.full(await get(sidOf(req), req), flag((req.query as { get_full_tree?: string }).get_full_tree))),
  );

  app.get(
    '/api/v4/submission/summary/:sid/',
    { schema: { tags: ['submission'], summary: 'Tags, ATT&CK matrix and heuristics of a submission, with the tag/file map', params: Sid, response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => reply(res, await ctx.views.summary(await get(sidOf(req), req))),
  );

  app.get(
    '/api/v4/submission/tree/:sid/',
    { schema: { tags: ['submission'], summary: 'The file tree of a submission', params: Sid, querystring: FullTree, response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => reply(res, await ctx.views.treeView(await get(sidOf(req), req), flag((req.query as { get_full_tree?: string }).get_full_tree))),
  );

  const fileParams = Type.Object({ sid: Type.String({ minLength: 1 }), sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) });
  const fileHandler = async (req: { params: unknown; body?: unknown; principal?: Principal }, res: Parameters<typeof reply>[0]) => {
    const { sid, sha256 } = req.params as { sid: string; sha256: string };
    const sub = await get(sid, req);
    const extra = (req.body ?? {}) as { extra_result_keys?: string[]; extra_error_keys?: string[] };
    // Extra keys (a live view's, before the submission lists them) only as far as the caller may see them.
    const reader = readerOf(principalOf(req));
    const visibility = visibilityOf(ctx);
    const out = await ctx.views.file(sub, sha256.toLowerCase(), {
      results: await visibility.visibleKeys(reader, 'result', extra.extra_result_keys ?? []),
      errors: await visibility.visibleKeys(reader, 'error', extra.extra_error_keys ?? []),
    });
    if (!out) throw notFound(`File ${sha256} does not exist in submission ${sid}`, { file_info: { sha256 }, missing: true });
    return reply(res, out);
  };
  const fileSchema = { tags: ['submission'], summary: "One file of a submission: its record, results, errors, tags and heuristics", params: fileParams, response: { 200: Enveloped(AnyJson) } };
  app.get('/api/v4/submission/:sid/file/:sha256/', { schema: fileSchema, config: view }, fileHandler);
  app.post(
    '/api/v4/submission/:sid/file/:sha256/',
    {
      schema: {
        ...fileSchema,
        body: Type.Object({ extra_result_keys: Type.Optional(Type.Array(Type.String())), extra_error_keys: Type.Optional(Type.Array(Type.String())) }),
      },
      config: view,
    },
    fileHandler,
  );

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
          response: { 200: Enveloped(AnyJson) },
        },
        config: view,
      },
      async (req, res) => {
        const { name } = req.params as { name: string };
        const { offset, rows } = pageArgs(req.query as { offset?: number; rows?: number }, ctx.config.search, 10);
        const filter =
          by === 'user'
            ? { op: 'eq' as const, field: 'params.submitter', value: name }
            : name === 'ALL'
              ? { op: 'all' as const }
              : { op: 'eq' as const, field: 'params.groups', value: name.toUpperCase() };
        // Only what the caller may read, as for every search.
        const allowed = accessFilter(searchIndex('submission')!, readerOf(principalOf(req)));
        const r = await ctx.submissions.search({ filter: allowed ? { op: 'and', items: [filter, allowed] } : filter, sort: [{ field: 'times.submitted', dir: 'desc' }], offset, limit: rows });
        return reply(res, { offset, rows, total: r.total, items: r.items });
      },
    );
  list('user');
  list('group');
}
