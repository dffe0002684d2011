// Running one service on one file: the result cache, the isolated run with its retries, and turning the
// outcome into a stored result, an empty-result marker or an error record.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceOutput, ServiceTask } from '../../services/service.js';
import type { Collection } from '../../store/datastore.js';
import type { Filestore, LocalFile } from '../../store/filestore.js';
import type { FileIntake } from '../files/file-intake.js';
import type { FileRecord } from '../files/file-record.js';
import { errorRecord, buildResult, type ResultSafelist } from '../results/postprocess.js';
import { emptyResultKey, errorKey, resultKey, type ConfKeyTask } from '../results/keys.js';
import type { ErrorRecord, ErrorType, HeuristicRecord, ResultRecord } from '../results/model.js';
import type { RunOutcome } from '../runtime/index.js';
import { isoDate } from '../util/time.js';
import type { RegisteredService } from './registry.js';

export const MAX_ATTEMPTS = 3;

export interface TaskExecutor {
  run(req: { modulePath: string; task: ServiceTask; filePath: string; workDir: string; timeoutSeconds: number; memoryMb?: number }): Promise<RunOutcome>;
}

export interface TaskStores {
  results: Collection<ResultRecord>;
  emptyResults: Collection<{ expiry_ts: string | null; created: string }>;
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

export type TaskOutcome =
  | { kind: 'result'; key: string; record: ResultRecord; tempData: Record<string, unknown> }
  | { kind: 'empty'; key: string }
  | { kind: 'error'; key: string; record: ErrorRecord };

interface RunSettings {
  ttlDays: number;
  classification: string;
  ignoreCache: boolean;
  ignoreFiltering: boolean;
}

/** The task fields that make a cached result reusable for another task. */
function confKeyTask(task: ServiceTask, s: RunSettings): ConfKeyTask {
  return {
    serviceConfig: task.serviceConfig,
    deepScan: task.deepScan,
    maxFiles: task.maxFiles,
    minClassification: s.classification,
    ignoreFiltering: s.ignoreFiltering,
    ignoreCache: s.ignoreCache,
  };
}

async function cachedOutcome(stores: TaskStores, key: string, emptyKey: string): Promise<TaskOutcome | null> {
  const hit = await stores.results.get(key);
  if (hit) {
    // A cached result is only usable if every file it extracted is still stored.
    for (const f of [...hit.response.extracted, ...hit.response.supplementary]) if (!(await stores.filestore.exists(f.sha256))) return null;
    return { kind: 'result', key, record: hit, tempData: {} };
  }
  if (await stores.emptyResults.exists(emptyKey)) return { kind: 'empty', key: emptyKey };
  return null;
}

function errorOutcome(svc: RegisteredService, task: ServiceTask, type: ErrorType, message: string, s: RunSettings): TaskOutcome {
  const version = type === 'TASK PRE-EMPTED' ? '0' : svc.manifest.version;
  const key = errorKey({ sha256: task.sha256, serviceName: svc.manifest.name, serviceVersion: version, errorType: type, task: confKeyTask(task, s) });
  const record = errorRecord({ sha256: task.sha256, serviceName: svc.manifest.name, serviceVersion: version, type, message, recoverable: false, ttlDays: s.ttlDays });
  return { kind: 'error', key, record };
}

/**
 * Run `svc` on the file (from cache when allowed), store what came of it, and say what it was. `localFile` gives
 * the file's local copy, which its caller shares between the services of one file and releases.
 */
export async function runServiceTask(
  stores: TaskStores, svc: RegisteredService, task: ServiceTask, file: FileRecord, s: RunSettings, localFile: () => Promise<LocalFile | null>,
): Promise<TaskOutcome> {
  const cacheable = !s.ignoreCache && !svc.manifest.disableCache;
  const keyInput = { sha256: task.sha256, serviceName: svc.manifest.name, serviceVersion: svc.manifest.version, task: confKeyTask(task, s) };
  if (cacheable) {
    const hit = await cachedOutcome(stores, resultKey(keyInput), emptyResultKey(keyInput));
    if (hit) return hit;
  }
  const local = await localFile();
  if (!local) return errorOutcome(svc, task, 'EXCEPTION', 'The file to analyse is missing from the filestore.', s);
  let last = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const workDir = join(stores.tmpDir, `task-${randomBytes(8).toString('hex')}`);
    let outcome: RunOutcome | undefined;
    try {
      outcome = await stores.executor.run({
        modulePath: svc.modulePath,
        task,
        filePath: local.path,
        workDir,
        timeoutSeconds: svc.manifest.timeoutSeconds,
        memoryMb: svc.manifest.memoryMb,
      });
      if (outcome.ok) {
        try {
          return await storeOutput(stores, svc, task, file, outcome.output, outcome.started, outcome.completed, s);
        } catch (err) {
          const out = errorOutcome(svc, task, 'EXCEPTION', `The result could not be stored: ${(err as Error).message}`, s);
          await stores.errors.put(out.key, (out as { record: ErrorRecord }).record);
          return out;
        }
      }
      last = outcome.message;
      if (!outcome.recoverable) {
        const out = errorOutcome(svc, task, 'EXCEPTION', outcome.message, s);
        await stores.errors.put(out.key, (out as { record: ErrorRecord }).record);
        return out;
      }
    } finally {
      // A worker that failed may have made the directory before it stopped.
      if (!outcome?.ok || outcome.workDirUsed) await rm(workDir, { recursive: true, force: true });
    }
  }
  const out = errorOutcome(svc, task, 'TASK PRE-EMPTED', `The number of retries has passed the limit. Last failure: ${last}`, s);
  await stores.errors.put(out.key, (out as { record: ErrorRecord }).record);
  return out;
}

async function storeOutput(
  stores: TaskStores,
  svc: RegisteredService,
  task: ServiceTask,
  file: FileRecord,
  output: ServiceOutput,
  started: string,
  completed: string,
  s: RunSettings,
): Promise<TaskOutcome> {
  const extracted = new Map<string, string>();
  const dropped: string[] = [];
  for (const x of output.extracted ?? []) {
    try {
      const got = await stores.intake.intake(x.path, {
        name: x.name,
        classification: s.classification,
        ttlDays: s.ttlDays,
        isSupplementary: x.supplementary,
        isSectionImage: x.isSectionImage,
        keepCart: true,
      });
      extracted.set(x.path, got.record.sha256);
    } catch (err) {
      // A file the system will not keep (too big, unreadable) is left out and said so in the result.
      dropped.push(`${x.name}: ${(err as Error).message}`);
    }
  }
  if (dropped.length) {
    output = {
      ...output,
      extracted: (output.extracted ?? []).filter((x) => extracted.has(x.path)),
      sections: [...output.sections, { title: 'Extracted files that were not kept', body: dropped.join('\n'), bodyFormat: 'TEXT' }],
    };
  }
  const built = buildResult(output, {
    manifest: svc.manifest,
    sha256: file.sha256,
    type: file.type,
    size: file.size,
    started,
    completed,
    ttlDays: s.ttlDays,
    classification: s.classification,
    heuristics: stores.heuristics,
    safelist: stores.safelist?.(),
    extracted,
  });
  const keyInput = {
    sha256: task.sha256,
    serviceName: svc.manifest.name,
    serviceVersion: svc.manifest.version,
    // The tool version is not known before a run, so keys leave it out and the cache can find them.
    task: confKeyTask(task, s),
    partial: output.partial,
  };
  if (built.isEmpty) {
    const key = emptyResultKey(keyInput);
    await stores.emptyResults.put(key, { created: isoDate(), expiry_ts: built.record.expiry_ts });
    return { kind: 'empty', key };
  }
  const key = resultKey(keyInput);
  await stores.results.put(key, built.record);
  return { kind: 'result', key, record: built.record, tempData: output.tempSubmissionData ?? {} };
}
