// /api/v4/submit/: synchronous-style submission. The submission is recorded and dispatched at once, and the
// answer is its record (state "submitted"); clients poll /submission/is_completed/ or read it later.
import { Type } from '@sinclair/typebox';
import { forbidden, notFound } from '../core/errors.js';
import { canReadSubmission, readerOf } from '../core/submission/access.js';
import { resolveParams } from '../core/submission/params.js';
import { initSubmission } from '../core/submission/init.js';
import { newSubmission } from '../core/submission/record.js';
import { randomId } from '../core/util/ids.js';
import { principalOf, submitterOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';
import { readSubmissionRequest } from './upload.js';
import { submitOptionsFor, visibilityOf } from './visibility.js';

export default async function submitRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  /** Record a submission, then analyse it in the background; the answer is the record as submitted. */
  const start = async (sub: ReturnType<typeof newSubmission>, log: { error(o: unknown, m?: string): void }) => {
    await ctx.submissions.put(sub.sid, sub);
    void ctx.dispatcher.run(sub).catch((err) => log.error({ err, sid: sub.sid }, 'submission failed'));
    return sub;
  };

  app.post(
    '/api/v4/submit/',
    {
      schema: {
        tags: ['submit'],
        summary: 'Submit a file (multipart `json` + `bin`, or JSON with sha256/url/plaintext/base64) and start its analysis',
        response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: ['submission_create'] } },
    },
    async (req, res) => {
      const p = principalOf(req);
      const parsed = await readSubmissionRequest(req, ctx.tmpDir, ctx.config);
      try {
        const init = await initSubmission(parsed, await submitterOf(ctx, p), submitOptionsFor(ctx, 'submit', p));
        const params = init.params;
        params.quota_item = true;
        params.max_extracted = ctx.config.submission.defaultMaxExtracted;
        params.max_supplementary = ctx.config.submission.defaultMaxSupplementary;
        return reply(res, await start(newSubmission({ sid: randomId(), files: [init.file], params, metadata: init.metadata }), req.log));
      } finally {
        await parsed.cleanup();
      }
    },
  );


  app.get(
    '/api/v4/submit/resubmit/:sid/',
    {
      schema: { tags: ['submit'], summary: 'Analyse the files of a submission again, with the same parameters', params: Type.Object({ sid: Type.String() }), response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: ['submission_create'] } },
    },
    async (req, res) => {
      const { sid } = req.params;
      const old = await ctx.submissions.get(sid);
      if (!old) throw notFound(`Submission ${sid} does not exists.`, {});
      if (!canReadSubmission(readerOf(principalOf(req)), old)) throw forbidden('You are not allowed to view the data of this submission', {});
      const params = { ...old.params, submitter: principalOf(req).user.uname, quota_item: true, description: `Resubmit ${old.files.map((f) => f.name).join(', ')} for analysis` };
      return reply(res, await start(newSubmission({ sid: randomId(), files: old.files, params, metadata: old.metadata }), req.log));
    },
  );

  app.get(
    '/api/v4/submit/dynamic/:sha256/',
    {
      schema: {
        tags: ['submit'],
        summary: 'Analyse a stored file again with Dynamic Analysis services added',
        params: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }),
        querystring: Type.Object({ copy_sid: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
        response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: ['submission_create'] } },
    },
    async (req, res) => {
      const sha256 = req.params.sha256.toLowerCase();
      const q = req.query;
      const p = principalOf(req);
      const info = await ctx.intake.files.get(sha256);
      const reader = readerOf(p);
      // A file the caller may not see is answered as a missing one: its existence is not theirs to learn.
      if (!info || !(await ctx.intake.hasContent(sha256)) || !(await visibilityOf(ctx).canSee(reader, 'file', sha256))) {
        throw notFound(`File ${sha256} cannot be found on the server therefore it cannot be resubmitted.`, {});
      }
      const copied = q.copy_sid ? await ctx.submissions.get(q.copy_sid) : null;
      if (copied && !canReadSubmission(reader, copied)) throw forbidden('You are not allowed to view the data of this submission', {});
      const params = copied ? structuredClone(copied.params) : resolveParams({ submission_profile: p.roles.has('submission_customize') ? undefined : 'static' }, { ...p.user, roles: p.roles }, { ttl: ctx.config.submission.dtl, maxDtl: ctx.config.submission.maxDtl });
      const name = q.name || sha256;
      if (!params.services.selected.includes('Dynamic Analysis')) params.services.selected.push('Dynamic Analysis');
      params.services.excluded = params.services.excluded.filter((x) => x !== 'Dynamic Analysis');
      params.priority = Math.max(Math.min(copied ? params.priority : 500, 1500), 401);
      params.description = `Resubmit ${name} for Dynamic Analysis`;
      params.submitter = p.user.uname;
      params.quota_item = true;
      if (copied) params.psid = copied.sid;
      const files = [{ name, sha256, size: info.size }];
      return reply(res, await start(newSubmission({ sid: randomId(), files, params, metadata: copied?.metadata ?? {} }), req.log));
    },
  );

}
