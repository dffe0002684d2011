// Login sessions. The client holds an opaque random token (the `session` cookie); the store keeps only its
// sha256, so a copy of the database does not yield live sessions. Expiry slides forward as the session is used.
import { createHash, randomBytes } from 'node:crypto';
import type { Collection, Datastore } from '../../store/datastore.js';
import type { Role } from './roles.js';

export interface SessionRecord {
  username: string;
  /** null for password logins (full roles, XSRF enforced); the key's roles for API-key logins. */
  roles_limit: Role[] | null;
  xsrf_token: string;
  ip: string;
  user_agent: string;
  created: number;
  expires: number;
}

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export class Sessions {
  private readonly col: Collection<SessionRecord>;

  constructor(
    ds: Datastore,
    private readonly durationSeconds: number,
  ) {
    this.col = ds.collection<SessionRecord>('session');
  }

  get durationMs(): number {
    return this.durationSeconds * 1000;
  }

  async create(fields: Omit<SessionRecord, 'created' | 'expires' | 'xsrf_token'>): Promise<{ token: string; record: SessionRecord }> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const record: SessionRecord = {
      ...fields,
      xsrf_token: randomBytes(24).toString('base64url'),
      created: now,
      expires: now + this.durationMs,
    };
    await this.col.put(tokenId(token), record);
    return { token, record };
  }

  /** The live session for a token, refreshing its expiry; 'expired' or null otherwise. */
  async touch(token: string, now = Date.now()): Promise<SessionRecord | 'expired' | null> {
    const id = tokenId(token);
    const rec = await this.col.get(id);
    if (!rec) return null;
    if (rec.expires <= now) {
      await this.col.delete(id);
      return 'expired';
    }
    // Write the new expiry only after a tenth of the lifetime (at most a minute) has passed since the last
    // refresh, so a busy session is not a write per request.
    const sinceRefresh = this.durationMs - (rec.expires - now);
    if (sinceRefresh > Math.min(60_000, this.durationMs / 10)) {
      rec.expires = now + this.durationMs;
      await this.col.put(id, rec);
    }
    return rec;
  }

  async destroy(token: string): Promise<void> {
    await this.col.delete(tokenId(token));
  }

  async destroyForUser(username: string): Promise<number> {
    return this.col.deleteWhere({ op: 'eq', field: 'username', value: username });
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    return this.col.deleteWhere({ op: 'range', field: 'expires', lte: now });
  }
}
