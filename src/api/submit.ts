// /api/v4/submit/: synchronous-style submission. The submission is recorded and dispatched at once, and the
// answer is its record (state "submitted"); clients poll /submission/is_completed/ or read it later.
import { Type } from '@sinclair/typebox';
import { readerOf } from '../core/submission/access.js';
import { principalOf, submitterOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { Submission } from './schemas/submission.js';
import { readSubmissionRequest } from './upload.js';

const create = { auth: { roles: ['submission_create' as const] } };

export default async function submitRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const submissions = ctx.submissions;

  app.post(
    '/api/v4/submit/',
    {
      schema: {
        tags: ['submit'],
        summary: 'Submit a file (multipart `json` + `bin`, or JSON with sha256/url/plaintext/base64) and start its analysis',
        response: { 200: Enveloped(Submission) },
      },
      config: create,
    },
    async (req, res) => {
      const p = principalOf(req);
      // No body schema: the body is a multipart upload or a JSON object (a route with a body schema takes JSON
      // only), and readSubmissionRequest narrows it; its fields are checked one by one, with messages naming them.
      const parsed = await readSubmissionRequest(req, ctx.tmpDir, ctx.config);
      try {
        return reply(res, await submissions.submit(parsed, await submitterOf(ctx, p), readerOf(p), req.log));
      } finally {
        await parsed.cleanup();
      }
    },
  );

  app.get(
    '/api/v4/submit/resubmit/:sid/',
    {
      schema: {
        tags: ['submit'],
        summary: 'Analyse the files of a submission again, with the same parameters',
        params: Type.Object({ sid: Type.String() }),
        response: { 200: Enveloped(Submission) },
      },
      config: create,
    },
    async (req, res) => reply(res, await submissions.resubmit(req.params.sid, readerOf(principalOf(req)), req.log)),
  );

  app.get(
    '/api/v4/submit/dynamic/:sha256/',
    {
      schema: {
        tags: ['submit'],
        summary: 'Analyse a stored file again with Dynamic Analysis services added',
        params: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }),
        querystring: Type.Object({
          copy_sid: Type.Optional(Type.String({ description: 'submission whose parameters and metadata to reuse' })),
          name: Type.Optional(Type.String({ description: 'file name (default: the sha256)' })),
        }),
        response: { 200: Enveloped(Submission) },
      },
      config: create,
    },
    async (req, res) => {
      const p = principalOf(req);
      const { copy_sid: copySid, name } = req.query;
      const caller = { ...p.user, roles: p.roles };
      return reply(res, await submissions.resubmitDynamic(req.params.sha256.toLowerCase(), { copySid, name }, caller, readerOf(p), req.log));
    },
  );
}
