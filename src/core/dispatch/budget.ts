// The budget of one submission: how deep, how many files, how many supplementary files and how many bytes of
// extracted files it may reach. Files are placed one by one in a fixed order (see the dispatcher), so the same
// input always gives the same tree and the same refusals, whatever the timing of the analysers.
import type { ErrorType } from '../results/model.js';
import type { OutcomeFile } from './task-outcome.js';

export interface BudgetLimits {
  /** Files at this depth (the submitted file is depth 0) or deeper are not analysed. */
  maxDepth: number;
  /** Files in the tree besides the submitted ones (Assemblyline's `max_extracted`). */
  maxFiles: number;
  maxSupplementary: number;
  /** Bytes of extracted and supplementary files together. */
  maxBytes: number;
}

export type LimitKind = 'depth' | 'files' | 'supplementary' | 'bytes';

/** A file the submission did not take because a limit was reached. */
export interface Cut {
  limit: LimitKind;
  sha256: string;
  name: string;
  size: number;
  /** The file it came out of, and the service that extracted it. */
  parent: string;
  service: string;
  /** The error record that says so. */
  errorType: ErrorType;
  message: string;
}

export type Placement = { kind: 'analyse' } | { kind: 'known' } | { kind: 'refused'; cut: Cut };

export class SubmissionBudget {
  /** Files in the tree (submitted and extracted) and the depth each was first placed at. */
  readonly depths = new Map<string, number>();
  readonly supplementary = new Set<string>();
  bytes = 0;
  readonly cuts: Cut[] = [];

  constructor(
    readonly sid: string,
    readonly limits: BudgetLimits,
  ) {}

  addRoot(sha256: string): void {
    this.depths.set(sha256, 0);
  }

  /** Place a file that `service` extracted from `parent` (at `depth` - 1); an analysed file is placed once. */
  place(f: OutcomeFile, depth: number, parent: string, service: string): Placement {
    if (f.supplementary) {
      if (this.supplementary.has(f.sha256)) return { kind: 'known' };
      if (this.supplementary.size >= this.limits.maxSupplementary) {
        return this.refuse(f, 'supplementary', parent, service, 'MAX FILES REACHED',
          `Too many supplementary files for submission ${this.sid} (limit ${this.limits.maxSupplementary}): ${f.sha256} from ${service} will be dropped`);
      }
      if (this.bytes + f.size > this.limits.maxBytes) return this.refuseBytes(f, parent, service);
      this.supplementary.add(f.sha256);
      this.bytes += f.size;
      return { kind: 'known' };
    }
    if (this.depths.has(f.sha256)) return { kind: 'known' };
    if (depth >= this.limits.maxDepth) {
      return this.refuse(f, 'depth', parent, service, 'MAX DEPTH REACHED', `${service} has extracted a file ${f.sha256} beyond the depth limits`);
    }
    // As in Assemblyline, the count includes the submitted file.
    if (this.depths.size > this.limits.maxFiles) {
      return this.refuse(f, 'files', parent, service, 'MAX FILES REACHED',
        `Too many files extracted for submission ${this.sid} ${f.sha256} extracted by ${service} will be dropped`);
    }
    if (this.bytes + f.size > this.limits.maxBytes) return this.refuseBytes(f, parent, service);
    this.depths.set(f.sha256, depth);
    this.bytes += f.size;
    return { kind: 'analyse' };
  }

  private refuseBytes(f: OutcomeFile, parent: string, service: string): Placement {
    return this.refuse(f, 'bytes', parent, service, 'MAX FILES REACHED',
      `Extracted files of submission ${this.sid} would pass the limit of ${this.limits.maxBytes} bytes: ${f.sha256} (${f.size} bytes) extracted by ${service} will be dropped`);
  }

  private refuse(f: OutcomeFile, limit: LimitKind, parent: string, service: string, errorType: ErrorType, message: string): Placement {
    const cut: Cut = { limit, sha256: f.sha256, name: f.name, size: f.size, parent, service, errorType, message };
    this.cuts.push(cut);
    return { kind: 'refused', cut };
  }
}
