// The check every reader of request JSON starts with: a JSON object, as opposed to an array, null or a scalar.

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
