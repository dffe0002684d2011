// The services this deployment runs: each module's manifest, compiled accept/reject patterns, and the choice
// of services for a file (Assemblyline's schedule: stage order, selection by name or category, exclusions).
import { SERVICE_STAGES, type ServiceManifest, type ServiceStage } from '../../sdk/manifest.js';
import type { SubmissionParams } from '../submission/params.js';

export interface RegisteredService {
  manifest: ServiceManifest;
  modulePath: string;
  accepts: RegExp;
  rejects: RegExp;
}

const DEFAULT_REJECTS = 'empty|metadata/.*';

export class ServiceRegistry {
  private readonly byName = new Map<string, RegisteredService>();

  constructor(entries: Array<{ manifest: ServiceManifest; modulePath: string }>) {
    for (const e of entries) {
      if (this.byName.has(e.manifest.name)) throw new Error(`two services are named ${e.manifest.name}`);
      // Assemblyline matches the patterns at the start of the type only (Python re.match).
      this.byName.set(e.manifest.name, {
        ...e,
        accepts: new RegExp(`^(?:${e.manifest.accepts || '.*'})`),
        rejects: new RegExp(`^(?:${e.manifest.rejects ?? DEFAULT_REJECTS})`),
      });
    }
  }

  all(): RegisteredService[] {
    return [...this.byName.values()];
  }

  get(name: string): RegisteredService | undefined {
    return this.byName.get(name);
  }

  /** Expand names and categories into service names. */
  expand(names: string[]): Set<string> {
    const out = new Set<string>();
    for (const n of names) {
      if (this.byName.has(n)) out.add(n);
      for (const s of this.byName.values()) if (s.manifest.category === n) out.add(s.manifest.name);
    }
    return out;
  }

  /**
   * Services to run on a file, grouped by stage in stage order. An empty selection means every service.
   * `prevented` holds names or categories forbidden by an ancestor's recursion prevention.
   */
  schedule(fileType: string, params: SubmissionParams, prevented: string[] = []): Array<[ServiceStage, RegisteredService[]]> {
    const enabled = this.all().filter((s) => s.manifest.enabled !== false);
    const selected = params.services.selected.length ? this.expand(params.services.selected) : new Set(enabled.map((s) => s.manifest.name));
    for (const n of this.expand(params.services.rescan)) selected.add(n);
    const excluded = this.expand([...params.services.excluded, ...params.services.runtime_excluded, ...prevented]);
    const chosen = enabled.filter(
      (s) => selected.has(s.manifest.name) && !excluded.has(s.manifest.name) && s.accepts.test(fileType) && !s.rejects.test(fileType),
    );
    return SERVICE_STAGES.map((stage) => [stage, chosen.filter((s) => s.manifest.stage === stage)] as [ServiceStage, RegisteredService[]]).filter(
      ([, list]) => list.length > 0,
    );
  }
}
