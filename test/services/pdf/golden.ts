// Golden outputs: a service's result with the machine-specific parts (work-directory paths) replaced by the
// extracted file's hash. `UPDATE_GOLDEN=1` rewrites the files; otherwise the test compares against them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServiceOutput } from '../../../src/sdk/index.js';

export function stable(out: ServiceOutput): unknown {
  return {
    sections: out.sections,
    extracted: (out.extracted ?? []).map((e) => ({
      name: e.name, description: e.description, sha256: createHash('sha256').update(readFileSync(e.path)).digest('hex'),
    })),
    partial: out.partial ?? false,
    tempSubmissionData: out.tempSubmissionData ?? null,
  };
}

export function checkGolden(path: string, out: ServiceOutput): void {
  const actual = JSON.parse(JSON.stringify(stable(out)));
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI === 'true' && !existsSync(path)) assert.fail(`golden file missing: ${path}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
    return;
  }
  assert.deepEqual(actual, JSON.parse(readFileSync(path, 'utf8')));
}
