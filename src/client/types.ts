// Shapes of the records the API returns (the fields the SDK and its users rely on; servers may send more).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Params = Record<string, unknown>;
export type Metadata = Record<string, string>;

export interface SubmissionFile {
  name: string;
  sha256: string;
  size?: number;
}

interface SubmissionCore {
  sid: string;
  state: 'submitted' | 'completed' | 'failed' | string;
  max_score: number;
  classification: string;
  files: SubmissionFile[];
  file_count: number;
  error_count: number;
  /** The analysis failed in part, so its score is no verdict (an Assay addition to the model). */
  incomplete?: boolean;
  incomplete_reasons?: string[];
  metadata: Metadata;
  params: Params & { submitter?: string; description?: string };
  times: { submitted: string; completed?: string | null };
  verdict?: { malicious: string[]; non_malicious: string[] };
}

export interface Submission extends SubmissionCore {
  /** Keys of the submission's errors and results. */
  errors: string[];
  results: string[];
  [k: string]: unknown;
}

export interface FileInfo {
  sha256: string;
  sha1: string;
  md5: string;
  size: number;
  type: string;
  magic?: string;
  mime?: string | null;
  ssdeep?: string;
  tlsh?: string | null;
  entropy?: number;
  classification?: string;
  [k: string]: unknown;
}

export interface ResultTag {
  type: string;
  value: string;
  short_type?: string;
  safelisted?: boolean;
}

export interface ResultSection {
  title_text: string;
  body?: unknown;
  body_format: string;
  body_config?: Record<string, unknown>;
  classification: string;
  depth: number;
  auto_collapse?: boolean;
  promote_to?: string | null;
  heuristic?: {
    heur_id: string;
    name: string;
    score: number;
    attack?: { attack_id: string; pattern: string; categories: string[] }[];
    signature?: { name: string; frequency: number; safe: boolean }[];
  } | null;
  tags: ResultTag[];
  [k: string]: unknown;
}

export interface ResultRecord {
  sha256: string;
  classification: string;
  created?: string;
  drop_file?: boolean;
  partial?: boolean;
  response: {
    service_name: string;
    service_version: string;
    service_tool_version?: string | null;
    extracted?: { name: string; sha256: string; description?: string }[];
    supplementary?: { name: string; sha256: string; description?: string }[];
    [k: string]: unknown;
  };
  result: { score: number; sections: ResultSection[] };
  [k: string]: unknown;
}

export interface ErrorRecord {
  sha256: string;
  created?: string;
  type?: string;
  severity?: string;
  response: { service_name: string; service_version?: string; status: string; message: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** One node of a submission's file tree, keyed by sha256 in its parent's `children`. */
export interface FileTreeNode {
  name: string[];
  type: string;
  sha256: string;
  size?: number;
  score: number;
  children: Record<string, FileTreeNode>;
  truncated?: boolean;
  [k: string]: unknown;
}

/** `submission.full()`: the submission with its tree, file records, and result and error maps by key. */
export interface SubmissionFull extends SubmissionCore {
  file_tree: Record<string, FileTreeNode>;
  file_infos: Record<string, FileInfo>;
  results: Record<string, ResultRecord>;
  errors: Record<string, ErrorRecord>;
  missing_file_keys?: string[];
  missing_result_keys?: string[];
  missing_error_keys?: string[];
  [k: string]: unknown;
}

/** A completion message from a notification queue. */
export interface IngestMessage {
  submission: {
    sid: string;
    time?: string;
    files: SubmissionFile[];
    metadata: Metadata;
    notification?: { queue?: string; threshold?: number | null };
    params?: Params;
    [k: string]: unknown;
  };
  score: number | null;
  failure?: string;
  ingest_id?: string;
  ingest_time?: string;
  notify_time?: string;
  [k: string]: unknown;
}

export interface SearchResult<T = Record<string, unknown>> {
  offset: number;
  rows: number;
  total: number | null;
  items: T[];
  next_deep_paging_id?: string | null;
}

export interface TextView {
  content: string;
  truncated: boolean;
}

export interface SuccessResponse {
  success: boolean;
  [k: string]: unknown;
}
