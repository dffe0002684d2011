// /api/v4/result/ and /api/v4/error/: single results and errors by key (keys may contain '/', so they are
// matched as the rest of the path).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, notFound } from '../core/errors.js';
import { emptyResultFromKey, formatResult } from '../core/results/format.js';
import { isEmptyResultKey } from '../core/results/keys.js';
import type { ErrorRecord, ResultRecord } from '../core/results/model.js';
import { searchIndex } from '../core/search/indices.js';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';
import { pageArgs, trackTotalHits } from './paging.js';
import { visibilityOf } from './visibility.js';

const view = { auth: { roles: ['submission_view' as const] } };
const keyOf = (req: { params: unknown }) => ((req.params as Record<string, string>)['*'] ?? '').replace(/\/+$/, '');

export default async function resultRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const results = ctx.storage.datastore.collection<ResultRecord>('result');
  const errors = ctx.storage.datastore.collection<ErrorRecord>('error');
  const errorSearch = ctx.search;
  const visibility = visibilityOf(ctx);
  const result = async (key: string, req: FastifyRequest) => {
    // Assemblyline's answer to a result the caller may not see; missing ones are 404 as before.
    const denied = () => forbidden('You are not allowed to view the results for this key', {});
    if (isEmptyResultKey(key)) {
      if (!(await visibility.canSee(readerOf(principalOf(req)), 'result', key))) throw denied();
      const e = emptyResultFromKey(key);
      if (e) return e;
    }
    const rec = await results.get(key);
    const f = rec && formatResult(rec, { buildHierarchy: true });
    if (!f) throw notFound(`Cannot find result for key ${key}`, {});
    if (!(await visibility.canSee(readerOf(principalOf(req)), 'result', key))) throw denied();
    return f;
  };
  /** An error the caller may not see is answered as a missing one, as Assemblyline does. */
  const error = async (key: string, req: FastifyRequest) => {
    const rec = await errors.get(key);
    if (!rec || !(await visibility.canSee(readerOf(principalOf(req)), 'error', key))) throw notFound(`Cannot find error with key: ${key}`, {});
    return rec;
  };

  app.post(
    '/api/v4/result/multiple_keys/',
    {
      schema: {
        tags: ['result'],
        summary: 'Several results and errors at once',
        body: Type.Object({ error: Type.Optional(Type.Array(Type.String())), result: Type.Optional(Type.Array(Type.String())) }),
        response: { 200: Enveloped(AnyJson) },
      },
      config: view,
    },
    async (req, res) => {
      const b = req.body as { error?: string[]; result?: string[] };
      const reader = readerOf(principalOf(req));
      const out: { error: Record<string, unknown>; result: Record<string, unknown> } = { error: {}, result: {} };
      // Keys the caller may not see are left out, as missing ones are.
      const errs = await errors.getMany(await visibility.visibleKeys(reader, 'error', b.error ?? []));
      for (const [k, v] of errs) out.error[k] = v;
      const loaded = await ctx.views.loadResults(await visibility.visibleKeys(reader, 'result', b.result ?? []));
      for (const [k, v] of loaded.results) out.result[k] = formatResult(v, { buildHierarchy: true });
      for (const [k, v] of loaded.empty) out.result[k] = v;
      return reply(res, out);
    },
  );

  app.get('/api/v4/result/error/*', { schema: { tags: ['result'], summary: 'An error record by key', response: { 200: Enveloped(AnyJson) } }, config: view }, async (req, res) =>
    reply(res, await error(keyOf(req), req)),
  );
  app.get(
    '/api/v4/error/list/',
    {
      schema: {
        tags: ['result'], summary: 'Search the error records (newest first by default)',
        querystring: Type.Object({
          query: Type.Optional(Type.String()), offset: Type.Optional(Type.Integer()), rows: Type.Optional(Type.Integer()),
          sort: Type.Optional(Type.String()), use_archive: Type.Optional(Type.String()), track_total_hits: Type.Optional(Type.String()),
        }),
        response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => {
      const q = req.query as { query?: string; offset?: number; rows?: number; sort?: string; track_total_hits?: string };
      return reply(res, await errorSearch.search(searchIndex('error')!, readerOf(principalOf(req)), {
        query: q.query || '*:*', ...pageArgs(q, ctx.config.search, 25), sort: q.sort, trackTotalHits: trackTotalHits(q.track_total_hits),
      }));
    },
  );
  app.get('/api/v4/error/*', { schema: { tags: ['result'], summary: 'An error record by key', response: { 200: Enveloped(AnyJson) } }, config: view }, async (req, res) =>
    reply(res, await error(keyOf(req), req)),
  );
  app.get('/api/v4/result/*', { schema: { tags: ['result'], summary: 'A result by key (`.e` keys are empty results)', response: { 200: Enveloped(AnyJson) } }, config: view }, async (req, res) =>
    reply(res, await result(keyOf(req), req)),
  );
}
