// /api/v4/search/: Lucene search over every index, deep paging for streams, and the facet, histogram, stats,
// grouped and fields aggregations. Each index needs its own role, checked per request.
import type { Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { AccessDenied, badRequest } from '../core/errors.js';
import { facet, fieldsOf, grouped, histogram, MAX_GROUP_LIMIT, MAX_GROUP_ROWS, stats } from '../core/search/aggregations.js';
import { indexOrThrow } from '../core/search/engine.js';
import { allIndices, type SearchIndex } from '../core/search/indices.js';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { intArg, pageArgs, trackTotalHits } from './paging.js';
import {
  FacetArgs, FacetResult, FieldParams, FieldsResult, GroupedArgs, GroupedResult, HistogramArgs, HistogramResult, IndexParam, SearchArgs, SearchResult,
  StatsArgs, StatsResult,
} from './schemas/search.js';

/** The index named in the path, if the caller holds the role it needs. */
export function indexFor(req: FastifyRequest, name: string): SearchIndex {
  const index = indexOrThrow(name);
  if (!principalOf(req).roles.has(index.role)) {
    throw new AccessDenied(`API ${req.url.split('?')[0]} requires the role '${index.role}' for request on index '${name}'`);
  }
  return index;
}

const scalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
/** A text argument; a repeated query argument (or a JSON list) is joined with commas, as `fl` and `sort` take it. */
const str = (v: unknown, name: string): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (scalar(v)) return String(v);
  if (Array.isArray(v) && v.every(scalar)) return v.map(String).join(',');
  throw badRequest(`${name} must be a string`);
};
/** Filter queries: one text, or a list of them. */
const list = (v: unknown, name: string): string[] => {
  if (v === undefined || v === null) return [];
  const items: unknown[] = Array.isArray(v) ? v : [v];
  const queries = items.filter((i): i is string => typeof i === 'string');
  if (queries.length !== items.length) throw badRequest(`${name} must be a list of query strings`);
  return queries;
};
const count = (v: unknown, name: string, min: number) => intArg(v, name, { min, max: Number.MAX_SAFE_INTEGER });

const any = { auth: { roles: [] } };
const tags = ['search'];

export default async function searchRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const engine = ctx.search;
  const page = (args: { offset?: unknown; rows?: unknown }, rows: number) => pageArgs(args, ctx.config.search, rows);
  const viewer = (req: FastifyRequest) => readerOf(principalOf(req));

  const run = async (req: FastifyRequest, index: string, args: Static<typeof SearchArgs>) => {
    const idx = indexFor(req, index);
    const query = str(args.query ?? args.q, 'query');
    if (!query) throw badRequest('There was no search query.');
    return engine.search(idx, viewer(req), {
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
    tags,
    summary: 'Search an index with a Lucene query',
    description:
      'Arguments: query (required), filters (repeated), offset, rows, sort ("field asc|desc, ..."), fl (comma list, * for ' +
      'everything), track_total_hits, timeout, use_archive, deep_paging_id ("*" to start a stream; each full page carries ' +
      'next_deep_paging_id).',
    params: IndexParam,
    response: { 200: Enveloped(SearchResult) },
  };
  app.get('/api/v4/search/:index/', { schema: { ...searchDoc, querystring: SearchArgs }, config: any }, async (req, res) =>
    reply(res, await run(req, req.params.index, req.query)),
  );
  app.post('/api/v4/search/:index/', { schema: { ...searchDoc, querystring: SearchArgs, body: SearchArgs }, config: any }, async (req, res) =>
    reply(res, await run(req, req.params.index, { ...req.query, ...req.body })),
  );

  /** The query and filter queries every aggregation takes. */
  const common = (q: Static<typeof StatsArgs>) => ({ query: str(q.query, 'query'), filters: [...list(q.filters, 'filters'), ...list(q.fq, 'fq')] });
  const aggDoc = (summary: string) => ({ tags, summary, params: FieldParams });

  app.get(
    '/api/v4/search/facet/:index/:field/',
    { schema: { ...aggDoc('Counts of the most frequent values of a field: {value: count}'), querystring: FacetArgs, response: { 200: Enveloped(FacetResult) } }, config: any },
    async (req, res) => {
      const q = req.query;
      return reply(res, await facet(engine, indexFor(req, req.params.index), viewer(req), req.params.field, {
        ...common(q),
        mincount: count(q.mincount, 'mincount', 0),
        // Facets list at most 100 values (Assemblyline's limit); a larger size is taken as 100.
        size: count(q.size, 'size', 1),
      }));
    },
  );
  app.get(
    '/api/v4/search/histogram/:index/:field/',
    { schema: { ...aggDoc('Counts per step of a date or integer field: {step: count}'), querystring: HistogramArgs, response: { 200: Enveloped(HistogramResult) } }, config: any },
    async (req, res) => {
      const q = req.query;
      return reply(res, await histogram(engine, indexFor(req, req.params.index), viewer(req), req.params.field, {
        ...common(q), mincount: count(q.mincount, 'mincount', 0), start: str(q.start, 'start'), end: str(q.end, 'end'), gap: str(q.gap, 'gap'),
      }));
    },
  );
  app.get(
    '/api/v4/search/stats/:index/:field/',
    { schema: { ...aggDoc('count, min, max, avg and sum of a numeric field'), querystring: StatsArgs, response: { 200: Enveloped(StatsResult) } }, config: any },
    async (req, res) => reply(res, await stats(engine, indexFor(req, req.params.index), viewer(req), req.params.field, common(req.query))),
  );
  app.get(
    '/api/v4/search/grouped/:index/:field/',
    { schema: { ...aggDoc('Hits collapsed on the values of a field'), querystring: GroupedArgs, response: { 200: Enveloped(GroupedResult) } }, config: any },
    async (req, res) => {
      const q = req.query;
      return reply(res, await grouped(engine, indexFor(req, req.params.index), viewer(req), req.params.field, {
        ...common(q),
        groupSort: str(q.group_sort, 'group_sort'),
        // The grouping walk's own bounds (see aggregations.ts): hits per group and groups per page.
        limit: intArg(q.limit, 'limit', { min: 1, max: MAX_GROUP_LIMIT }),
        offset: page(q, 25).offset,
        rows: intArg(q.rows, 'rows', { min: 0, max: Math.min(MAX_GROUP_ROWS, ctx.config.search.maxRows) }),
        sort: str(q.sort, 'sort'),
        fl: str(q.fl, 'fl'),
      }));
    },
  );

  app.get(
    '/api/v4/search/fields/:index/',
    { schema: { tags, summary: 'The fields of an index (or of every index: ALL) and how they are indexed', params: IndexParam, response: { 200: Enveloped(FieldsResult) } }, config: any },
    async (req, res) => {
      const { index } = req.params;
      if (index === 'ALL') {
        const roles = principalOf(req).roles;
        return reply(res, Object.fromEntries(allIndices().filter((i) => roles.has(i.role)).map((i) => [i.name, fieldsOf(i)])));
      }
      return reply(res, fieldsOf(indexFor(req, index)));
    },
  );
}
