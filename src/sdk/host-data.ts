// Data only the host has, which some services need. A service runs in a worker without a datastore, so the host
// keeps files current as the datastore changes and tells the services that ask where they are.
//
// A service asks in its manifest (`host`, see manifest.ts) by key, naming the configuration key it wants each
// value under. The host looks at the declarations, never at service names: a new analyser that needs one of these
// declares it, and nothing in the host changes; a service receives only what it declared.

/**
 * What the host provides, each a local path:
 * - `yaraRules`: directory of the deployed YARA signatures, one `<source>.yar` file per signature source,
 *   rewritten whenever a signature changes;
 * - `safelistSnapshot`, `badlistSnapshot`: the list's enabled file items in the snapshot format of
 *   list-snapshot.ts, rewritten before a change to the list is answered.
 */
export const HOST_DATA_KEYS = ['yaraRules', 'safelistSnapshot', 'badlistSnapshot'] as const;
export type HostDataKey = (typeof HOST_DATA_KEYS)[number];

/** The values of every host datum, as the host supplies them. */
export type HostData = Record<HostDataKey, string>;

/** A manifest's request: each host datum it needs → the configuration key it receives it under. */
export type HostDataRequest = { readonly [K in HostDataKey]?: string };
