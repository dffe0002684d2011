// Ontology export: one record per result, overlaid with the live facts of where it is being read from (the
// submission, alert or file), written as newline-delimited JSON. A service that wrote its own record (a
// supplementary file named "*.ontology", as Assemblyline services do) has that record used over the derived one.
import { defaultClassification, type ClassificationOps } from '../results/c12n.js';
import type { ResultRecord } from '../results/model.js';
import { buildOntologyRecord, type BuildOptions, type FileFactsForOntology } from './record.js';
import { isPlainObject } from '../util/plain.js';

/** A service-written record larger than this is not read (records are a few KiB; this bounds a hostile one). */
export const MAX_SUPPLIED_RECORD_BYTES = 8 * 1024 * 1024;

export interface ExportSources {
  /** File facts by sha256 (hashes, type, size, classification). */
  files: ReadonlyMap<string, FileFactsForOntology>;
  /** Reads a stored file (a service-written record), or null when it is gone. */
  readStored?: (sha256: string) => Promise<Uint8Array | null>;
}

export interface ExportOverlay {
  /** Merged into every record, as Assemblyline's live values (submission facts, file.parent). */
  updates: Record<string, unknown>;
  /** Names of the submitted files; other files have no `file.names`. */
  names?: ReadonlyMap<string, string[]>;
  userClassification?: string;
}

export interface ExportOptions extends BuildOptions {
  classificationOps?: ClassificationOps;
}

/** Recursive update: objects are merged key by key, anything else replaces what was there. Returns `target`. */
export function recursiveUpdate(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(source)) {
    const cur = target[k];
    if (isPlainObject(v) && isPlainObject(cur)) recursiveUpdate(cur, v);
    else target[k] = isPlainObject(v) ? recursiveUpdate({}, v) : v;
  }
  return target;
}

/** The service-written record of a result, if it left one that parses and describes this very file. */
async function suppliedRecord(result: ResultRecord, sources: ExportSources): Promise<Record<string, unknown> | null> {
  if (!sources.readStored) return null;
  for (const supp of result.response.supplementary) {
    if (!supp.name.endsWith('.ontology')) continue;
    const data = await sources.readStored(supp.sha256);
    if (!data || data.length > MAX_SUPPLIED_RECORD_BYTES) continue;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
      if (isPlainObject(parsed) && isPlainObject(parsed.file) && parsed.file.sha256 === result.sha256 && typeof parsed.classification === 'string') return parsed;
    } catch {
      // An unreadable record is skipped; the derived one stands in for it.
    }
  }
  return null;
}

/** The records of the given results, in order, with the overlay applied. */
export async function ontologyRecords(results: Iterable<ResultRecord>, sources: ExportSources, overlay: ExportOverlay, opts: ExportOptions = {}): Promise<Array<Record<string, unknown>>> {
  const c12n = opts.classificationOps ?? defaultClassification;
  const out: Array<Record<string, unknown>> = [];
  for (const result of results) {
    const derived = buildOntologyRecord(result, sources.files.get(result.sha256) ?? null, opts) as unknown as Record<string, unknown> | null;
    const supplied = await suppliedRecord(result, sources);
    let record = derived;
    if (supplied) record = recursiveUpdate(derived ?? {}, supplied);
    if (!record) continue;
    if (overlay.userClassification !== undefined && !c12n.isAccessible(overlay.userClassification, String(record.classification))) continue;

    recursiveUpdate(record, structuredClone(overlay.updates));
    const file = (isPlainObject(record.file) ? record.file : (record.file = {})) as Record<string, unknown>;
    const sha256 = result.sha256;
    const names = overlay.names?.get(sha256);
    if (names) file.names = [...names];
    else delete file.names;
    if (file.parent === sha256) delete file.parent;
    file.sha256 = sha256;
    const res = (isPlainObject(record.results) ? record.results : (record.results = {})) as Record<string, unknown>;
    if (!('score' in res)) res.score = result.result.score;
    out.push(record);
  }
  return out;
}

/** Newline-delimited JSON: one compact record per line, each line ended by a newline; nothing for no records. */
export function toNdjson(records: Iterable<unknown>): string {
  let s = '';
  for (const r of records) s += `${JSON.stringify(r)}\n`;
  return s;
}
