// The stored safelist or badlist: add-or-update with source merging, lookups by any hash, enable/disable,
// delete, and (badlist) similarity lookups by ssdeep and TLSH.
import { AssayError, badRequest, forbidden, notFound } from '../errors.js';
import { ssdeepCompare } from '../../sdk/hashes/ssdeep-compare.js';
import { decodeDigest, tlshDiff, type TlshFields } from '../../sdk/hashes/tlsh.js';
import type { Collection, Datastore, Filter } from '../../store/datastore.js';
import { mergeItems, prepareItem, type ItemType, type ListItem } from './model.js';
import type { ListKind } from '../../sdk/list-snapshot.js';

/** Who is adding: user sources must carry the caller's own name; external sources need `signature_import`. */
export interface ListCaller {
  uname: string;
  roles: readonly string[];
}

export type StoredItem = ListItem & { id: string };

/** Default minimum ssdeep score (0-100) for a similarity match. */
export const SSDEEP_MIN_SCORE = 50;
/** Default maximum TLSH distance for a similarity match (lower is closer; ~50 is "very similar"). */
export const TLSH_MAX_DISTANCE = 50;
/** Upper bound of items a similarity lookup examines, so one request cannot walk an unbounded list. */
export const SIMILARITY_SCAN_LIMIT = 20_000;
const PAGE = 500;

const SSDEEP_SHAPE = /^(\d+):([^:]*):([^:]*)$/;

export function notFoundMessage(kind: ListKind): string {
  return `The hash was not found in the ${kind}.`;
}

export class ListStore {
  readonly items: Collection<ListItem>;

  constructor(readonly kind: ListKind, datastore: Datastore) {
    this.items = datastore.collection<ListItem>(kind);
  }

  /** Adds an item, or merges it into the stored one with the same id. */
  async addUpdate(raw: unknown, caller?: ListCaller, now = new Date()): Promise<{ op: 'add' | 'update'; hash: string }> {
    const { id, item } = prepareItem(this.kind, raw, now);
    if (caller) checkSources(item, caller);
    let op: 'add' | 'update' = 'add';
    await this.items.update(id, (current) => {
      if (!current) {
        op = 'add';
        return item;
      }
      op = 'update';
      return mergeItems(current, item);
    });
    return { op, hash: id };
  }

  /** Adds or updates each item; a bad item is reported in `errors` and does not stop the others. */
  async addUpdateMany(raw: unknown, caller?: ListCaller): Promise<{ success: number; errors: string[] }> {
    if (!Array.isArray(raw)) throw badRequest(`Could not get the list of items to add to the ${this.kind}`);
    let success = 0;
    const errors: string[] = [];
    for (const entry of raw) {
      try {
        await this.addUpdate(entry, caller);
        success++;
      } catch (err) {
        if (!(err instanceof AssayError)) throw err;
        errors.push(err.message);
      }
    }
    return { success, errors };
  }

  /** The item a hash names: its id, or any md5/sha1/sha256 it carries. Length decides which hash it is. */
  async lookup(qhash: string): Promise<StoredItem | null> {
    const h = qhash.toLowerCase();
    const field = ({ 32: 'hashes.md5', 40: 'hashes.sha1', 64: 'hashes.sha256' } as Record<number, string>)[h.length];
    if (!field) throw badRequest('Invalid hash length');
    if (h.length === 64) {
      const direct = await this.items.get(h);
      if (direct) return { ...direct, id: h };
    }
    const found = await this.items.search({ filter: { op: 'eq', field, value: h }, limit: 1, countTotal: false });
    return found.items[0] ?? null;
  }

  async get(id: string): Promise<ListItem | null> {
    return this.items.get(id);
  }

  async setEnabled(id: string, enabled: boolean, now = new Date()): Promise<void> {
    const after = await this.items.update(id, (cur) => (cur ? { ...cur, enabled, updated: now.toISOString() } : undefined));
    if (!after) throw notFound(notFoundMessage(this.kind), {});
  }

  async remove(id: string): Promise<void> {
    if (!(await this.items.delete(id))) throw notFound(notFoundMessage(this.kind), {});
  }

  /**
   * Badlisted items whose ssdeep scores at least `minScore` against `ssdeep`, best first. Only digests whose
   * block size is comparable (equal, double or half) can score above zero, so only those are read.
   */
  async similarSsdeep(ssdeep: string, minScore = SSDEEP_MIN_SCORE): Promise<Array<StoredItem & { similarity: number }>> {
    const m = SSDEEP_SHAPE.exec(ssdeep.trim());
    if (!m) throw badRequest(`Invalid SSDEEP value: ${ssdeep}`);
    const bs = Number(m[1]);
    const sizes = [bs, bs * 2, ...(bs % 2 === 0 ? [bs / 2] : [])];
    const filter: Filter = { op: 'or', items: sizes.map((s) => ({ op: 'prefix', field: 'hashes.ssdeep', value: `${s}:` })) };
    const out: Array<StoredItem & { similarity: number }> = [];
    await this.scan(filter, (item) => {
      const theirs = item.hashes.ssdeep;
      if (!theirs) return;
      const score = ssdeepCompare(ssdeep.trim(), theirs);
      if (score >= minScore) out.push({ ...item, similarity: score });
    });
    return out.sort((a, b) => b.similarity - a.similarity);
  }

  /** Badlisted items whose TLSH is within `maxDistance` of `tlsh`, closest first. */
  async similarTlsh(tlsh: string, maxDistance = TLSH_MAX_DISTANCE): Promise<Array<StoredItem & { distance: number }>> {
    let mine: TlshFields;
    try {
      mine = decodeDigest(tlsh.trim());
    } catch {
      throw badRequest(`Invalid TLSH value: ${tlsh}`);
    }
    const out: Array<StoredItem & { distance: number }> = [];
    await this.scan({ op: 'exists', field: 'hashes.tlsh' }, (item) => {
      const theirs = item.hashes.tlsh;
      if (!theirs) return;
      let distance: number;
      try {
        distance = tlshDiff(mine, theirs);
      } catch {
        return; // a stored value that is not a digest cannot match
      }
      if (distance <= maxDistance) out.push({ ...item, distance });
    });
    return out.sort((a, b) => a.distance - b.distance);
  }

  /** Enabled, unexpired file items: what the filtering services need. */
  activeFileItems(now = new Date()): Promise<StoredItem[]> {
    return this.activeItems(['file'], now);
  }

  /** Enabled, unexpired items of the given types. */
  async activeItems(types: ItemType[], now = new Date()): Promise<StoredItem[]> {
    const out: StoredItem[] = [];
    const stamp = now.toISOString();
    const type: Filter = types.length === 1 ? { op: 'eq', field: 'type', value: types[0] } : { op: 'or', items: types.map((t) => ({ op: 'eq', field: 'type', value: t })) };
    await this.scan(
      { op: 'and', items: [type, { op: 'eq', field: 'enabled', value: true }] },
      (item) => {
        if (!item.expiry_ts || item.expiry_ts > stamp) out.push(item);
      },
      Number.MAX_SAFE_INTEGER,
    );
    return out;
  }

  private async scan(filter: Filter, visit: (item: StoredItem) => void, limit = SIMILARITY_SCAN_LIMIT): Promise<void> {
    for (let offset = 0; offset < limit; offset += PAGE) {
      const page = await this.items.search({ filter, offset, limit: Math.min(PAGE, limit - offset), countTotal: false });
      page.items.forEach(visit);
      if (page.items.length < PAGE) break;
    }
  }
}

function checkSources(item: ListItem, caller: ListCaller): void {
  for (const src of item.sources) {
    if (src.type === 'user' && src.name !== caller.uname) {
      throw badRequest(`You cannot add a source for another user. ${src.name} != ${caller.uname}`);
    }
    if (src.type === 'external' && !caller.roles.includes('signature_import')) {
      throw forbidden('You do not have sufficient privileges to add an external source.');
    }
  }
}
