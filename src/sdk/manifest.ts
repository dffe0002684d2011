// A service's manifest: what the host needs to know about it before running it (name, stage, the file types it
// takes, limits, configuration, the parameters a submitter may set and the heuristics it can raise). The host
// checks every manifest when it loads a service, so a broken one is refused with all its problems named.
import type { HeuristicDefinition } from './heuristic.js';
import type { HostDataRequest } from './host-data.js';

export const SERVICE_STAGES = ['FILTER', 'EXTRACT', 'CORE', 'SECONDARY', 'POST', 'REVIEW'] as const;
export type ServiceStage = (typeof SERVICE_STAGES)[number];

export const SERVICE_CATEGORIES = [
  'Antivirus', 'Dynamic Analysis', 'External', 'Extraction', 'Filtering', 'Internet Connected', 'Networking', 'Static Analysis',
] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

/** A parameter a submitter may set for this service in `service_spec`. */
export interface SubmissionParam {
  name: string;
  type: 'bool' | 'int' | 'str' | 'list';
  default: unknown;
  value?: unknown;
  list?: unknown[];
  hide?: boolean;
}

export interface ServiceManifest {
  name: string;
  version: string;
  stage: ServiceStage;
  category: ServiceCategory | string;
  description?: string;
  /** File types the service takes: regex matched at the start of the AL type label. */
  accepts: string;
  /** File types it never takes, checked after `accepts`. */
  rejects?: string;
  timeoutSeconds: number;
  /** Memory ceiling of the worker running it. */
  memoryMb?: number;
  enabled?: boolean;
  /** Never reuse cached results of this service. */
  disableCache?: boolean;
  /** Services or categories that must not run on files this service extracts. */
  recursionPrevention?: string[];
  /** Default configuration, overridable per deployment. */
  config?: Record<string, unknown>;
  /**
   * Host-provided data the service needs, and the configuration key each arrives under: `{ yaraRules: 'rules_dir' }`
   * sets `serviceConfig.rules_dir` to the directory of the deployed YARA rules (see host-data.ts). Declared here,
   * not looked up by service name, so the host knows no analyser and each service gets only what it asked for.
   * It arrives as configuration, over the defaults and the deployment's settings, so the worker protocol, the
   * result cache (whose key covers the configuration) and a direct call of execute() treat it as any other
   * setting; without a host the default in `config` applies.
   */
  host?: HostDataRequest;
  /** Parameters a submitter may set (`service_spec`). */
  submissionParams?: SubmissionParam[];
  heuristics: HeuristicDefinition[];
}
