// Small pieces the response schemas of several areas share.
import { Type, type TSchema } from '@sinclair/typebox';

/** A value that may also be null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Strings = Type.Array(Type.String());

/** `{value: count}`, as facets answer. */
export const Counts = Type.Record(Type.String(), Type.Integer());

/** A query-string argument, given once or repeated (AL clients repeat some). */
export const QueryArg = Type.Union([Type.String(), Type.Array(Type.String())]);

/** The first value of a query-string argument that may be repeated. */
export function firstArg(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
