// Snapshots of the file items of a list, for the Safelist and Badlist services. Services run in workers without
// a datastore, so the host writes the enabled file items to a JSON file and the services read it. This module
// owns the format, and with it the parts of a list item that travel in it; the host's list model builds on them.
//
// Format (version 1):
//   { "version": 1, "kind": "safelist" | "badlist", "generated": "<ISO date>",
//     "items": [ { "id", "hashes": {md5?, sha1?, sha256?, ssdeep?, tlsh?}, "file"?, "sources", "attribution"?,
//                  "classification" } ] }
// Only enabled, unexpired items of type "file" are written; tag and signature items are not file verdicts.
import { readFileSync, statSync } from 'node:fs';

export type ListKind = 'safelist' | 'badlist';

export const ATTRIBUTION_KEYS = ['actor', 'campaign', 'category', 'exploit', 'implant', 'family', 'network'] as const;
export type Attribution = Partial<Record<(typeof ATTRIBUTION_KEYS)[number], string[]>>;

export interface ListSource {
  classification: string;
  name: string;
  reason: string[];
  type: 'user' | 'external';
}

export interface ListHashes {
  md5?: string;
  sha1?: string;
  sha256?: string;
  ssdeep?: string;
  tlsh?: string;
}

export const SNAPSHOT_VERSION = 1;

export interface SnapshotItem {
  id: string;
  hashes: ListHashes;
  file?: { name?: string[]; size?: number; type?: string };
  sources: ListSource[];
  attribution?: Attribution;
  classification: string;
}

export interface ListSnapshot {
  version: number;
  kind: ListKind;
  generated: string;
  items: SnapshotItem[];
}

const cache = new Map<string, { ino: number; mtimeMs: number; size: number; snapshot: ListSnapshot }>();

/**
 * Reads a snapshot, re-parsing only when the file changed; a worker checks the same file for every task.
 * A missing file reads as an empty list (the host may not have written one yet).
 */
export function readListSnapshot(path: string, kind: ListKind): ListSnapshot {
  let st;
  try {
    st = statSync(path);
  } catch {
    return { version: SNAPSHOT_VERSION, kind, generated: '', items: [] };
  }
  const hit = cache.get(path);
  // The writer renames a new file into place, so a new inode means a new snapshot even within one mtime tick.
  if (hit && hit.ino === st.ino && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.snapshot;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ListSnapshot>;
  if (parsed.version !== SNAPSHOT_VERSION || !Array.isArray(parsed.items)) throw new Error(`unsupported list snapshot at ${path}`);
  if (parsed.kind !== kind) throw new Error(`snapshot at ${path} holds the ${String(parsed.kind)}, not the ${kind}`);
  const snapshot = parsed as ListSnapshot;
  cache.set(path, { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, snapshot });
  return snapshot;
}

export interface FileHashInfo {
  md5?: string;
  sha1?: string;
  sha256?: string;
  ssdeep?: string;
  tlsh?: string | null;
}

function matchBy(fileInfo: FileHashInfo, items: readonly SnapshotItem[], keys: Array<keyof ListHashes>): { item: SnapshotItem; hash: keyof ListHashes } | null {
  for (const key of keys) {
    const mine = fileInfo[key]?.toLowerCase();
    if (!mine) continue;
    const item = items.find((i) => i.hashes[key]?.toLowerCase() === mine);
    if (item) return { item, hash: key };
  }
  return null;
}

/** The safelist item that names this file by sha256, sha1 or md5, if any. */
export function safelistVerdict(fileInfo: FileHashInfo, items: readonly SnapshotItem[]) {
  return matchBy(fileInfo, items, ['sha256', 'sha1', 'md5']);
}

/**
 * The badlist item that names this file by a cryptographic hash, or by an identical TLSH or ssdeep digest
 * (a badlist item may be keyed by a fuzzy hash alone).
 */
export function badlistVerdict(fileInfo: FileHashInfo, items: readonly SnapshotItem[]) {
  return matchBy(fileInfo, items, ['sha256', 'sha1', 'md5', 'tlsh', 'ssdeep']);
}
