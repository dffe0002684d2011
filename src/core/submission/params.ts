// Submission parameters (Assemblyline's SubmissionParams): defaults, submission profiles, and how a request's
// params are merged over them for the ingest and submit endpoints.
import type { Role } from '../auth/roles.js';
import { badRequest } from '../errors.js';
import { isPlainObject } from '../util/plain.js';

export interface ServiceSelection {
  selected: string[];
  excluded: string[];
  rescan: string[];
  resubmit: string[];
  runtime_excluded: string[];
}

export interface SubmissionParams {
  classification: string;
  deep_scan: boolean;
  description: string;
  filetype_override: string | null;
  generate_alert: boolean;
  groups: string[];
  ignore_cache: boolean;
  ignore_dynamic_recursion_prevention: boolean;
  ignore_recursion_prevention: boolean;
  ignore_filtering: boolean;
  ignore_size: boolean;
  never_drop: boolean;
  malicious: boolean;
  max_extracted: number;
  max_supplementary: number;
  priority: number;
  profile: boolean;
  psid: string | null;
  quota_item: boolean;
  services: ServiceSelection;
  service_spec: Record<string, Record<string, unknown>>;
  submitter: string;
  trace: boolean;
  ttl: number;
  type: string;
  initial_data: string | null;
  auto_archive: boolean;
  delete_after_archive: boolean;
  use_archive_alternate_dtl: boolean;
}

/** Longest time to live a submission may ask for: centuries, far inside the dates an expiry can hold. */
export const MAX_TTL_DAYS = 100_000;

export const DEFAULT_SERVICE_SELECTION = ['Filtering', 'Antivirus', 'Static Analysis', 'Extraction', 'Networking'];

/** Profiles offered to users who may not customise submissions (Assemblyline's defaults). */
export const SUBMISSION_PROFILES: Record<string, { display_name: string; services: string[] }> = {
  static: { display_name: 'Static Analysis', services: DEFAULT_SERVICE_SELECTION },
  static_with_internet: { display_name: 'Internet Connected Static Analysis', services: [...DEFAULT_SERVICE_SELECTION, 'Internet Connected'] },
  static_with_dynamic: { display_name: 'Static + Dynamic Analysis', services: [...DEFAULT_SERVICE_SELECTION, 'Dynamic Analysis'] },
};

export function defaultParams(classification: string, ttl: number): SubmissionParams {
  return {
    classification,
    deep_scan: false,
    description: '',
    filetype_override: null,
    generate_alert: false,
    groups: [],
    ignore_cache: false,
    ignore_dynamic_recursion_prevention: false,
    ignore_recursion_prevention: false,
    ignore_filtering: false,
    ignore_size: false,
    never_drop: false,
    malicious: false,
    max_extracted: 500,
    max_supplementary: 500,
    priority: 1000,
    profile: false,
    psid: null,
    quota_item: false,
    services: { selected: [...DEFAULT_SERVICE_SELECTION], excluded: [], rescan: [], resubmit: [], runtime_excluded: [] },
    service_spec: {},
    submitter: '',
    trace: false,
    ttl,
    type: 'USER',
    initial_data: null,
    auto_archive: false,
    delete_after_archive: false,
    use_archive_alternate_dtl: false,
  };
}

type Plain = Record<string, unknown>;

/**
 * Merge `over` into `base` recursively; the result keeps only keys SubmissionParams knows. The recursion
 * follows the defaults' own objects (`services`), never the request's, so its depth is fixed whatever the
 * request nests; service_spec is taken whole, its nesting bounded by server.maxJsonDepth at intake.
 */
function mergeKnown(base: Plain, over: Plain, path = 'params'): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    // Unknown keys are ignored, as the AL model ignores them. Own keys only: `in` would also accept what every
    // object inherits ("constructor", "toString", "__proto__", which would even replace the prototype).
    if (!Object.hasOwn(base, k) || v === undefined) continue;
    const cur = base[k];
    if (v === null) {
      if (cur === null) out[k] = null; // only nullable fields (psid, filetype_override, …) take null
      continue;
    }
    if (cur === null) {
      if (typeof v !== 'string') throw badRequest(`${path}.${k} must be a string or null`);
      out[k] = v;
      continue;
    }
    if (k === 'service_spec') {
      if (!isPlainObject(v)) throw badRequest(`${path}.service_spec must be an object`);
      out[k] = v;
    } else if (isPlainObject(cur)) {
      if (!isPlainObject(v)) throw badRequest(`${path}.${k} must be an object`);
      out[k] = mergeKnown(cur, v, `${path}.${k}`);
    } else if (Array.isArray(cur)) {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badRequest(`${path}.${k} must be a list of strings`);
      out[k] = v;
    } else if (typeof cur === 'number') {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      // Safe integers only: 1e300 is an integer to JavaScript, and no date or count survives it.
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw badRequest(`${path}.${k} must be an integer`);
      out[k] = n;
    } else if (typeof cur === 'boolean') {
      if (typeof v !== 'boolean') throw badRequest(`${path}.${k} must be true or false`);
      out[k] = v;
    } else {
      if (typeof v !== 'string') throw badRequest(`${path}.${k} must be a string`);
      out[k] = v;
    }
  }
  return out;
}

export interface ParamsRequest {
  params?: unknown;
  submission_profile?: unknown;
  /** Top-level ingest type (the Python client's `type`). */
  type?: unknown;
}

export interface Submitter {
  uname: string;
  groups: string[];
  classification: string;
  roles: Set<Role> | Role[];
  /** The user's saved submission profiles (profile name → params), from their settings. */
  profiles?: Record<string, Record<string, unknown>>;
  /** Metadata added to every submission of the user, under what the request gives. */
  defaultMetadata?: Record<string, string>;
}

/** A system profile by name. Own names only: "constructor" or "__proto__" would find what every object inherits. */
function systemProfile(name: string | undefined): { display_name: string; services: string[] } | undefined {
  return name !== undefined && Object.hasOwn(SUBMISSION_PROFILES, name) ? SUBMISSION_PROFILES[name] : undefined;
}

/**
 * A user's starting params for a profile ("default" or a system profile): the system defaults, the profile's
 * service selection, then the user's own saved settings for that profile.
 */
export function profileParams(profile: string | undefined, user: Submitter, opts: { ttl: number }): SubmissionParams {
  let base = defaultParams(user.classification, opts.ttl) as unknown as Plain;
  const system = systemProfile(profile);
  if (system) base = { ...base, services: { ...(base.services as Plain), selected: [...system.services] } };
  const key = profile ?? 'default';
  const saved = user.profiles && Object.hasOwn(user.profiles, key) ? user.profiles[key] : undefined;
  if (isPlainObject(saved)) base = mergeKnown(base, saved);
  const out = base as unknown as SubmissionParams;
  out.groups = [...user.groups];
  out.submitter = user.uname;
  return out;
}

/** The effective params of a request: defaults, then the chosen profile, then the request's own params. */
export function resolveParams(req: ParamsRequest, user: Submitter, opts: { ttl: number; maxDtl: number }): SubmissionParams {
  const roles = user.roles instanceof Set ? user.roles : new Set(user.roles);
  const canCustomize = roles.has('submission_customize');
  if (req.submission_profile !== undefined && typeof req.submission_profile !== 'string') throw badRequest('submission_profile must be a string');
  const profile = req.submission_profile;
  if (profile !== undefined && !systemProfile(profile) && !canCustomize) throw badRequest(`Submission profile '${profile}' does not exist`);
  if (profile === undefined && !canCustomize) {
    throw badRequest(`You must specify a submission profile. One of: ${JSON.stringify(Object.keys(SUBMISSION_PROFILES))}`);
  }
  const base = profileParams(profile, user, opts) as unknown as Plain;
  if (req.params !== undefined && !isPlainObject(req.params)) throw badRequest('params must be an object');
  const requested = (req.params ?? {}) as Plain;
  if (!canCustomize) {
    // Without submission_customize a profile's service selection is fixed.
    for (const k of ['services', 'service_spec']) if (k in requested) throw badRequest(`You are not allowed to change ${k} of a submission profile`);
  }
  const merged = mergeKnown(base, requested) as unknown as SubmissionParams;
  merged.submitter = user.uname;
  if (typeof req.type === 'string' && req.type && !('type' in requested)) merged.type = req.type;
  // Checked before the cap: a negative ttl would otherwise mean no expiry, past maxDtl, and a huge one an expiry
  // date no Date can hold (the submission's record then failed to build).
  if (merged.ttl < 0 || merged.ttl > MAX_TTL_DAYS) throw badRequest(`params.ttl must be between 0 (no expiry) and ${MAX_TTL_DAYS} days`);
  if (opts.maxDtl > 0) merged.ttl = merged.ttl !== 0 ? Math.min(merged.ttl, opts.maxDtl) : opts.maxDtl;
  if (merged.priority < 0 || merged.priority > 1500) throw badRequest('params.priority must be between 0 and 1500');
  return merged;
}
