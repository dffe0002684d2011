// Keeps what the analysis reads of the lists current after every change: the file snapshots the Safelist and
// Badlist services read in their workers, and the tag and signature safelist that result post-processing
// applies in this process. Changes go through here so that a list edit answered by the API is in force for the
// next file analysed.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Datastore } from '../../store/datastore.js';
import type { ResultSafelist } from '../results/postprocess.js';
import { SNAPSHOT_VERSION, type ListKind, type ListSnapshot, type SnapshotItem } from '../../sdk/list-snapshot.js';
import { ListStore } from './store.js';
import { DEFAULT_TAG_SAFELIST, type ConfiguredTagSafelist } from './tag-defaults.js';

/**
 * Writes a list's snapshot in the format the SDK reads (src/sdk/list-snapshot.ts), atomically (temporary file,
 * then rename) so a reader never sees half a file.
 */
export async function writeListSnapshot(store: ListStore, kind: ListKind, path: string, now = new Date()): Promise<number> {
  if (store.kind !== kind) throw new Error(`store holds the ${store.kind}, not the ${kind}`);
  const items = (await store.activeFileItems(now)).map(
    ({ id, hashes, file, sources, attribution, classification }): SnapshotItem => ({ id, hashes, file, sources, attribution, classification }),
  );
  const snapshot: ListSnapshot = { version: SNAPSHOT_VERSION, kind, generated: now.toISOString(), items };
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(snapshot));
  await rename(tmp, path);
  return items.length;
}

export class ListSync {
  readonly safelist: ListStore;
  readonly badlist: ListStore;
  private current: ResultSafelist = {};
  private readonly chains = new Map<ListKind, Promise<void>>();
  private readonly configured: { tags: Map<string, Set<string>>; regex: Map<string, RegExp[]> };

  constructor(datastore: Datastore, private readonly dir: string, configured: ConfiguredTagSafelist = DEFAULT_TAG_SAFELIST) {
    this.safelist = new ListStore('safelist', datastore);
    this.badlist = new ListStore('badlist', datastore);
    this.configured = {
      tags: new Map(Object.entries(configured.match).map(([type, values]) => [type, new Set(values)])),
      regex: new Map(Object.entries(configured.regex).map(([type, patterns]) => [type, patterns.map((p) => new RegExp(p, 'i'))])),
    };
    this.current = { tags: this.configured.tags, regex: this.configured.regex };
  }

  snapshotPath(kind: ListKind): string {
    return join(this.dir, `${kind}.json`);
  }

  /** The tag and signature safelist in force (configured values plus enabled list items). */
  resultSafelist(): ResultSafelist {
    return this.current;
  }

  /** Brings both lists' derived state up to date; called at start. */
  async refreshAll(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await Promise.all([this.changed('safelist'), this.changed('badlist')]);
  }

  /**
   * Rebuilds what depends on a list after it changed. Rebuilds of one list run one after the other, so the last
   * one to finish always reflects the last change.
   */
  changed(kind: ListKind): Promise<void> {
    const next = (this.chains.get(kind) ?? Promise.resolve()).catch(() => undefined).then(() => this.rebuild(kind));
    this.chains.set(kind, next);
    return next;
  }

  private async rebuild(kind: ListKind): Promise<void> {
    const store = kind === 'safelist' ? this.safelist : this.badlist;
    await writeListSnapshot(store, kind, this.snapshotPath(kind));
    if (kind === 'safelist') this.current = await this.buildResultSafelist();
  }

  private async buildResultSafelist(now = new Date()): Promise<ResultSafelist> {
    const tags = new Map([...this.configured.tags].map(([type, values]) => [type, new Set(values)]));
    const signatures = new Set<string>();
    for (const item of await this.safelist.activeItems(['tag', 'signature'], now)) {
      if (item.type === 'tag' && item.tag) {
        let values = tags.get(item.tag.type);
        if (!values) tags.set(item.tag.type, (values = new Set()));
        values.add(item.tag.value);
      } else if (item.type === 'signature' && item.signature) {
        signatures.add(item.signature.name);
      }
    }
    return { tags, regex: this.configured.regex, signatures };
  }
}
