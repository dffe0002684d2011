// /api/v4/submission/report/<sid>/: the analyst report of a completed submission (ATT&CK matrix, heuristics by
// verdict, tags by kind, important files, promoted sections, file tree). Its static "report" segment takes
// precedence over the `/submission/:sid/...` routes of submission.ts in the router.
import { Type } from '@sinclair/typebox';
import { AssayError, forbidden, notFound } from '../core/errors.js';
import { canReadSubmission, readerOf } from '../core/submission/access.js';
import { loadReport } from '../core/report/load.js';
import type { ResultRecord } from '../core/results/model.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';

const flag = (v: string | undefined) => v !== undefined && ['', 'true'].includes(v.toLowerCase());

export default async function submissionReportRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const stores = {
    results: ctx.storage.datastore.collection<ResultRecord>('result'),
    files: ctx.intake.files,
  };

  app.get(
    '/api/v4/submission/report/:sid/',
    {
      schema: {
        tags: ['submission'],
        summary: 'The report of a completed submission: ATT&CK matrix, heuristics, tags, important files, promoted sections and file tree',
        params: Type.Object({ sid: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({ get_full_tree: Type.Optional(Type.String({ description: 'present (or "true"): repeat files wherever they appear' })) }),
        response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: ['submission_view'], xsrf: false } },
    },
    async (req, res) => {
      const { sid } = req.params as { sid: string };
      const sub = await ctx.submissions.get(sid);
      if (!sub) throw notFound(`Submission ID ${sid} does not exists.`);
      const reader = readerOf(principalOf(req));
      if (!canReadSubmission(reader, sub)) throw forbidden('You are not allowed to view the data of this submission');
      if (sub.state !== 'completed') throw new AssayError(425, `It is too early to generate the report. Submission ID ${sid} is incomplete.`);
      const report = await loadReport(stores, sub, {
        maxExtractionDepth: ctx.config.submission.maxExtractionDepth,
        verdicts: ctx.config.submission.verdicts,
        fullTree: flag((req.query as { get_full_tree?: string }).get_full_tree),
        userClassification: reader.isAdmin ? undefined : reader.classification,
      });
      return reply(res, report);
    },
  );
}
