// Small pieces the response schemas of several areas share.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * A value or null (Assemblyline stores optional fields as null rather than leaving them out), in the OpenAPI 3.0
 * spelling (`nullable`) that both the API document and the response serialiser understand; a union with null
 * would make the serialiser test every value against each branch.
 */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });
}

export const Strings = Type.Array(Type.String());

/** `{value: count}`, as facets answer. */
export const Counts = Type.Record(Type.String(), Type.Integer());

/** A query-string argument, given once or repeated (AL clients repeat some). */
export const QueryArg = Type.Union([Type.String(), Type.Array(Type.String())]);

/** An optional query-string argument, once or repeated, with what it means. */
export const queryText = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }));
