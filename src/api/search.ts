// /api/v4/search/: Lucene search over every index, deep paging for streams, and the facet, histogram, stats,
// grouped and fields aggregations. Each index needs its own role, checked per request.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readerOf } from '../core/submission/access.js';
import { facet, fieldsOf, grouped, histogram, stats } from '../core/search/aggregations.js';
import { SearchEngine, indexOrThrow } from '../core/search/engine.js';
import { allIndices, type SearchIndex } from '../core/search/indices.js';
import { badRequest } from '../core/errors.js';
import { principalOf, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';
import { AccessDenied } from './errors.js';

/** The index named in the path, if the caller holds the role it needs. */
export function indexFor(req: FastifyRequest, name: string): SearchIndex {
  const index = indexOrThrow(name);
  if (!principalOf(req).roles.has(index.role)) {
    throw new AccessDenied(`API ${req.url.split('?')[0]} requires the role '${index.role}' for request on index '${name}'`);
  }
  return index;
}

const int = (v: unknown, name: string): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw badRequest(`Invalid value for ${name}: ${String(v)}`);
  return Math.trunc(n);
};
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : Array.isArray(v) ? v.map(String).join(',') : String(v));
const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

const IndexParam = Type.Object({ index: Type.String() });
const FieldParams = Type.Object({ index: Type.String(), field: Type.String() });
const loose = Type.Object({}, { additionalProperties: true });
const any = { auth: { roles: [] } };

export default async function searchRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const engine = new SearchEngine(ctx.storage.datastore);

  const run = async (req: FastifyRequest, args: Record<string, unknown>) => {
    const index = indexFor(req, (req.params as { index: string }).index);
    const query = str(args.query ?? args.q);
    if (!query) throw badRequest('There was no search query.');
    const track = args.track_total_hits;
    return engine.search(index, readerOf(principalOf(req)), {
      query,
      filters: [...list(args.filters), ...list(args.fq)],
      offset: int(args.offset, 'offset'),
      rows: int(args.rows, 'rows'),
      sort: str(args.sort),
      fl: str(args.fl),
      deepPagingId: str(args.deep_paging_id),
      trackTotalHits: track === true || track === 'true' ? Number.MAX_SAFE_INTEGER : int(track, 'track_total_hits'),
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

  const common = (q: Record<string, unknown>) => ({ query: str(q.query), filters: [...list(q.filters), ...list(q.fq)] });

  agg('facet', 'Counts of the most frequent values of a field: {value: count}', (req, index, field, q) =>
    facet(engine, index, readerOf(principalOf(req)), field, { ...common(q), mincount: int(q.mincount, 'mincount'), size: int(q.size, 'size') }),
  );
  agg('histogram', 'Counts per step of a date or integer field: {step: count}', (req, index, field, q) =>
    histogram(engine, index, readerOf(principalOf(req)), field, { ...common(q), mincount: int(q.mincount, 'mincount'), start: str(q.start), end: str(q.end), gap: str(q.gap) }),
  );
  agg('stats', 'count, min, max, avg and sum of a numeric field', (req, index, field, q) => stats(engine, index, readerOf(principalOf(req)), field, common(q)));
  agg('grouped', 'Hits collapsed on the values of a field', (req, index, field, q) =>
    grouped(engine, index, readerOf(principalOf(req)), field, {
      ...common(q),
      groupSort: str(q.group_sort),
      limit: int(q.limit, 'limit'),
      offset: int(q.offset, 'offset'),
      rows: int(q.rows, 'rows'),
      sort: str(q.sort),
      fl: str(q.fl),
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
