// Runs an analyser's execute() in-process on fuzzed bytes and checks that what it returns is what the runtime
// accepts: an output that survives JSON (the worker boundary), passes the runtime's own output check, names
// only heuristics its manifest declares, and whose tags the host can validate.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutput } from '../../src/core/runtime/output.js';
import { validateTags } from '../../src/sdk/tags/validate.js';
import type { ServiceModule, ServiceOutput, ServiceTask } from '../../src/sdk/index.js';
import { makeContext, makeTask } from '../helpers/service.js';

export interface RunOptions {
  fileType: string;
  fileName?: string;
  config?: Record<string, unknown>;
  task?: Partial<ServiceTask>;
}

export async function runService(mod: ServiceModule, bytes: Uint8Array, opts: RunOptions): Promise<ServiceOutput> {
  const dir = await mkdtemp(join(tmpdir(), 'assay-fuzz-'));
  try {
    const filePath = join(dir, 'sample');
    const workDir = join(dir, 'work');
    await writeFile(filePath, bytes);
    await mkdir(workDir);
    const task = { ...(await makeTask(filePath, opts.fileName ?? 'sample', opts.fileType, opts.config ?? {})), ...opts.task };
    const out = await mod.execute(task, makeContext(filePath, workDir));
    await assertWellFormed(mod, out, workDir);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function assertWellFormed(mod: ServiceModule, out: ServiceOutput, workDir: string): Promise<void> {
  const json = JSON.stringify(out);
  const checked = await checkOutput(JSON.parse(json), workDir);
  if (!checked.ok) throw new Error(`${mod.manifest.name}: malformed output: ${checked.message}`);
  const declared = new Set(mod.manifest.heuristics.map((h) => String(h.id)));
  for (const s of out.sections) {
    if (s.heuristic && !declared.has(String(s.heuristic.id))) {
      throw new Error(`${mod.manifest.name}: section "${s.title}" names undeclared heuristic ${s.heuristic.id}`);
    }
    validateTags(s.tags ?? {});
  }
}
