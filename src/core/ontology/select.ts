// Which results an ontology download covers, with Assemblyline's filters: for a submission or alert, its result
// keys narrowed by file (`sha256=`, repeatable) and by service (`service=`, repeatable, matched as the key's
// ".<service>." part); for a file, the newest result of each service unless every one is asked for.
import { isEmptyResultKey } from '../results/keys.js';

/** A repeatable query parameter as a list (absent → empty). */
export function queryList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String).filter((s) => s.length > 0);
}

/** Result keys of a submission that an ontology download covers, each once, in submission order. */
export function selectResultKeys(keys: readonly string[], sha256s: readonly string[], services: readonly string[]): string[] {
  let out = keys.filter((k) => !isEmptyResultKey(k));
  if (sha256s.length) {
    const wanted = sha256s.map((s) => s.toLowerCase());
    out = out.filter((k) => wanted.some((s) => k.startsWith(s)));
  }
  if (services.length) {
    // Keys spell the service name with '.' replaced by '_', so a filter is compared the same way.
    const parts = services.map((s) => `.${s.replace(/\./g, '_')}.`);
    out = out.filter((k) => parts.some((p) => k.includes(p)));
  }
  return [...new Set(out)];
}

/**
 * Results of one file narrowed by service name; the newest of each service unless `all`. Input order does not
 * matter: results are ordered newest first by `created`.
 */
export function selectFileResults<R extends { created: string; response: { service_name: string } }>(results: readonly R[], services: readonly string[], all: boolean): R[] {
  const wanted = new Set(services);
  const kept = results.filter((r) => !wanted.size || wanted.has(r.response.service_name));
  const newestFirst = [...kept].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  if (all) return newestFirst;
  const seen = new Set<string>();
  return newestFirst.filter((r) => (seen.has(r.response.service_name) ? false : (seen.add(r.response.service_name), true)));
}
