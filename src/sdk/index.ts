// The analyser SDK: the contract between the host and a service (manifest, task, context, output) and the helpers
// analysers share. It depends on nothing of the host, so an analyser that imports only this package and its own
// folder can be built, tested and run without the server around it.
//
// This index is the public surface. Analysers take the contract's types from here and each helper from the module
// that holds it (`sdk/iocs.js`, `sdk/hashes/tlsh.js`...): importing a value through the index evaluates every
// helper, and a worker would then carry the IOC extractor's public-suffix list and the hash tables (some 25 MB)
// for analysers that use neither.
export type { ServiceContext } from './context.js';
export type { HeuristicDefinition } from './heuristic.js';
export { HOST_DATA_KEYS, type HostData, type HostDataKey, type HostDataRequest } from './host-data.js';
export { SERVICE_CATEGORIES, SERVICE_STAGES, type ServiceCategory, type ServiceManifest, type ServiceStage, type SubmissionParam } from './manifest.js';
export type { ExecuteFn, ServiceModule } from './module.js';
export type { BodyFormat, ExtractedFile, OutputSection, SectionHeuristic, ServiceOutput } from './output.js';
export type { ServiceTask } from './task.js';


// Helpers analysers share.
export { readHead } from './read-head.js';
export {
  bytesEntropy,
  FileHasher,
  hashFile,
  shannonEntropy,
  ssdeepCompare,
  ssdeepHash,
  tlshDiff,
  tlshHash,
  tlshHashT1,
  type FileHashes,
} from './hashes/index.js';
export { emptyIocs, findIocs, ipRange, isDomain, refang, type Iocs } from './iocs.js';
export { emailWords, passwordCandidates } from './passwords.js';
export { BinaryReader } from './binary-reader.js';
export { yaraCompileError, yarax, type YaraPatternMatch, type YaraRuleMatch, type YaraRules } from './yarax.js';
export {
  ATTRIBUTION_KEYS,
  badlistVerdict,
  readListSnapshot,
  safelistVerdict,
  type Attribution,
  type FileHashInfo,
  type ListHashes,
  type ListKind,
  type ListSnapshot,
  type ListSource,
  type SnapshotItem,
} from './list-snapshot.js';
export {
  isValidDomain,
  normalizeTagValue,
  validateTags,
  type FlatTags,
  type InvalidTag,
  type TagCheck,
  type TagValidationOptions,
  type TagValue,
} from './tags/validate.js';
export { shortType, tagKind, TAG_TYPE_LIST, TAG_TYPES, type TagKind } from './tags/taxonomy.js';
