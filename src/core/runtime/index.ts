// The isolated service runtime: service modules run in a pool of child processes with time and memory limits,
// and every way a service can fail (throw, crash, hang, exhaust memory, return junk) comes back as a RunOutcome.

export { ServicePool } from './pool.js';
export { loadManifest, validateManifest, ManifestError, MIN_MEMORY_MB } from './manifest.js';
export { checkOutput, type OutputCheck } from './output.js';
export type { FailureKind, PoolOptions, PoolStats, RunOutcome, RunRequest, RuntimeLogger } from './types.js';
