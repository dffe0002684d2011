// Validation of what a worker sends back as a service's output. The worker runs code that parses hostile input,
// so its reply is checked field by field against ServiceOutput and rebuilt from the checked fields only.
// Extracted files must be regular files inside the task's work directory, also after resolving symlinks, so a
// service cannot make the host ingest /etc/passwd or another task's files.

import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { BodyFormat, ExtractedFile, OutputSection, SectionHeuristic, ServiceOutput } from '../../sdk/output.js';

const BODY_FORMATS: readonly BodyFormat[] = [
  'TEXT', 'MEMORY_DUMP', 'GRAPH_DATA', 'URL', 'JSON', 'KEY_VALUE', 'ORDERED_KEY_VALUE', 'PROCESS_TREE', 'TABLE', 'IMAGE',
  'MULTI', 'DIVIDER', 'TIMELINE',
];
const PROMOTE_TO = ['SCREENSHOT', 'ENTROPY', 'URI_PARAMS'] as const;
const RELATIONS = ['EXTRACTED', 'INFORMATION', 'DYNAMIC', 'MEMDUMP', 'DOWNLOADED'] as const;

const OUTPUT_KEYS = new Set(['sections', 'extracted', 'dropFile', 'partial', 'tempSubmissionData', 'serviceToolVersion', 'serviceContext']);
const SECTION_KEYS = new Set([
  'title', 'body', 'bodyFormat', 'bodyConfig', 'depth', 'heuristic', 'tags', 'classification', 'autoCollapse', 'zeroizeOnTagSafe', 'promoteTo',
]);
const HEURISTIC_KEYS = new Set(['id', 'signatures', 'attack', 'frequency']);
const EXTRACTED_KEYS = new Set(['name', 'path', 'description', 'supplementary', 'parentRelation', 'allowDynamicRecursion', 'isSectionImage']);

/** Bounds on the size of a reply, so a runaway service cannot make the host do unbounded work. */
const MAX_SECTIONS = 10_000;
const MAX_EXTRACTED = 10_000;
const MAX_JSON_NODES = 1_000_000;
const MAX_JSON_DEPTH = 64;

export type OutputCheck = { ok: true; output: ServiceOutput } | { ok: false; message: string };

class Invalid extends Error {}

function fail(path: string, what: string): never {
  throw new Invalid(`${path} ${what}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function obj(v: unknown, path: string, allowed?: Set<string>): Record<string, unknown> {
  if (!isPlainObject(v)) fail(path, 'must be an object');
  if (allowed) for (const k of Object.keys(v)) if (!allowed.has(k)) fail(`${path}.${k}`, 'is not a known field');
  return v;
}

function str(v: unknown, path: string, nonEmpty = false): string {
  if (typeof v !== 'string') fail(path, 'must be a string');
  if (nonEmpty && v.length === 0) fail(path, 'must not be empty');
  return v;
}

function optStr(v: unknown, path: string): string | undefined {
  return v === undefined ? undefined : str(v, path);
}

function optBool(v: unknown, path: string): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') fail(path, 'must be a boolean');
  return v as boolean | undefined;
}

function optEnum<T extends string>(v: unknown, values: readonly T[], path: string): T | undefined {
  if (v !== undefined && !values.includes(v as T)) fail(path, `must be one of ${values.join(', ')}`);
  return v as T | undefined;
}

function optInt(v: unknown, path: string, min: number): number | undefined {
  if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= min)) fail(path, `must be an integer >= ${min}`);
  return v as number | undefined;
}

function strList(v: unknown, path: string): string[] {
  if (!Array.isArray(v)) fail(path, 'must be an array of strings');
  v.forEach((s, i) => str(s, `${path}[${i}]`));
  return [...v];
}

/** Checks that a value is plain JSON (what gets stored), counting nodes against a shared budget. */
function json(v: unknown, path: string, budget: { nodes: number }, depth = 0): void {
  if (++budget.nodes > MAX_JSON_NODES) fail(path, 'makes the output too large');
  if (depth > MAX_JSON_DEPTH) fail(path, 'is nested too deeply');
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(path, 'must be a finite number');
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => json(x, `${path}[${i}]`, budget, depth + 1));
    return;
  }
  if (!isPlainObject(v)) fail(path, 'must be plain JSON');
  for (const [k, x] of Object.entries(v)) json(x, `${path}.${k}`, budget, depth + 1);
}

function heuristic(v: unknown, path: string): SectionHeuristic {
  const h = obj(v, path, HEURISTIC_KEYS);
  if (!(typeof h.id === 'string' ? h.id.length > 0 : Number.isSafeInteger(h.id))) fail(`${path}.id`, 'must be an integer or a non-empty string');
  const out: SectionHeuristic = { id: h.id as number | string };
  if (h.signatures !== undefined) {
    const sigs = obj(h.signatures, `${path}.signatures`);
    for (const [k, n] of Object.entries(sigs)) optInt(n, `${path}.signatures.${k}`, 0);
    out.signatures = { ...(sigs as Record<string, number>) };
  }
  if (h.attack !== undefined) out.attack = strList(h.attack, `${path}.attack`);
  if (h.frequency !== undefined) out.frequency = optInt(h.frequency, `${path}.frequency`, 1);
  return out;
}

function section(v: unknown, path: string, budget: { nodes: number }): OutputSection {
  const s = obj(v, path, SECTION_KEYS);
  const out: OutputSection = { title: str(s.title, `${path}.title`) };
  if (s.body !== undefined) {
    json(s.body, `${path}.body`, budget);
    out.body = s.body as OutputSection['body'];
  }
  const set = <K extends keyof OutputSection>(k: K, value: OutputSection[K] | undefined) => {
    if (value !== undefined) out[k] = value;
  };
  set('bodyFormat', optEnum(s.bodyFormat, BODY_FORMATS, `${path}.bodyFormat`));
  if (s.bodyConfig !== undefined) {
    json(obj(s.bodyConfig, `${path}.bodyConfig`), `${path}.bodyConfig`, budget);
    out.bodyConfig = s.bodyConfig as Record<string, unknown>;
  }
  set('depth', optInt(s.depth, `${path}.depth`, 0));
  if (s.heuristic !== undefined) out.heuristic = heuristic(s.heuristic, `${path}.heuristic`);
  if (s.tags !== undefined) {
    const tags: Record<string, string[]> = {};
    for (const [type, values] of Object.entries(obj(s.tags, `${path}.tags`))) {
      if (!type) fail(`${path}.tags`, 'has an empty tag type');
      tags[type] = strList(values, `${path}.tags.${type}`);
    }
    out.tags = tags;
  }
  set('classification', optStr(s.classification, `${path}.classification`));
  set('autoCollapse', optBool(s.autoCollapse, `${path}.autoCollapse`));
  set('zeroizeOnTagSafe', optBool(s.zeroizeOnTagSafe, `${path}.zeroizeOnTagSafe`));
  set('promoteTo', optEnum(s.promoteTo, PROMOTE_TO, `${path}.promoteTo`));
  return out;
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function extractedFile(v: unknown, path: string, workDir: string, realWorkDir: string): Promise<ExtractedFile> {
  const e = obj(v, path, EXTRACTED_KEYS);
  const name = str(e.name, `${path}.name`, true);
  if (name.includes('\0')) fail(`${path}.name`, 'must not contain NUL');
  const given = str(e.path, `${path}.path`, true);
  if (given.includes('\0')) fail(`${path}.path`, 'must not contain NUL');
  const abs = resolve(workDir, given);
  if (!inside(workDir, abs)) fail(`${path}.path`, `escapes the work directory: ${given}`);
  // Checked again after symlinks are resolved: a link inside the work directory may point anywhere.
  let real: string;
  try {
    real = await realpath(abs);
  } catch {
    fail(`${path}.path`, `does not exist: ${given}`);
  }
  if (!inside(realWorkDir, real)) fail(`${path}.path`, `resolves outside the work directory: ${given}`);
  if (!(await stat(real)).isFile()) fail(`${path}.path`, `is not a regular file: ${given}`);
  const out: ExtractedFile = { name, path: abs, description: str(e.description, `${path}.description`) };
  const flag = (k: 'supplementary' | 'allowDynamicRecursion' | 'isSectionImage') => {
    const b = optBool(e[k], `${path}.${k}`);
    if (b !== undefined) out[k] = b;
  };
  flag('supplementary');
  flag('allowDynamicRecursion');
  flag('isSectionImage');
  const rel = optEnum(e.parentRelation, RELATIONS, `${path}.parentRelation`);
  if (rel !== undefined) out.parentRelation = rel;
  return out;
}

/**
 * Checks a service's reply against ServiceOutput. Returns a rebuilt output holding only known fields, with
 * extracted paths made absolute, or the first problem found.
 */
export async function checkOutput(value: unknown, workDir: string): Promise<OutputCheck> {
  try {
    const o = obj(value, 'output', OUTPUT_KEYS);
    if (!Array.isArray(o.sections)) fail('output.sections', 'must be an array');
    if (o.sections.length > MAX_SECTIONS) fail('output.sections', `has more than ${MAX_SECTIONS} entries`);
    const budget = { nodes: 0 };
    const out: ServiceOutput = { sections: o.sections.map((s, i) => section(s, `output.sections[${i}]`, budget)) };
    if (o.extracted !== undefined) {
      if (!Array.isArray(o.extracted)) fail('output.extracted', 'must be an array');
      if (o.extracted.length > MAX_EXTRACTED) fail('output.extracted', `has more than ${MAX_EXTRACTED} entries`);
      out.extracted = [];
      if (o.extracted.length) {
        // Only a service that extracted something has made its work directory.
        const root = resolve(workDir);
        const realRoot = await realpath(root);
        for (const [i, e] of o.extracted.entries()) out.extracted.push(await extractedFile(e, `output.extracted[${i}]`, root, realRoot));
      }
    }
    const dropFile = optBool(o.dropFile, 'output.dropFile');
    if (dropFile !== undefined) out.dropFile = dropFile;
    const partial = optBool(o.partial, 'output.partial');
    if (partial !== undefined) out.partial = partial;
    if (o.tempSubmissionData !== undefined) {
      json(obj(o.tempSubmissionData, 'output.tempSubmissionData'), 'output.tempSubmissionData', budget);
      out.tempSubmissionData = o.tempSubmissionData as Record<string, unknown>;
    }
    const toolVersion = optStr(o.serviceToolVersion, 'output.serviceToolVersion');
    if (toolVersion !== undefined) out.serviceToolVersion = toolVersion;
    const context = optStr(o.serviceContext, 'output.serviceContext');
    if (context !== undefined) out.serviceContext = context;
    return { ok: true, output: out };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, message: err.message };
    return { ok: false, message: `output could not be checked: ${err instanceof Error ? err.message : String(err)}` };
  }
}
