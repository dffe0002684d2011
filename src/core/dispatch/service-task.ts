// Running one service on one file: the result cache, the isolated run with its retries, and turning the
// outcome into a stored result, an empty-result marker or an error record.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceTask } from '../../sdk/task.js';
import type { LocalFile } from '../../store/filestore.js';
import type { FileRecord } from '../files/file-record.js';
import { errorRecord } from '../results/postprocess.js';
import { emptyResultKey, errorKey, resultKey, type ConfKeyTask } from '../results/keys.js';
import { prepareOutput } from './task-output.js';
import type { ErrorType } from '../results/model.js';
import type { RunOutcome } from '../runtime/index.js';
import type { RegisteredService } from './registry.js';
import type { ErrorOutcome, OutcomeFile, TaskOutcome, TaskStores } from './task-outcome.js';

export const MAX_ATTEMPTS = 3;

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
    const files: OutcomeFile[] = [];
    for (const [list, supplementary] of [[hit.response.extracted, false], [hit.response.supplementary, true]] as const) {
      for (const f of list) {
        const rec = (await stores.filestore.exists(f.sha256)) ? await stores.files.get(f.sha256) : null;
        if (!rec) return null;
        files.push({ sha256: f.sha256, name: f.name, size: rec.size, supplementary, allowDynamicRecursion: f.allow_dynamic_recursion });
      }
    }
    // Its files are stored already: a submission that refuses some of them only leaves them out of its tree.
    return { kind: 'result', record: hit, tempData: {}, files, commit: async () => ({ key, record: hit }), discard: async () => {} };
  }
  if (await stores.emptyResults.exists(emptyKey)) return { kind: 'empty', key: emptyKey };
  return null;
}

function errorOutcome(svc: RegisteredService, task: ServiceTask, type: ErrorType, message: string, s: RunSettings): ErrorOutcome {
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
    // A prepared result keeps its work directory (the extracted files) until it is committed or discarded.
    let kept = false;
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
          const ready = await prepareOutput(stores, svc, task, file, outcome.output, outcome, { ttlDays: s.ttlDays, classification: s.classification, conf: confKeyTask(task, s) }, workDir);
          kept = ready.kind === 'result';
          return ready;
        } catch (err) {
          const out = errorOutcome(svc, task, 'EXCEPTION', `The result could not be stored: ${(err as Error).message}`, s);
          await stores.errors.put(out.key, out.record);
          return out;
        }
      }
      last = outcome.message;
      if (!outcome.recoverable) {
        const out = errorOutcome(svc, task, 'EXCEPTION', outcome.message, s);
        await stores.errors.put(out.key, out.record);
        return out;
      }
    } finally {
      // A worker that failed may have made the directory before it stopped.
      if (!kept && (!outcome?.ok || outcome.workDirUsed)) await rm(workDir, { recursive: true, force: true });
    }
  }
  const out = errorOutcome(svc, task, 'TASK PRE-EMPTED', `The number of retries has passed the limit. Last failure: ${last}`, s);
  await stores.errors.put(out.key, out.record);
  return out;
}
