// What running one service on one file needs and what comes of it: the stores and executor a task uses, and the
// outcomes the dispatcher acts on. Kept apart from the code that produces them so that the task runner and the
// output preparation can share these types without importing each other.
import type { ServiceTask } from '../../sdk/task.js';
import type { Collection } from '../../store/datastore.js';
import type { Filestore } from '../../store/filestore.js';
import type { FileIntake } from '../files/file-intake.js';
import type { FileRecord } from '../files/file-record.js';
import type { ResultSafelist } from '../results/postprocess.js';
import type { EmptyResultMarker, ErrorRecord, HeuristicRecord, ResultRecord } from '../results/model.js';
import type { RunOutcome } from '../runtime/index.js';

/** A file a result names, as the dispatcher needs to place it in the submission's tree. */
export interface OutcomeFile {
  sha256: string;
  name: string;
  size: number;
  supplementary: boolean;
  allowDynamicRecursion: boolean;
}

export interface TaskExecutor {
  run(req: { modulePath: string; task: ServiceTask; filePath: string; workDir: string; timeoutSeconds: number; memoryMb?: number }): Promise<RunOutcome>;
}

export interface TaskStores {
  results: Collection<ResultRecord>;
  emptyResults: Collection<EmptyResultMarker>;
  errors: Collection<ErrorRecord>;
  files: Collection<FileRecord>;
  filestore: Filestore;
  intake: FileIntake;
  executor: TaskExecutor;
  heuristics: Map<string, HeuristicRecord>;
  /** The tag and signature safelist in force when a result is built. */
  safelist?: () => ResultSafelist;
  tmpDir: string;
}

/**
 * What became of one service on one file. A result is not stored yet: `commit` stores the extracted files the
 * submission keeps (those not in `refused`, by sha256, with the reason) and then the result; `discard` drops it.
 */
export interface ResultOutcome {
  kind: 'result';
  record: ResultRecord;
  tempData: Record<string, unknown>;
  /** Extracted and supplementary files the result names, in its order. */
  files: OutcomeFile[];
  commit(refused: ReadonlyMap<string, string>): Promise<{ key: string; record: ResultRecord }>;
  discard(): Promise<void>;
}

export interface ErrorOutcome {
  kind: 'error';
  key: string;
  record: ErrorRecord;
}

export type TaskOutcome = ResultOutcome | { kind: 'empty'; key: string } | ErrorOutcome;
