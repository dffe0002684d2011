// /api/v4/file/result/, /file/score/ and /file/children/: what analysis said about a file across submissions.
import { Type } from '@sinclair/typebox';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { Children, FileResults, FileScore, ServiceResults } from './schemas/result.js';

const Sha = Type.String({ pattern: '^[0-9a-fA-F]{64}$' });
const view = { auth: { roles: ['submission_view' as const] } };

export default async function fileResultRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const results = ctx.results;
  /** The caller, and the file if they may see it. */
  const fileOf = async (req: { params: { sha256: string } } & Parameters<typeof principalOf>[0]) => {
    const reader = readerOf(principalOf(req));
    return { info: await ctx.files.readable(req.params.sha256, reader, 'info'), reader };
  };

  app.get(
    '/api/v4/file/result/:sha256/',
    {
      schema: {
        tags: ['file'],
        summary: "A file's latest result from each service, with its errors, children and aggregates",
        params: Type.Object({ sha256: Sha }),
        response: { 200: Enveloped(FileResults) },
      },
      config: view,
    },
    async (req, res) => {
      const { info, reader } = await fileOf(req);
      return reply(res, await results.fileResults(info, reader));
    },
  );

  app.get(
    '/api/v4/file/result/:sha256/:service/',
    {
      schema: {
        tags: ['file'],
        summary: "A file's results from one service (latest, or all with ?all)",
        params: Type.Object({ sha256: Sha, service: Type.String() }),
        querystring: Type.Object({ all: Type.Optional(Type.String({ description: 'present: every result, not only the latest' })) }),
        response: { 200: Enveloped(ServiceResults) },
      },
      config: view,
    },
    async (req, res) => {
      const { info, reader } = await fileOf(req);
      return reply(res, { file_info: info, results: await results.serviceResults(info.sha256, req.params.service, reader, req.query.all !== undefined) });
    },
  );

  app.get(
    '/api/v4/file/score/:sha256/',
    {
      schema: { tags: ['file'], summary: "A file's score: the sum of the latest result of each service", params: Type.Object({ sha256: Sha }), response: { 200: Enveloped(FileScore) } },
      config: view,
    },
    async (req, res) => {
      const { info, reader } = await fileOf(req);
      return reply(res, { file_info: info, ...(await results.score(info.sha256, reader)) });
    },
  );

  app.get(
    '/api/v4/file/children/:sha256/',
    {
      schema: { tags: ['file'], summary: 'Files extracted from this one, by any service', params: Type.Object({ sha256: Sha }), response: { 200: Enveloped(Children) } },
      config: view,
    },
    async (req, res) => {
      const { info, reader } = await fileOf(req);
      return reply(res, await results.children(info.sha256, reader));
    },
  );
}
