// Request arguments and answers of the search routes. Arguments are typed loosely on purpose: the same names come
// as query-string text or as JSON values of any type, and the routes check each by hand so a wrong one is refused
// with a message naming it.
import { Type } from '@sinclair/typebox';
import { AnyJson } from '../envelope.js';
import { Counts, Nullable, QueryArg, queryText } from './common.js';

const arg = (description: string) => Type.Optional(Type.Unknown({ description }));

/** Arguments of a search, in the query string (GET) or a JSON body (POST). */
export const SearchArgs = Type.Object({
  query: arg('Lucene query (required)'),
  q: arg('same as query'),
  filters: arg('filter queries: a list, or repeated in the query string'),
  fq: arg('more filter queries'),
  offset: arg('first hit (default 0)'),
  rows: arg('hits per page (default 25)'),
  sort: arg('"field asc|desc, ..."'),
  fl: arg('fields of each hit, comma separated; * for everything'),
  track_total_hits: arg('true, false or a count up to which the total is exact'),
  deep_paging_id: arg('"*" to start a stream; then each full page\'s next_deep_paging_id'),
  timeout: arg('accepted and ignored'),
  use_archive: arg('accepted and ignored'),
});

const selection = {
  query: queryText('Lucene query (default: everything)'),
  filters: queryText('filter query; repeat for more'),
  fq: queryText('more filter queries'),
};
export const FacetArgs = Type.Object({ ...selection, mincount: queryText('least count of a value (default 1)'), size: queryText('most values (default 10, at most 100)') });
export const HistogramArgs = Type.Object({
  ...selection,
  mincount: queryText('least count of a step (default 1)'),
  start: queryText('first step (date math or number)'),
  end: queryText('last step'),
  gap: queryText('step size, e.g. +1h or 100'),
});
export const StatsArgs = Type.Object(selection);
export const GroupedArgs = Type.Object({
  ...selection,
  group_sort: queryText('order of the hits within a group'),
  limit: queryText('hits per group (default 1, at most 100)'),
  offset: Type.Optional(QueryArg),
  rows: Type.Optional(QueryArg),
  sort: queryText('order of the groups, by their best hit'),
  fl: queryText('fields of each hit'),
});

export const IndexParam = Type.Object({ index: Type.String() });
export const FieldParams = Type.Object({ index: Type.String(), field: Type.String() });

// Free-form: hits are the stored records of whichever index was searched, cut down to the fields `fl` names.
const Hit = Type.Record(Type.String(), AnyJson);

export const SearchResult = Type.Object({
  offset: Type.Integer(),
  rows: Type.Integer(),
  /** Null while deep paging, which does not count. */
  total: Nullable(Type.Integer()),
  items: Type.Array(Hit),
  next_deep_paging_id: Type.Optional(Type.String()),
});

export const FacetResult = Counts;
export const HistogramResult = Counts;

export const StatsResult = Type.Object({
  count: Type.Integer(),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  avg: Nullable(Type.Number()),
  sum: Type.Number(),
});

export const GroupedResult = Type.Object({
  offset: Type.Integer(),
  rows: Type.Integer(),
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      value: Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], { description: 'the value the hits share' }),
      total: Type.Integer(),
      items: Type.Array(Hit),
    }),
  ),
});

const FieldInfo = Type.Object({ default: Type.Boolean(), indexed: Type.Boolean(), list: Type.Boolean(), stored: Type.Boolean(), type: Type.String() });
const IndexFields = Type.Record(Type.String(), FieldInfo);
/** The fields of one index, or (for ALL) of every index the caller may search, by index. */
export const FieldsResult = Type.Union([IndexFields, Type.Record(Type.String(), IndexFields)]);
