// What a service returns: sections (text, tables, tags, heuristics) and the files it extracted. The host checks
// every field before it believes any of it, since the service has just parsed a hostile file.

export type BodyFormat =
  | 'TEXT' | 'MEMORY_DUMP' | 'GRAPH_DATA' | 'URL' | 'JSON' | 'KEY_VALUE' | 'ORDERED_KEY_VALUE' | 'PROCESS_TREE'
  | 'TABLE' | 'IMAGE' | 'MULTI' | 'DIVIDER' | 'TIMELINE';

export interface SectionHeuristic {
  id: number | string;
  /** Signature name → how many times it matched. */
  signatures?: Record<string, number>;
  /** Extra ATT&CK ids beyond the heuristic definition's. */
  attack?: string[];
  frequency?: number;
}

export interface OutputSection {
  title: string;
  body?: string | object | null;
  bodyFormat?: BodyFormat;
  bodyConfig?: Record<string, unknown>;
  /** Nesting level, 0 for top-level sections; sections are listed in display order. */
  depth?: number;
  heuristic?: SectionHeuristic;
  /** Tags by dotted AL tag type, e.g. {"network.static.domain": ["evil.example"]}. */
  tags?: Record<string, string[]>;
  classification?: string;
  autoCollapse?: boolean;
  zeroizeOnTagSafe?: boolean;
  promoteTo?: 'SCREENSHOT' | 'ENTROPY' | 'URI_PARAMS';
}

export interface ExtractedFile {
  name: string;
  /** Path of the file inside the task's work directory. */
  path: string;
  description: string;
  /** Supplementary files are context (reports, dumps), not analysed further. */
  supplementary?: boolean;
  parentRelation?: 'EXTRACTED' | 'INFORMATION' | 'DYNAMIC' | 'MEMDUMP' | 'DOWNLOADED';
  allowDynamicRecursion?: boolean;
  isSectionImage?: boolean;
}

export interface ServiceOutput {
  sections: OutputSection[];
  extracted?: ExtractedFile[];
  /** Stop later stages on this file (e.g. it is safelisted). */
  dropFile?: boolean;
  /** The analysis did not cover the whole file; never cached. */
  partial?: boolean;
  /** Values shared with later services and children (merged; `passwords` lists are unioned). */
  tempSubmissionData?: Record<string, unknown>;
  serviceToolVersion?: string;
  serviceContext?: string;
}
