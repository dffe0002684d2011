// /api/v4/search/: Lucene search over every index, deep paging for streams, and the facet, histogram, stats,
// grouped and fields aggregations. Each index needs its own role, checked per request.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readerOf } from '../core/submission/access.js';
import { facet, fieldsOf, grouped, histogram, stats } from '../core/search/aggregations.js';
import { indexOrThrow } from '../core/search/engine.js';
import { allIndices, type SearchIndex } from '../core/search/indices.js';
import { badRequest } from '../core/errors.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';
import { AccessDenied } from './errors.js';
import { intArg, pageArgs, trackTotalHits } from './paging.js';

/** The index named in the path, if the caller holds the role it needs. */
export function indexFor(req: FastifyRequest, name: string): SearchIndex {
  const index = indexOrThrow(name);
  if (!principalOf(req).roles.has(index.role)) {
    throw new AccessDenied(`API ${req.url.split('?')[0]} requires the role '${index.role}' for request on index '${name}'`);
  }
  return index;
}

const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
/** A text argument; a repeated query argument (or a JSON list) is joined with commas, as `fl` and `sort` take it. */
const str = (v: unknown, name: string): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (scalar(v)) return String(v);
  if (Array.isArray(v) && v.every(scalar)) return v.map(String).join(',');
  throw badRequest(`${name} must be a string`);
};
const list = (v: unknown, name: string): string[] => {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  if (!items.every((i) => typeof i === 'string')) throw badRequest(`${name} must be a list of query strings`);
  return items as string[];
};
const count = (v: unknown, name: string, min: number) => intArg(v, name, { min, max: Number.MAX_SAFE_INTEGER });

const IndexParam = Type.Object({ index: Type.String() });
const FieldParams = Type.Object({ index: Type.String(), field: Type.String() });
const loose = Type.Object({}, { additionalProperties: true });
const any = { auth: { roles: [] } };

export default async function searchRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const engine = ctx.search;
  const page = (args: Record<string, unknown>, rows: number) => pageArgs(args, ctx.config.search, rows);

  const run = async (req: FastifyRequest, args: Record<string, unknown>) => {
    const index = indexFor(req, (req.params as { index: string }).index);
    const query = str(args.query ?? args.q, 'query');
    if (!query) throw badRequest('There was no search query.');
    return engine.search(index, readerOf(principalOf(req)), {
      query,
      filters: [...list(args.filters, 'filters'), ...list(args.fq, 'fq')],
      ...page(args, 25),
      sort: str(args.sort, 'sort'),
      fl: str(args.fl, 'fl'),
      deepPagingId: str(args.deep_paging_id, 'deep_paging_id'),
      trackTotalHits: trackTotalHits(args.track_total_hits),
    });
  };

  const searchDoc = {
    tags: ['search'],
    summary: 'Search an index with a Lucene query',
    description:
      'Arguments: query (required), filters (repeated), offset, rows, sort ("field asc|desc, ..."), fl (comma list, * for ' +
      'everything), track_total_hits, timeout, use_archive, deep_paging_id ("*" to start a stream; each full page carries ' +
      'next_deep_paging_id).',
    params: IndexParam,
    response: { 200: Enveloped(AnyJson) },
  };
  app.get('/api/v4/search/:index/', { schema: { ...searchDoc, querystring: loose }, config: any }, async (req, res) =>
    reply(res, await run(req, req.query as Record<string, unknown>)),
  );
  app.post('/api/v4/search/:index/', { schema: { ...searchDoc, body: Type.Optional(loose) }, config: any }, async (req, res) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    return reply(res, await run(req, { ...(req.query as Record<string, unknown>), ...body }));
  });

  const agg = (path: string, summary: string, handler: (req: FastifyRequest, index: SearchIndex, field: string, q: Record<string, unknown>) => Promise<unknown>) =>
    app.get(`/api/v4/search/${path}/:index/:field/`, { schema: { tags: ['search'], summary, params: FieldParams, querystring: loose, response: { 200: Enveloped(AnyJson) } }, config: any }, async (req, res) => {
      const { index, field } = req.params as { index: string; field: string };
      return reply(res, await handler(req, indexFor(req, index), field, req.query as Record<string, unknown>));
    });

  const common = (q: Record<string, unknown>) => ({ query: str(q.query, 'query'), filters: [...list(q.filters, 'filters'), ...list(q.fq, 'fq')] });

  agg('facet', 'Counts of the most frequent values of a field: {value: count}', (req, index, field, q) =>
    facet(engine, index, readerOf(principalOf(req)), field, {
      ...common(q),
      mincount: count(q.mincount, 'mincount', 0),
      // Facets list at most 100 values (Assemblyline's limit); a larger size is taken as 100.
      size: count(q.size, 'size', 1),
    }),
  );
  agg('histogram', 'Counts per step of a date or integer field: {step: count}', (req, index, field, q) =>
    histogram(engine, index, readerOf(principalOf(req)), field, {
      ...common(q), mincount: count(q.mincount, 'mincount', 0), start: str(q.start, 'start'), end: str(q.end, 'end'), gap: str(q.gap, 'gap'),
    }),
  );
  agg('stats', 'count, min, max, avg and sum of a numeric field', (req, index, field, q) => stats(engine, index, readerOf(principalOf(req)), field, common(q)));
  agg('grouped', 'Hits collapsed on the values of a field', (req, index, field, q) =>
    grouped(engine, index, readerOf(principalOf(req)), field, {
      ...common(q),
      groupSort: str(q.group_sort, 'group_sort'),
      // The grouping walk's own bounds (see aggregations.ts): hits per group and groups per page.
      limit: intArg(q.limit, 'limit', { min: 1, max: 100 }),
      offset: page(q, 25).offset,
      rows: intArg(q.rows, 'rows', { min: 0, max: Math.min(1000, ctx.config.search.maxRows) }),
      sort: str(q.sort, 'sort'),
      fl: str(q.fl, 'fl'),
    }),
  );

  app.get('/api/v4/search/fields/:index/', { schema: { tags: ['search'], summary: 'The fields of an index (or of every index: ALL) and how they are indexed', params: IndexParam, response: { 200: Enveloped(AnyJson) } }, config: any }, async (req, res) => {
    const { index } = req.params as { index: string };
    if (index === 'ALL') {
      const roles = principalOf(req).roles;
      return reply(res, Object.fromEntries(allIndices().filter((i) => roles.has(i.role)).map((i) => [i.name, fieldsOf(i)])));
    }
    return reply(res, fieldsOf(indexFor(req, index)));
  });
}
