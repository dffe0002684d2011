// The contract every analyser implements: a declarative manifest and one execute function. A service module
// (a file or folder under src/services/) exports `manifest` and `execute`; the runtime loads it inside an
// isolated worker, hands it one file at a time, and turns what it returns into an Assemblyline result.

export const SERVICE_STAGES = ['FILTER', 'EXTRACT', 'CORE', 'SECONDARY', 'POST', 'REVIEW'] as const;
export type ServiceStage = (typeof SERVICE_STAGES)[number];

export const SERVICE_CATEGORIES = [
  'Antivirus', 'Dynamic Analysis', 'External', 'Extraction', 'Filtering', 'Internet Connected', 'Networking', 'Static Analysis',
] as const;

export interface HeuristicDefinition {
  /** Id within the service; stored as "<SERVICE NAME UPPER>.<id>". */
  id: number | string;
  name: string;
  /** Score when the heuristic fires once without signatures. */
  score: number;
  /** File type regex the heuristic applies to (informational). */
  filetype?: string;
  description?: string;
  /** MITRE ATT&CK ids (techniques, software or groups). */
  attack?: string[];
  /** Per-signature scores, overriding `score` for a named signature. */
  signatureScoreMap?: Record<string, number>;
  /** Upper bound of the heuristic's total score in one section. */
  maxScore?: number;
}

export interface ServiceManifest {
  name: string;
  version: string;
  stage: ServiceStage;
  category: (typeof SERVICE_CATEGORIES)[number] | string;
  description?: string;
  /** File types the service takes: regex matched at the start of the AL type label. */
  accepts: string;
  /** File types it never takes, checked after `accepts`. */
  rejects?: string;
  timeoutSeconds: number;
  /** Memory ceiling of the worker running it. */
  memoryMb?: number;
  enabled?: boolean;
  /** Never reuse cached results of this service. */
  disableCache?: boolean;
  /** Services or categories that must not run on files this service extracts. */
  recursionPrevention?: string[];
  /** Default configuration, overridable per deployment. */
  config?: Record<string, unknown>;
  /** Parameters a submitter may set (`service_spec`). */
  submissionParams?: Array<{ name: string; type: 'bool' | 'int' | 'str' | 'list'; default: unknown; value?: unknown; list?: unknown[]; hide?: boolean }>;
  heuristics: HeuristicDefinition[];
}

/** What a service is told about the file and the submission. */
export interface ServiceTask {
  sid: string;
  sha256: string;
  /** AL type label of the file. */
  fileType: string;
  fileName: string;
  fileInfo: { md5: string; sha1: string; sha256: string; size: number; type: string; magic: string; mime: string | null; ssdeep?: string; tlsh?: string | null };
  depth: number;
  maxFiles: number;
  deepScan: boolean;
  ignoreCache: boolean;
  /** Manifest config merged with the submitter's `service_spec` for this service. */
  serviceConfig: Record<string, unknown>;
  /** Values earlier services shared with later ones and with children (e.g. `passwords`). */
  tempSubmissionData: Record<string, unknown>;
  /** Tags found so far on this file by earlier stages. */
  tags: Array<{ type: string; value: string }>;
  metadata: Record<string, string>;
  /**
   * The chain of files this one was extracted from, the submitted file first and the direct parent last; empty
   * or absent for a submitted file. Results that read it depend on where the file was found, so such a service
   * should not be cached (`disableCache`).
   */
  ancestry?: Array<{ type: string; name: string; sha256: string }>;
}

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

export interface ServiceContext {
  /** Local path of the file to analyse (read-only). */
  filePath: string;
  /** A fresh directory for this task, created when first read; write extracted files here. */
  workDir: string;
  /** Abort signal raised when the task's time is up. */
  signal: AbortSignal;
  log(message: string): void;
}

export type ExecuteFn = (task: ServiceTask, ctx: ServiceContext) => Promise<ServiceOutput>;

export interface ServiceModule {
  manifest: ServiceManifest;
  execute: ExecuteFn;
}
