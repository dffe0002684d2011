// The services this deployment runs, as Assemblyline's service API and help pages present them: summaries, a
// service's full document, the services of each category and stage, and which services take each file type
// seen so far.
import type { Collection } from '../../store/datastore.js';
import { SERVICE_CATEGORIES, SERVICE_STAGES } from '../../sdk/manifest.js';
import type { RegisteredService, ServiceRegistry } from '../dispatch/registry.js';
import { notFound } from '../errors.js';
import type { FileRecord } from '../files/file-record.js';
import { heuristicId } from '../results/heuristics.js';

const DEFAULT_ACCEPTS = '.*';
const DEFAULT_REJECTS = 'empty|metadata/.*';
/** File types read from the stored files for the constants; more than any deployment has. */
const FILE_TYPE_SCAN = 100_000;

/** A service in a listing. */
export interface ServiceSummary {
  accepts: string;
  category: string;
  classification: string;
  description: string;
  enabled: boolean;
  name: string;
  privileged: boolean;
  rejects: string;
  stage: string;
  version: string;
}

/** A service as Assemblyline's service model presents it. */
export interface ServiceDocument {
  name: string;
  version: string;
  enabled: boolean;
  category: string;
  stage: string;
  description: string;
  accepts: string;
  rejects: string;
  timeout: number;
  ram_mb: number | null;
  disable_cache: boolean;
  is_external: boolean;
  recursion_prevention: string[];
  classification: string;
  default_result_classification: string;
  config: Record<string, unknown>;
  submission_params: Array<{ name: string; type: string; default: unknown; value: unknown; list?: unknown[]; hide?: boolean }>;
  heuristics: Array<{ heur_id: string; name: string; score: number }>;
}

export function serviceDocument(s: RegisteredService): ServiceDocument {
  const m = s.manifest;
  return {
    name: m.name,
    version: m.version,
    enabled: m.enabled !== false,
    category: m.category,
    stage: m.stage,
    description: m.description ?? '',
    accepts: m.accepts || DEFAULT_ACCEPTS,
    rejects: m.rejects ?? DEFAULT_REJECTS,
    timeout: m.timeoutSeconds,
    ram_mb: m.memoryMb ?? null,
    disable_cache: Boolean(m.disableCache),
    is_external: false,
    recursion_prevention: m.recursionPrevention ?? [],
    classification: 'TLP:C',
    default_result_classification: 'TLP:C',
    config: m.config ?? {},
    submission_params: (m.submissionParams ?? []).map((p) => ({ ...p, value: p.value ?? p.default })),
    heuristics: m.heuristics.map((h) => ({ heur_id: heuristicId(m.name, h.id), name: h.name, score: h.score })),
  };
}

/** Takes every file type, as a service without its own accepts and rejects does. */
const takesEverything = (s: RegisteredService) =>
  (s.manifest.accepts || DEFAULT_ACCEPTS) === DEFAULT_ACCEPTS && (s.manifest.rejects ?? DEFAULT_REJECTS) === DEFAULT_REJECTS;

export class ServiceCatalogue {
  constructor(
    private readonly registry: ServiceRegistry,
    private readonly files: Pick<Collection<FileRecord>, 'search'>,
  ) {}

  private all(): RegisteredService[] {
    return this.registry.all().sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
  }

  summaries(): ServiceSummary[] {
    return this.all().map((s) => {
      const d = serviceDocument(s);
      return { accepts: d.accepts, category: d.category, classification: d.classification, description: d.description, enabled: d.enabled, name: d.name, privileged: false, rejects: d.rejects, stage: d.stage, version: d.version };
    });
  }

  document(name: string): ServiceDocument {
    const s = this.registry.get(name);
    if (!s) throw notFound(`${name} service does not exist`, '');
    return serviceDocument(s);
  }

  /** Each category (or stage) Assemblyline knows, with the names of the services in it. */
  namesBy(key: 'category' | 'stage'): Array<[string, string[]]> {
    const values: readonly string[] = key === 'category' ? SERVICE_CATEGORIES : SERVICE_STAGES;
    const all = this.all();
    return values.map((v) => [v, all.filter((s) => s.manifest[key] === v).map((s) => s.manifest.name)]);
  }

  /**
   * `*` with the services that take every file, then each file type stored so far with the services that take
   * it specifically.
   */
  async fileTypes(): Promise<Array<[string, string[]]>> {
    const all = this.all();
    const specific = all.filter((s) => !takesEverything(s));
    const types = [...new Set((await this.files.search({ fields: ['type'], limit: FILE_TYPE_SCAN })).items.map((f) => f.type))].sort();
    return [
      ['*', all.filter(takesEverything).map((s) => s.manifest.name)],
      ...types.map((t): [string, string[]] => [t, specific.filter((s) => s.accepts.test(t) && !s.rejects.test(t)).map((s) => s.manifest.name).sort()]),
    ];
  }
}
