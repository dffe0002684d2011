// The configuration each service runs with: its manifest's defaults, then the deployment's settings for it, then
// the host data its manifest declares (`host`, see src/sdk/host-data.ts). The host data comes last because it
// says where the host keeps files for the service; a setting cannot point the service elsewhere.
import type { HostData, HostDataKey } from '../../sdk/host-data.js';
import type { ServiceManifest } from '../../sdk/manifest.js';

/** One host datum: its value, and the work that makes it current before the first task (when there is any). */
export interface HostDataProvider {
  value: string;
  prepare?: () => Promise<unknown>;
}

export type HostDataProviders = Record<HostDataKey, HostDataProvider>;

/** The value of every host datum. */
export function hostDataValues(providers: HostDataProviders): HostData {
  return Object.fromEntries(Object.entries(providers).map(([key, p]) => [key, p.value])) as HostData;
}

/** Brings up to date the host data the services declare, and only that. */
export async function prepareHostData(providers: HostDataProviders, manifests: ServiceManifest[]): Promise<void> {
  const wanted = new Set(manifests.flatMap((m) => Object.keys(m.host ?? {}) as HostDataKey[]));
  for (const key of wanted) await providers[key].prepare?.();
}

/** The configuration entries that carry the host data a manifest declares. */
export function hostSettings(manifest: ServiceManifest, data: HostData): Record<string, string> {
  return Object.fromEntries(Object.entries(manifest.host ?? {}).map(([datum, configKey]) => [configKey, data[datum as HostDataKey]]));
}

/**
 * Each service with its deployment settings and host data applied to its manifest's config. A service without
 * either keeps its manifest as it is.
 */
export function configureServices<T extends { manifest: ServiceManifest }>(
  services: T[], settings: Readonly<Record<string, Record<string, unknown>>>, data: HostData,
): T[] {
  return services.map((s) => {
    const own = Object.hasOwn(settings, s.manifest.name) ? settings[s.manifest.name] : undefined;
    if (!own && !s.manifest.host) return s;
    return { ...s, manifest: { ...s.manifest, config: { ...s.manifest.config, ...own, ...hostSettings(s.manifest, data) } } };
  });
}
