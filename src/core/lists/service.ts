// The safelist and badlist as the API reads and edits them: lookups by any hash, adds and merges, removal,
// enabling, and (badlist) similarity lookups by fuzzy hash. Every edit is passed on to ListSync, so the next
// file analysed already sees it.
import { badRequest, notFound } from '../errors.js';
import type { ListKind } from '../../sdk/list-snapshot.js';
import type { ListItem } from './model.js';
import { notFoundMessage, type ListCaller, type ListStore, type StoredItem } from './store.js';
import type { ListSync } from './sync.js';

/** A similarity threshold given as text: absent or empty for the default, else an integer in [min, max]. */
function threshold(raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest(`threshold must be an integer between ${min} and ${max}`, {});
  return n;
}

export class ListService {
  constructor(private readonly sync: ListSync) {}

  private store(kind: ListKind): ListStore {
    return kind === 'safelist' ? this.sync.safelist : this.sync.badlist;
  }

  /** The item an md5, sha1 or sha256 names, without its key. */
  async lookup(kind: ListKind, qhash: string): Promise<ListItem> {
    if (![32, 40, 64].includes(qhash.length)) throw badRequest('Invalid hash length', {});
    const found = await this.store(kind).lookup(qhash);
    if (!found) throw notFound(notFoundMessage(kind), {});
    const { id: _id, ...item } = found;
    return item;
  }

  /** Adds an item, or merges it into the stored one; `caller` may only add sources they are entitled to. */
  async add(kind: ListKind, raw: unknown, caller: ListCaller): Promise<{ op: 'add' | 'update'; hash: string }> {
    const out = await this.store(kind).addUpdate(raw, caller);
    await this.sync.changed(kind);
    return out;
  }

  /** Adds or merges each item of a list; the bad ones are reported and do not stop the others. */
  async addMany(kind: ListKind, raw: unknown, caller: ListCaller): Promise<{ success: number; errors: string[] }> {
    const out = await this.store(kind).addUpdateMany(raw, caller);
    await this.sync.changed(kind);
    return out;
  }

  async remove(kind: ListKind, id: string): Promise<void> {
    await this.store(kind).remove(id);
    await this.sync.changed(kind);
  }

  async setEnabled(kind: ListKind, id: string, enabled: boolean): Promise<void> {
    await this.store(kind).setEnabled(id, enabled);
    await this.sync.changed(kind);
  }

  /** Badlisted items whose ssdeep scores at least `minScore` (0-100, as text) against `digest`, best first. */
  similarSsdeep(digest: string, minScore?: string): Promise<Array<StoredItem & { similarity: number }>> {
    if (!digest) throw badRequest('You must provide an ssdeep value', {});
    return this.sync.badlist.similarSsdeep(digest, threshold(minScore, 0, 100));
  }

  /** Badlisted items whose TLSH is within `maxDistance` (0-2000, as text) of `digest`, closest first. */
  similarTlsh(digest: string, maxDistance?: string): Promise<Array<StoredItem & { distance: number }>> {
    return this.sync.badlist.similarTlsh(digest, threshold(maxDistance, 0, 2000));
  }
}
