// Safelist and badlist: item model, store, the service the API edits them through, and keeping the snapshots the
// filtering services read current. The snapshot format and the item fields it carries belong to the SDK
// (src/sdk/list-snapshot.ts).
export { idHashOrder, itemTypes, mergeItems, prepareItem, UNRESTRICTED, type ItemType, type ListItem } from './model.js';
export { ListStore, notFoundMessage, SIMILARITY_SCAN_LIMIT, SSDEEP_MIN_SCORE, TLSH_MAX_DISTANCE, type ListCaller, type StoredItem } from './store.js';
export { ListService } from './service.js';
export { ListSync, writeListSnapshot } from './sync.js';
export { DEFAULT_TAG_SAFELIST, type ConfiguredTagSafelist } from './tag-defaults.js';
