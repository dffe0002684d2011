// Golden files: an expected result kept as JSON text (two-space indent, trailing newline) and compared with the
// actual value byte for byte, so that a change of key order in an ordered body shows too. One switch for every
// golden file of the suite: UPDATE_GOLDEN=1 rewrites them (review the diff before committing). A missing file is
// written when run locally and fails under CI=true, so no expectation reaches the build unreviewed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { ServiceOutput } from '../../src/sdk/index.js';
import { REPO_ROOT } from './corpus.js';

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';
export const IN_CI = process.env.CI === 'true';

export function goldenText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const MAX_DIFFS = 20;

function show(v: unknown): string {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 160)}…` : s;
}

/** The paths at which two JSON values differ, at most MAX_DIFFS of them. */
export function jsonDiff(expected: unknown, actual: unknown, at = '$', out: string[] = []): string[] {
  if (out.length >= MAX_DIFFS) return out;
  const bothObjects = expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object';
  if (bothObjects && Array.isArray(expected) === Array.isArray(actual)) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    if (Array.isArray(e) && e.length !== (a as unknown as unknown[]).length) {
      out.push(`${at}: ${e.length} items expected, ${(a as unknown as unknown[]).length} found`);
    }
    for (const k of new Set([...Object.keys(e), ...Object.keys(a)])) {
      jsonDiff(e[k], a[k], Array.isArray(e) ? `${at}[${k}]` : `${at}.${k}`, out);
    }
    return out;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push(`${at}: expected ${show(expected)}, got ${show(actual)}`);
  return out;
}

/**
 * Compares `actual` with the golden file at `path`, or writes it (UPDATE_GOLDEN=1, or a missing file outside
 * CI). Returns whether the file was written.
 */
export function checkGolden(path: string, actual: unknown): boolean {
  const text = goldenText(actual);
  const name = relative(REPO_ROOT, path);
  const exists = existsSync(path);
  if (!UPDATE_GOLDEN && !exists && IN_CI) assert.fail(`golden file missing: ${name} (UPDATE_GOLDEN=1 writes it; review and commit it)`);
  if (UPDATE_GOLDEN || !exists) {
    mkdirSync(dirname(path), { recursive: true });
    if (!exists || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
    return true;
  }
  const expectedText = readFileSync(path, 'utf8');
  if (expectedText === text) return false;
  const diffs = jsonDiff(JSON.parse(expectedText), JSON.parse(text));
  assert.fail([
    `${name} differs from the result (UPDATE_GOLDEN=1 rewrites it after an intended change):`,
    ...(diffs.length ? diffs : ['the same values, with keys in another order']).map((d) => `  ${d}`),
  ].join('\n'));
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * An analyser's result in a form that is the same on every machine and run: the whole output, with each
 * extracted file's work-directory path replaced by its content hash, and the optional fields given their
 * defaults so that an absent and an empty value read alike.
 */
export function stableOutput(out: ServiceOutput): unknown {
  const { sections, extracted, partial, tempSubmissionData, ...rest } = out;
  return JSON.parse(JSON.stringify({
    sections,
    extracted: (extracted ?? []).map(({ path, ...file }) => ({ ...file, sha256: sha256(path) })),
    partial: partial ?? false,
    tempSubmissionData: tempSubmissionData ?? null,
    ...rest,
  }));
}
