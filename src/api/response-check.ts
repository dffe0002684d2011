// Strict responses: every answer is serialised through its route's response schema, as always, and then compared
// with what the handler returned. A schema that leaves out a field drops it silently and one with the wrong type
// coerces it (null to "", a fraction to an integer); with this check on, either is a 500 naming the route and the
// first difference instead. It costs a second serialisation, so it is meant for development and test servers
// (`server.checkResponses`).
import { isDeepStrictEqual } from 'node:util';
import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import type { FastifyInstance } from 'fastify';

/** The first path at which two JSON values differ, for the error message. */
function firstDifference(expected: unknown, actual: unknown, path = '$'): string {
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return `${path}: returned ${JSON.stringify(expected)}, serialised ${JSON.stringify(actual)}`;
  }
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const k of keys) {
    const e = (expected as Record<string, unknown>)[k];
    const a = (actual as Record<string, unknown>)[k];
    if (!isDeepStrictEqual(e, a)) return firstDifference(e, a, `${path}.${k}`);
  }
  return path;
}

export function installResponseCheck(app: FastifyInstance): void {
  app.setSerializerCompiler(({ schema, method, url, httpStatus }) => {
    const serialise = fastJsonStringify(schema as Schema);
    return (data: unknown) => {
      const out = serialise(data);
      const expected = JSON.parse(JSON.stringify(data) ?? 'null') as unknown;
      const actual = JSON.parse(out) as unknown;
      if (!isDeepStrictEqual(expected, actual)) {
        throw new Error(`response schema of ${method} ${url} (${httpStatus}) does not fit the answer: ${firstDifference(expected, actual)}`);
      }
      return out;
    };
  });
}
