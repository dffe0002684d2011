// Submission metadata, as Assemblyline keeps it: a flat map of string values. A request's metadata must be an
// object whose values are strings, numbers or booleans; nested objects are flattened to dotted keys. The
// checks name the limit a request breaks instead of dropping what does not fit. Metadata read from a CaRT
// header is the file's, not the caller's, so there what does not fit is kept as text or left out.
import { badRequest } from '../errors.js';
import { tooDeep, tooDeepMessage } from '../util/json-depth.js';
import { isPlainObject } from '../util/plain.js';

export interface MetadataLimits {
  /** Deepest nesting of objects (server.maxJsonDepth). */
  maxDepth: number;
  /** Size of the flattened metadata as JSON, bytes (submission.maxMetadataBytes). */
  maxBytes: number;
  /** Longest value, characters (submission.maxMetadataLength). */
  maxValueLength: number;
}

type Plain = Record<string, unknown>;
const kindOf = (v: unknown) => (Array.isArray(v) ? 'a list' : v === null ? 'null' : `a ${typeof v}`);

/**
 * Flatten `input` into `out` with dotted keys. Recursion follows nested objects only and stops at
 * `limits.maxDepth`, the same limit every JSON body is held to, so it cannot run out of stack.
 */
function flatten(input: Plain, limits: MetadataLimits, strict: boolean, out: Record<string, string>, prefix: string, depth: number, name = 'metadata'): void {
  if (depth > limits.maxDepth) throw badRequest(tooDeepMessage(name, limits.maxDepth), {});
  for (const [k, v] of Object.entries(input)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) {
      flatten(v, limits, strict, out, key, depth + 1, name);
      continue;
    }
    if (v === null || v === undefined) continue;
    let value: string;
    if (typeof v === 'string') value = v;
    else if (typeof v === 'number' || typeof v === 'boolean') value = String(v);
    else if (strict) throw badRequest(`${name}.${key} is ${kindOf(v)}: metadata values must be strings, numbers or booleans`, {});
    else if (tooDeep(v, limits.maxDepth - depth)) continue;
    else value = JSON.stringify(v);
    if (value.length > limits.maxValueLength) {
      if (!strict) continue;
      throw badRequest(
        `${name}.${key} is ${value.length} characters long, more than the ${limits.maxValueLength} allowed (submission.maxMetadataLength)`,
        {},
      );
    }
    out[key] = value;
  }
}

function checkSize(out: Record<string, string>, limits: MetadataLimits, name = 'metadata'): void {
  const bytes = Buffer.byteLength(JSON.stringify(out));
  if (bytes > limits.maxBytes) {
    throw badRequest(`${name} is ${bytes} bytes, more than the ${limits.maxBytes} allowed (submission.maxMetadataBytes)`, {});
  }
}

/**
 * The `metadata` of an ingest or submit request (or a user's default metadata, named `name` in messages),
 * flattened and checked; absent or null is empty.
 */
export function requestMetadata(input: unknown, limits: MetadataLimits, name = 'metadata'): Record<string, string> {
  if (input === undefined || input === null) return {};
  if (!isPlainObject(input)) throw badRequest(`${name} must be an object of key/value pairs, not ${kindOf(input)}`, {});
  const out: Record<string, string> = {};
  flatten(input, limits, true, out, '', 1, name);
  checkSize(out, limits, name);
  return out;
}

/** Metadata carried in a CaRT header: other values become text, overlong ones are left out. */
export function cartMetadata(header: Plain, limits: MetadataLimits): Record<string, string> {
  const out: Record<string, string> = {};
  flatten(header, limits, false, out, '', 1);
  checkSize(out, limits);
  return out;
}
