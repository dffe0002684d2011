// /api/v4/submission/report/<sid>/: the analyst report of a completed submission (ATT&CK matrix, heuristics by
// verdict, tags by kind, important files, promoted sections, file tree). Its static "report" segment takes
// precedence over the `/submission/:sid/...` routes of submission.ts in the router.
import { Type } from '@sinclair/typebox';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { SubmissionReport } from './schemas/report.js';
import { flag } from './submission.js';

export default async function submissionReportRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  app.get(
    '/api/v4/submission/report/:sid/',
    {
      schema: {
        tags: ['submission'],
        summary: 'The report of a completed submission: ATT&CK matrix, heuristics, tags, important files, promoted sections and file tree',
        params: Type.Object({ sid: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({ get_full_tree: Type.Optional(Type.String({ description: 'present (or "true"): repeat files wherever they appear' })) }),
        response: { 200: Enveloped(SubmissionReport) },
      },
      config: { auth: { roles: ['submission_view'], xsrf: false } },
    },
    async (req, res) => {
      const reader = readerOf(principalOf(req));
      const sub = await ctx.submissions.readable(req.params.sid, reader, 'report');
      return reply(res, await ctx.views.report(sub, reader, flag(req.query.get_full_tree)));
    },
  );
}
