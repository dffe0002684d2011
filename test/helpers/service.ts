// Builds the task and context a service receives, for calling execute() directly, and checks its output the way
// the runtime does (shape, extracted paths, tag validity).
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputSection, ServiceContext, ServiceOutput, ServiceTask } from '../../src/sdk/index.js';
import { checkOutput } from '../../src/core/runtime/output.js';
import { validateTags } from '../../src/sdk/tags/validate.js';

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function makeTask(filePath: string, fileName: string, fileType: string, serviceConfig: Record<string, unknown> = {}): Promise<ServiceTask> {
  const { size } = await stat(filePath);
  const sha = '0'.repeat(64);
  return {
    sid: '1', sha256: sha, fileType, fileName, depth: 0, maxFiles: 500, deepScan: false, ignoreCache: false,
    fileInfo: { md5: '0'.repeat(32), sha1: '0'.repeat(40), sha256: sha, size, type: fileType, magic: 'data', mime: null },
    serviceConfig, tempSubmissionData: {}, tags: [], metadata: {},
  };
}

export function makeContext(filePath: string, workDir: string): ServiceContext {
  return { filePath, workDir, signal: new AbortController().signal, log: () => {} };
}

/** Writes `data` as a file, runs the service on it and checks the output as the runtime would. */
export async function runOn(
  execute: (t: ServiceTask, c: ServiceContext) => Promise<ServiceOutput>,
  root: string, fileName: string, fileType: string, data: Buffer | string, config: Record<string, unknown> = {},
): Promise<ServiceOutput> {
  const inputDir = await mkdtemp(join(root, 'in-'));
  const workDir = await mkdtemp(join(root, 'work-'));
  const filePath = join(inputDir, 'sample');
  await writeFile(filePath, data);
  return runFile(execute, filePath, workDir, fileName, fileType, config);
}

export async function runFile(
  execute: (t: ServiceTask, c: ServiceContext) => Promise<ServiceOutput>,
  filePath: string, workDir: string, fileName: string, fileType: string, config: Record<string, unknown> = {},
): Promise<ServiceOutput> {
  const out = await execute(await makeTask(filePath, fileName, fileType, config), makeContext(filePath, workDir));
  const checked = await checkOutput(JSON.parse(JSON.stringify(out)), workDir);
  if (!checked.ok) throw new Error(`invalid output: ${checked.message}`);
  for (const s of out.sections) {
    const { invalid } = validateTags(s.tags ?? {});
    if (invalid.length) throw new Error(`invalid tags in "${s.title}": ${JSON.stringify(invalid)}`);
  }
  return out;
}

export function allTags(out: ServiceOutput, type: string): string[] {
  return out.sections.flatMap((s: OutputSection) => s.tags?.[type] ?? []);
}

export function heuristicIds(out: ServiceOutput): Array<number | string> {
  return out.sections.flatMap((s) => (s.heuristic ? [s.heuristic.id] : []));
}
