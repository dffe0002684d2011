// A service's fresh output on its way to the store. The files it extracted are hashed and identified first but
// not stored: the dispatcher weighs them against the submission's budget (files, bytes, depth) in a fixed order,
// and only then does `commit` store the files the submission keeps, and the result that names them.
import { rm } from 'node:fs/promises';
import type { ServiceOutput } from '../../sdk/output.js';
import type { ServiceTask } from '../../sdk/task.js';
import type { FileFacts, FileRecord } from '../files/file-record.js';
import { buildResult } from '../results/postprocess.js';
import { emptyResultKey, resultKey, type ConfKeyTask } from '../results/keys.js';
import { isoDate } from '../util/time.js';
import type { RegisteredService } from './registry.js';
import type { OutcomeFile, TaskOutcome, TaskStores } from './task-outcome.js';

export interface OutputSettings {
  ttlDays: number;
  classification: string;
  conf: ConfKeyTask;
}

interface Described {
  path: string;
  facts: FileFacts;
  supplementary: boolean;
  isSectionImage: boolean;
}

/** The key a result is stored under; partial results get a salted one, so no other task reuses them. */
function keyOf(svc: RegisteredService, task: ServiceTask, conf: ConfKeyTask, partial: boolean | undefined, empty: boolean): string {
  const input = { sha256: task.sha256, serviceName: svc.manifest.name, serviceVersion: svc.manifest.version, task: conf, partial };
  return empty ? emptyResultKey(input) : resultKey(input);
}

/**
 * Turn a successful run into an outcome. An empty output is stored at once; any other becomes a result whose
 * `commit` must be called (exactly once) with the files the submission refuses; `discard` drops it unstored.
 * The work directory holding the extracted files lives until then.
 */
export async function prepareOutput(
  stores: TaskStores,
  svc: RegisteredService,
  task: ServiceTask,
  file: FileRecord,
  output: ServiceOutput,
  times: { started: string; completed: string },
  s: OutputSettings,
  workDir: string,
): Promise<TaskOutcome> {
  const described: Described[] = [];
  const byPath = new Map<string, string>();
  const unreadable: string[] = [];
  for (const x of output.extracted ?? []) {
    try {
      const facts = await stores.intake.describeAsIs(x.path, { name: x.name });
      described.push({ path: x.path, facts, supplementary: x.supplementary ?? false, isSectionImage: x.isSectionImage ?? false });
      byPath.set(x.path, facts.sha256);
    } catch (err) {
      // A file the system will not keep (too big, unreadable) is left out and said so in the result.
      unreadable.push(`${x.name}: ${(err as Error).message}`);
    }
  }
  if (unreadable.length) {
    output = {
      ...output,
      extracted: (output.extracted ?? []).filter((x) => byPath.has(x.path)),
      sections: [...output.sections, { title: 'Extracted files that were not kept', body: unreadable.join('\n'), bodyFormat: 'TEXT' }],
    };
  }
  const build = (out: ServiceOutput, stored: ReadonlyMap<string, string>) =>
    buildResult(out, {
      manifest: svc.manifest,
      sha256: file.sha256,
      type: file.type,
      size: file.size,
      started: times.started,
      completed: times.completed,
      ttlDays: s.ttlDays,
      classification: s.classification,
      heuristics: stores.heuristics,
      safelist: stores.safelist?.(),
      extracted: stored,
    });
  const built = build(output, byPath);
  const cleanUp = () => rm(workDir, { recursive: true, force: true });
  if (built.isEmpty) {
    await cleanUp();
    const key = keyOf(svc, task, s.conf, output.partial, true);
    await stores.emptyResults.put(key, { created: isoDate(), expiry_ts: built.record.expiry_ts });
    return { kind: 'empty', key };
  }
  const sizes = new Map(described.map((d) => [d.facts.sha256, d.facts.size]));
  const { extracted, supplementary } = built.record.response;
  const files: OutcomeFile[] = [
    ...extracted.map((f) => ({ f, supplementary: false })),
    ...supplementary.map((f) => ({ f, supplementary: true })),
  ].map(({ f, supplementary }) => ({ sha256: f.sha256, name: f.name, size: sizes.get(f.sha256) ?? 0, supplementary, allowDynamicRecursion: f.allow_dynamic_recursion }));
  let settled = false;
  return {
    kind: 'result',
    record: built.record,
    tempData: output.tempSubmissionData ?? {},
    files,
    async commit(refused) {
      if (settled) throw new Error('a result is committed once');
      settled = true;
      try {
        for (const d of described) {
          if (refused.has(d.facts.sha256)) continue;
          await stores.intake.keep(d.path, d.facts, {
            classification: s.classification,
            ttlDays: s.ttlDays,
            isSupplementary: d.supplementary,
            isSectionImage: d.isSectionImage,
          });
        }
      } finally {
        await cleanUp();
      }
      const left = files.filter((f) => refused.has(f.sha256));
      if (!left.length) {
        const key = keyOf(svc, task, s.conf, output.partial, false);
        await stores.results.put(key, built.record);
        return { key, record: built.record };
      }
      // Rebuilt without the refused files, and saying which they were; such a result is partial, never reused.
      const record = build(
        {
          ...output,
          partial: true,
          sections: [
            ...output.sections,
            {
              title: 'Extracted files not kept by this submission',
              body: left.map((f) => ({ name: f.name, sha256: f.sha256, reason: refused.get(f.sha256)! })),
              bodyFormat: 'TABLE',
            },
          ],
        },
        new Map([...byPath].filter(([, sha256]) => !refused.has(sha256))),
      ).record;
      const key = keyOf(svc, task, s.conf, true, false);
      await stores.results.put(key, record);
      return { key, record };
    },
    async discard() {
      if (settled) return;
      settled = true;
      await cleanUp();
    },
  };
}
