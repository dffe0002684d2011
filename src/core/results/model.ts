// Result and error records as Assemblyline stores them (its `result`, `error` and `heuristic` models), keyed as
// described in keys.ts. The API returns them reshaped by format.ts.
import type { TagValue } from '../../sdk/tags/validate.js';

export type ParentRelation = 'ROOT' | 'EXTRACTED' | 'INFORMATION' | 'DYNAMIC' | 'MEMDUMP' | 'DOWNLOADED';

export interface ResultFile {
  name: string;
  sha256: string;
  description: string;
  classification: string;
  is_section_image: boolean;
  parent_relation: ParentRelation;
  allow_dynamic_recursion: boolean;
}

export interface AttackEntry {
  attack_id: string;
  pattern: string;
  categories: string[];
}

export interface SignatureEntry {
  name: string;
  frequency: number;
  safe: boolean;
}

export interface SectionHeuristicRecord {
  heur_id: string;
  name: string;
  score: number;
  attack: AttackEntry[];
  signature: SignatureEntry[];
}

/** Tags nested by path: {"network": {"static": {"domain": ["a.example"]}}}. */
export type NestedTags = { [key: string]: NestedTags | TagValue[] };

export interface ResultSection {
  title_text: string;
  /** Structured bodies are stored as JSON text, as Assemblyline does. */
  body: string | null;
  body_format: string;
  body_config: Record<string, unknown>;
  classification: string;
  depth: number;
  heuristic: SectionHeuristicRecord | null;
  tags: NestedTags;
  safelisted_tags: Record<string, string[]>;
  auto_collapse: boolean;
  zeroize_on_tag_safe: boolean;
  promote_to: string | null;
}

export interface ResultRecord {
  archive_ts: string | null;
  classification: string;
  created: string;
  expiry_ts: string | null;
  sha256: string;
  type: string;
  size: number;
  drop_file: boolean;
  partial: boolean;
  from_archive: boolean;
  response: {
    milestones: { service_started: string; service_completed: string };
    service_version: string;
    service_name: string;
    service_tool_version: string | null;
    service_context: string | null;
    service_debug_info: string | null;
    extracted: ResultFile[];
    supplementary: ResultFile[];
  };
  result: { score: number; sections: ResultSection[] };
}

export type ErrorStatus = 'FAIL_NONRECOVERABLE' | 'FAIL_RECOVERABLE';

export const ERROR_TYPES = {
  UNKNOWN: 0,
  EXCEPTION: 1,
  'MAX DEPTH REACHED': 10,
  'MAX FILES REACHED': 11,
  'MAX RETRY REACHED': 12,
  'SERVICE BUSY': 20,
  'SERVICE DOWN': 21,
  'TASK PRE-EMPTED': 30,
} as const;
export type ErrorType = keyof typeof ERROR_TYPES;

export interface ErrorRecord {
  archive_ts: string | null;
  created: string;
  expiry_ts: string | null;
  response: {
    message: string;
    service_debug_info: string | null;
    service_name: string;
    service_tool_version: string | null;
    service_version: string;
    status: ErrorStatus;
  };
  sha256: string;
  type: ErrorType;
  severity: 'error' | 'warning';
}

export interface HeuristicRecord {
  heur_id: string;
  name: string;
  score: number;
  max_score: number | null;
  attack_id: string[];
  classification: string;
  description: string;
  filetype: string;
  signature_score_map: Record<string, number>;
  stats: { count: number; min: number; max: number; avg: number; sum: number; first_hit: string | null; last_hit: string | null };
}

/** The record of an analysis that produced nothing: the cache keeps the fact under the result key. */
export interface EmptyResultMarker {
  created: string;
  expiry_ts: string | null;
}
