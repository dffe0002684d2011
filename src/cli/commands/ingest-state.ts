// The resumable record of `assay ingest`: which files (by absolute path, with size, mtime and sha256) were
// accepted by the server, so a rerun after an interruption sends only what is left.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface SentFile {
  sha256: string;
  size: number;
  mtimeMs: number;
  ingestId: string;
  queue: string;
  sentAt: string;
}

interface StateFile {
  version: 1;
  files: Record<string, SentFile>;
}

export class IngestState {
  private state: StateFile = { version: 1, files: {} };
  private dirty = false;
  private lastSave = 0;

  constructor(readonly path: string) {
    if (existsSync(path)) {
      let parsed: StateFile;
      try {
        parsed = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
      } catch (err) {
        throw new Error(`state file ${path} is not valid JSON (${(err as Error).message}); move it away to start over`);
      }
      if (parsed?.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) throw new Error(`state file ${path} has an unknown format`);
      this.state = parsed;
    }
  }

  get(absPath: string): SentFile | undefined {
    return this.state.files[absPath];
  }

  get size(): number {
    return Object.keys(this.state.files).length;
  }

  record(absPath: string, sent: SentFile): void {
    this.state.files[absPath] = sent;
    this.dirty = true;
    // Saving after every file would rewrite a big state file thousands of times; twice a second loses at most
    // that much work (those files are sent again, which the server merges).
    if (Date.now() - this.lastSave > 500) this.save();
  }

  /** Write atomically: a crash mid-write leaves the previous state, never a truncated one. */
  save(): void {
    if (!this.dirty) return;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.path);
    this.dirty = false;
    this.lastSave = Date.now();
  }
}
