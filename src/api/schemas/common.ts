// Small pieces the response schemas of several areas share.
import { Type, type TSchema } from '@sinclair/typebox';

/** A value that may also be null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Strings = Type.Array(Type.String());

/** `{value: count}`, as facets answer. */
export const Counts = Type.Record(Type.String(), Type.Integer());

/** A query-string argument, given once or repeated (AL clients repeat some). */
export const QueryArg = Type.Union([Type.String(), Type.Array(Type.String())]);

/** An optional query-string argument, once or repeated, with what it means. */
export const queryText = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }));
