// The service's handle on its one task: the file, a work directory, the time limit and a log.

export interface ServiceContext {
  /** Local path of the file to analyse (read-only). */
  filePath: string;
  /** A fresh directory for this task, created when first read; write extracted files here. */
  workDir: string;
  /** Abort signal raised when the task's time is up. */
  signal: AbortSignal;
  log(message: string): void;
}
