// One Assemblyline Result Ontology record (odm `ResultOntology`, version 1.10) built from a stored result: the
// file's facts, the service, and what the result found — heuristics with the tags raised beside them, all tags,
// signatures of signature-matching services, the score, and the structured section bodies as "other" facts.
// Assemblyline services write these records themselves; Assay derives them from the result, so only what a
// result holds generically can appear (no PE/sandbox/network parts unless a service supplies its own record).
import { defaultClassification, type ClassificationOps } from '../results/c12n.js';
import type { AttackEntry, ResultRecord } from '../results/model.js';
import type { TagValue } from '../../sdk/tags/validate.js';
import { flattenTags } from '../results/tags.js';
import { attackPlacement } from '../results/attack-table.js';
import { signatureOntologyId } from './object-id.js';

export const ODM_TYPE = 'Assemblyline Result Ontology';
export const ODM_VERSION = '1.10';

export interface OntologyFile {
  md5?: string;
  sha1?: string;
  sha256: string;
  type?: string;
  size?: number;
  names?: string[];
  parent?: string;
  [part: string]: unknown;
}

export interface OntologyHeuristic {
  heur_id: string;
  score: number;
  times_raised: number;
  name: string;
  tags: Record<string, TagValue[]>;
}

export interface OntologySignature {
  objectid: { tag: string; ontology_id: string; service_name: string };
  name: string;
  type: SignatureType;
  classification: string;
  attacks?: AttackEntry[];
}

export interface OntologyResults {
  tags?: Record<string, TagValue[]>;
  heuristics?: OntologyHeuristic[];
  score?: number;
  signature?: OntologySignature[];
  other?: Record<string, string>;
  [part: string]: unknown;
}

export interface OntologyRecord {
  odm_type: string;
  odm_version: string;
  classification: string;
  file: OntologyFile;
  service: { name: string; version: string; tool_version: string };
  submission?: Record<string, unknown>;
  results?: OntologyResults;
}

export type SignatureType = 'CUCKOO' | 'YARA' | 'SIGMA' | 'SURICATA';

/** Services whose heuristic signatures are rule matches of a kind the ontology knows. */
const SIGNATURE_SERVICES: Record<string, SignatureType> = { yara: 'YARA', sigma: 'SIGMA', suricata: 'SURICATA', cuckoo: 'CUCKOO', cape: 'CUCKOO' };

/** Structured bodies that read as facts about the file; free text and images are left out. */
const FACT_FORMATS = new Set(['KEY_VALUE', 'ORDERED_KEY_VALUE', 'JSON', 'TABLE']);
/** A single fact body larger than this is a dump rather than a fact and is left out. */
export const MAX_FACT_CHARS = 64 * 1024;

export interface FileFactsForOntology {
  md5: string;
  sha1: string;
  sha256: string;
  type: string;
  size: number;
  classification?: string;
}

export interface BuildOptions {
  /** Catalogue score of a heuristic (Assemblyline reports the definition's score, not the section's). */
  heuristicScore?: (heurId: string) => number | undefined;
  classificationOps?: ClassificationOps;
}

/** Assemblyline names a heuristic in ontology records "<SERVICE>_<id>" where the catalogue has "<SERVICE>.<id>". */
export function ontologyHeuristicId(heurId: string, serviceName: string): string {
  const prefix = `${serviceName.toUpperCase()}.`;
  return heurId.startsWith(prefix) ? `${serviceName.toUpperCase()}_${heurId.slice(prefix.length)}` : heurId;
}

/** An ATT&CK entry with its name and tactics filled from the technique table when the result lacks them. */
function attackEntry(a: AttackEntry): AttackEntry {
  const placed = attackPlacement(a);
  return { attack_id: a.attack_id, pattern: placed.name, categories: placed.categories };
}

function mergeTags(into: Record<string, TagValue[]>, add: Record<string, readonly TagValue[]>): void {
  for (const [type, values] of Object.entries(add)) {
    const list = (into[type] ??= []);
    for (const v of values) if (!list.includes(v)) list.push(v);
  }
}

/**
 * The record of one result, or null when the result says nothing an ontology carries (no heuristic, tag,
 * signature or structured fact): Assemblyline writes no record for purely informational results either.
 */
export function buildOntologyRecord(result: ResultRecord, file: FileFactsForOntology | null, opts: BuildOptions = {}): OntologyRecord | null {
  const c12n = opts.classificationOps ?? defaultClassification;
  const service = result.response.service_name;
  const sigType = SIGNATURE_SERVICES[service.toLowerCase()];
  let classification = c12n.max(result.classification, file?.classification ?? result.classification);
  const tags: Record<string, TagValue[]> = {};
  const heuristics = new Map<string, OntologyHeuristic>();
  const signatures = new Map<string, OntologySignature>();
  const other: Record<string, string> = {};

  for (const section of result.result.sections) {
    classification = c12n.max(classification, section.classification);
    // Safelisting happens after a service reports, and Assemblyline's records are written by the service, so
    // safelisted tags are part of the record.
    const sectionTags: Record<string, TagValue[]> = {};
    mergeTags(sectionTags, flattenTags(section.tags));
    mergeTags(sectionTags, section.safelisted_tags ?? {});
    mergeTags(tags, sectionTags);

    const heur = section.heuristic;
    if (heur) {
      const id = ontologyHeuristicId(heur.heur_id, service);
      const entry = heuristics.get(id) ?? { heur_id: id, score: opts.heuristicScore?.(heur.heur_id) ?? heur.score, times_raised: 0, name: heur.name, tags: {} };
      entry.times_raised += 1;
      mergeTags(entry.tags, sectionTags);
      heuristics.set(id, entry);
      if (sigType) {
        for (const s of heur.signature) {
          if (signatures.has(s.name)) continue;
          signatures.set(s.name, {
            objectid: { tag: `${sigType}.${s.name}`, ontology_id: signatureOntologyId(s.name, sigType), service_name: service },
            name: s.name,
            type: sigType,
            classification: section.classification,
            ...(heur.attack.length ? { attacks: heur.attack.map(attackEntry) } : {}),
          });
        }
      }
    }

    if (FACT_FORMATS.has(section.body_format) && typeof section.body === 'string' && section.body.length <= MAX_FACT_CHARS) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(section.body);
      } catch {
        continue;
      }
      if (parsed === null || typeof parsed !== 'object') continue;
      let key = section.title_text || section.body_format;
      for (let n = 2; key in other; n++) key = `${section.title_text || section.body_format} (${n})`;
      other[key] = JSON.stringify(parsed);
    }
  }

  if (!heuristics.size && !Object.keys(tags).length && !signatures.size && !Object.keys(other).length) return null;

  const results: OntologyResults = { tags, heuristics: [...heuristics.values()], score: result.result.score };
  if (signatures.size) results.signature = [...signatures.values()];
  if (Object.keys(other).length) results.other = other;
  return {
    odm_type: ODM_TYPE,
    odm_version: ODM_VERSION,
    classification,
    file: {
      ...(file ? { md5: file.md5, sha1: file.sha1 } : {}),
      sha256: result.sha256,
      type: file?.type ?? result.type,
      size: file?.size ?? result.size,
    },
    service: { name: service, version: result.response.service_version, tool_version: result.response.service_tool_version ?? '' },
    results,
  };
}
