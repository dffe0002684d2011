// Safelist and badlist: item model, store, the service the API edits them through, and the snapshots the
// filtering services read.
export {
  ATTRIBUTION_KEYS,
  idHashOrder,
  itemTypes,
  mergeItems,
  prepareItem,
  UNRESTRICTED,
  type Attribution,
  type ItemType,
  type ListHashes,
  type ListItem,
  type ListKind,
  type ListSource,
} from './model.js';
export { ListStore, notFoundMessage, SIMILARITY_SCAN_LIMIT, SSDEEP_MIN_SCORE, TLSH_MAX_DISTANCE, type ListCaller, type StoredItem } from './store.js';
export {
  badlistVerdict,
  readListSnapshot,
  safelistVerdict,
  SNAPSHOT_VERSION,
  writeListSnapshot,
  type FileHashInfo,
  type ListSnapshot,
  type SnapshotItem,
} from './snapshot.js';
export { ListService } from './service.js';
export { ListSync } from './sync.js';
export { DEFAULT_TAG_SAFELIST, type ConfiguredTagSafelist } from './tag-defaults.js';
