// Loading and checking service manifests in the host. The scheduler needs a service's stage, accepted types,
// timeout and memory class before any worker runs it, and a broken manifest should stop the service from being
// registered with a message that names every problem, rather than fail later on the first file.

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HOST_DATA_KEYS } from '../../sdk/host-data.js';
import { SERVICE_STAGES, type ServiceManifest } from '../../sdk/manifest.js';

/** Below this a Node.js worker cannot even start its runtime. */
export const MIN_MEMORY_MB = 64;

const SUBMISSION_PARAM_TYPES = ['bool', 'int', 'str', 'list'];
const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export class ManifestError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid service manifest (${source}): ${problems.join('; ')}`);
    this.name = 'ManifestError';
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isNonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

function regexProblem(field: string, v: unknown): string | null {
  if (typeof v !== 'string') return `${field} must be a regular expression string`;
  try {
    new RegExp(v);
    return null;
  } catch (err) {
    return `${field} is not a valid regular expression: ${(err as Error).message}`;
  }
}

function heuristicProblems(list: unknown): string[] {
  if (!Array.isArray(list)) return ['heuristics must be an array'];
  const problems: string[] = [];
  const seen = new Set<string>();
  list.forEach((h, i) => {
    const at = `heuristics[${i}]`;
    if (!isObj(h)) return problems.push(`${at} must be an object`);
    const idOk = typeof h.id === 'string' ? NAME_RE.test(h.id) || /^\d+$/.test(h.id) : Number.isSafeInteger(h.id);
    if (!idOk) problems.push(`${at}.id must be an integer or a short identifier`);
    // Ids are stored as "<SERVICE>.<id>", so 1 and "1" are the same heuristic.
    else if (seen.has(String(h.id))) problems.push(`${at}.id ${String(h.id)} is used twice`);
    else seen.add(String(h.id));
    if (!isNonEmpty(h.name)) problems.push(`${at}.name must be a non-empty string`);
    if (typeof h.score !== 'number' || !Number.isFinite(h.score)) problems.push(`${at}.score must be a number`);
    if (h.filetype !== undefined) {
      const p = regexProblem(`${at}.filetype`, h.filetype);
      if (p) problems.push(p);
    }
    if (h.description !== undefined && typeof h.description !== 'string') problems.push(`${at}.description must be a string`);
    if (h.attack !== undefined && !isStrList(h.attack)) problems.push(`${at}.attack must be an array of strings`);
    if (h.signatureScoreMap !== undefined) {
      const ok = isObj(h.signatureScoreMap) && Object.values(h.signatureScoreMap).every((n) => typeof n === 'number' && Number.isFinite(n));
      if (!ok) problems.push(`${at}.signatureScoreMap must map signature names to numbers`);
    }
    if (h.maxScore !== undefined && !(typeof h.maxScore === 'number' && Number.isFinite(h.maxScore))) problems.push(`${at}.maxScore must be a number`);
    return undefined;
  });
  return problems;
}

function submissionParamProblems(list: unknown): string[] {
  if (!Array.isArray(list)) return ['submissionParams must be an array'];
  const problems: string[] = [];
  const names = new Set<string>();
  list.forEach((p, i) => {
    const at = `submissionParams[${i}]`;
    if (!isObj(p)) return problems.push(`${at} must be an object`);
    if (!isNonEmpty(p.name)) problems.push(`${at}.name must be a non-empty string`);
    else if (names.has(p.name)) problems.push(`${at}.name ${p.name} is used twice`);
    else names.add(p.name);
    if (!SUBMISSION_PARAM_TYPES.includes(p.type as string)) problems.push(`${at}.type must be one of ${SUBMISSION_PARAM_TYPES.join(', ')}`);
    if (!('default' in p)) problems.push(`${at}.default is required`);
    if (p.list !== undefined && !Array.isArray(p.list)) problems.push(`${at}.list must be an array`);
    return undefined;
  });
  return problems;
}

/**
 * Problems of a `host` declaration: only data the host provides, each under a configuration key of its own that a
 * submitter cannot set (a submitter's value would replace what the host provides).
 */
function hostProblems(host: unknown, submissionParams: unknown): string[] {
  if (!isObj(host)) return ['host must be an object'];
  const problems: string[] = [];
  const offered = new Set(Array.isArray(submissionParams) ? submissionParams.map((p) => (isObj(p) ? p.name : undefined)) : []);
  const keys = new Set<string>();
  for (const [datum, key] of Object.entries(host)) {
    const at = `host.${datum}`;
    if (!(HOST_DATA_KEYS as readonly string[]).includes(datum)) problems.push(`${at} is not provided by the host (one of ${HOST_DATA_KEYS.join(', ')})`);
    if (!isNonEmpty(key)) problems.push(`${at} must name a configuration key`);
    else if (keys.has(key)) problems.push(`${at}: configuration key ${key} is used twice`);
    else if (offered.has(key)) problems.push(`${at}: configuration key ${key} is also a submission parameter`);
    else keys.add(key);
  }
  return problems;
}

/** Returns the manifest typed, or throws a ManifestError listing every problem found. */
export function validateManifest(value: unknown, source = 'manifest'): ServiceManifest {
  if (!isObj(value)) throw new ManifestError(source, ['the module does not export a `manifest` object']);
  const m = value;
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  check(typeof m.name === 'string' && NAME_RE.test(m.name), 'name must start with a letter and hold only letters, digits, _ and - (at most 64)');
  check(isNonEmpty(m.version), 'version must be a non-empty string');
  check(SERVICE_STAGES.includes(m.stage as never), `stage must be one of ${SERVICE_STAGES.join(', ')}`);
  check(isNonEmpty(m.category), 'category must be a non-empty string');
  check(m.description === undefined || typeof m.description === 'string', 'description must be a string');
  const accepts = regexProblem('accepts', m.accepts);
  if (accepts) problems.push(accepts);
  if (m.rejects !== undefined) {
    const rejects = regexProblem('rejects', m.rejects);
    if (rejects) problems.push(rejects);
  }
  check(typeof m.timeoutSeconds === 'number' && Number.isFinite(m.timeoutSeconds) && m.timeoutSeconds > 0, 'timeoutSeconds must be a positive number');
  check(
    m.memoryMb === undefined || (Number.isSafeInteger(m.memoryMb) && (m.memoryMb as number) >= MIN_MEMORY_MB),
    `memoryMb must be an integer of at least ${MIN_MEMORY_MB}`,
  );
  for (const k of ['enabled', 'disableCache'] as const) check(m[k] === undefined || typeof m[k] === 'boolean', `${k} must be a boolean`);
  check(m.recursionPrevention === undefined || isStrList(m.recursionPrevention), 'recursionPrevention must be an array of strings');
  check(m.config === undefined || isObj(m.config), 'config must be an object');
  if (m.host !== undefined) problems.push(...hostProblems(m.host, m.submissionParams));
  if (m.submissionParams !== undefined) problems.push(...submissionParamProblems(m.submissionParams));
  problems.push(...heuristicProblems(m.heuristics));
  if (problems.length) throw new ManifestError(source, problems);
  return m as unknown as ServiceManifest;
}

/**
 * Imports a service module in the host and returns its checked manifest. The module is evaluated here, so
 * services should load heavy or native dependencies inside execute(), not at the top level.
 */
export async function loadManifest(modulePath: string): Promise<ServiceManifest> {
  const abs = isAbsolute(modulePath) ? modulePath : resolve(modulePath);
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(abs).href);
  } catch (err) {
    throw new Error(`cannot load service module ${abs}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const manifest = validateManifest(mod.manifest, abs);
  if (typeof mod.execute !== 'function') throw new ManifestError(abs, ['the module does not export an execute function']);
  // A copy: the host adjusts a service's configuration per deployment, and the module object is shared by every
  // server in the process.
  return structuredClone(manifest);
}
