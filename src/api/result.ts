// /api/v4/result/ and /api/v4/error/: single results and errors by key (keys may contain '/', so they are
// matched as the rest of the path).
import { Type } from '@sinclair/typebox';
import { searchIndex } from '../core/search/indices.js';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { pageArgs, trackTotalHits } from './paging.js';
import { ErrorList, ErrorRecord, MultipleKeys, Result } from './schemas/result.js';

const view = { auth: { roles: ['submission_view' as const] } };
/** The key: the rest of the path. */
const KeyPath = Type.Object({ '*': Type.String() });
const keyOf = (params: { '*': string }) => params['*'].replace(/\/+$/, '');

export default async function resultRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const results = ctx.results;
  const readerIn = (req: Parameters<typeof principalOf>[0]) => readerOf(principalOf(req));

  app.post(
    '/api/v4/result/multiple_keys/',
    {
      schema: {
        tags: ['result'],
        summary: 'Several results and errors at once',
        body: Type.Object({ error: Type.Optional(Type.Array(Type.String())), result: Type.Optional(Type.Array(Type.String())) }),
        response: { 200: Enveloped(MultipleKeys) },
      },
      config: view,
    },
    async (req, res) => reply(res, await results.many({ error: req.body.error ?? [], result: req.body.result ?? [] }, readerIn(req))),
  );

  const errorByKey = { schema: { tags: ['result'], summary: 'An error record by key', params: KeyPath, response: { 200: Enveloped(ErrorRecord) } }, config: view };
  app.get('/api/v4/result/error/*', errorByKey, async (req, res) => reply(res, await results.error(keyOf(req.params), readerIn(req))));
  app.get(
    '/api/v4/error/list/',
    {
      schema: {
        tags: ['result'],
        summary: 'Search the error records (newest first by default)',
        querystring: Type.Object({
          query: Type.Optional(Type.String()),
          offset: Type.Optional(Type.Integer()),
          rows: Type.Optional(Type.Integer()),
          sort: Type.Optional(Type.String()),
          use_archive: Type.Optional(Type.String()),
          track_total_hits: Type.Optional(Type.String()),
        }),
        response: { 200: Enveloped(ErrorList) },
      },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      const q = req.query;
      return reply(
        res,
        await ctx.search.search(searchIndex('error')!, readerIn(req), {
          query: q.query || '*:*',
          ...pageArgs(q, ctx.config.search, 25),
          sort: q.sort,
          trackTotalHits: trackTotalHits(q.track_total_hits),
        }),
      );
    },
  );
  app.get('/api/v4/error/*', errorByKey, async (req, res) => reply(res, await results.error(keyOf(req.params), readerIn(req))));
  app.get(
    '/api/v4/result/*',
    { schema: { tags: ['result'], summary: 'A result by key (`.e` keys are empty results)', params: KeyPath, response: { 200: Enveloped(Result) } }, config: view },
    async (req, res) => reply(res, await results.result(keyOf(req.params), readerIn(req))),
  );
}
