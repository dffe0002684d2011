// API-key management behind /api/v4/apikey/: who may make, read or delete whose keys, and how long a key may
// live. A new key's secret is returned once, as "name:secret", and never stored.
import { publicApikey, type Accounts, type AccountQuery, type Page, type PublicApikey } from '../auth/accounts.js';
import type { Principal } from '../auth/authenticator.js';
import { AccessDenied, badRequest, notFound } from '../errors.js';
import { actsFor } from './access.js';

export interface NewApikeyRequest {
  key_name: string;
  /** ACL letters: R, W, E or C. */
  priv: string[];
  /** Owner; the caller when absent. */
  uname?: string;
  expiry_ts?: string | null;
  /** Roles of a custom (["C"]) key. */
  roles?: string[];
}

export type NewApikey = PublicApikey & { keypassword: string };

export class ApikeyService {
  constructor(
    private readonly accounts: Accounts,
    /** Longest life of a key, days (auth.apikeyMaxDtl); null lets keys live for ever. */
    private readonly maxDtlDays: number | null,
  ) {}

  list(q: AccountQuery): Promise<Page<PublicApikey>> {
    return this.accounts.searchApikeys(q);
  }

  async create(actor: Principal, req: NewApikeyRequest): Promise<NewApikey> {
    const uname = req.uname ?? actor.user.uname;
    if (!actsFor(actor, uname)) throw badRequest(`You do not have the permission to modify API Key with id ${req.key_name}+${uname}`);
    const maxDtl = this.maxDtlDays;
    if (maxDtl && (!req.expiry_ts || Date.parse(req.expiry_ts) >= Date.now() + maxDtl * 86_400_000)) {
      throw badRequest(`The expiry_ts is more than the max apikey dtl of ${maxDtl} days.`);
    }
    const { record, keypassword } = await this.accounts.createApikey({
      uname,
      keyName: req.key_name,
      acl: req.priv,
      roles: req.roles,
      expiryTs: req.expiry_ts ?? null,
    });
    return { ...publicApikey(record), keypassword };
  }

  async forUser(actor: Principal, uname: string): Promise<PublicApikey[]> {
    if (!actsFor(actor, uname)) throw badRequest(`You do not have the permission to fetch API Keys for user ${uname}`);
    return this.accounts.listApikeys(uname);
  }

  async get(actor: Principal, keyId: string): Promise<PublicApikey> {
    const key = await this.accounts.getApikey(keyId);
    if (!key) throw notFound('Cannot find APIKey with the given ID.', null);
    if (!actsFor(actor, key.uname)) throw new AccessDenied(`You do not have access to the apikey (${keyId}).`);
    return key;
  }

  /** Whether the key was deleted; a key that is missing or someone else's is not, without saying which. */
  async delete(actor: Principal, keyId: string): Promise<boolean> {
    const key = await this.accounts.getApikey(keyId);
    if (!key || !actsFor(actor, key.uname)) return false;
    return this.accounts.deleteApikey(keyId);
  }
}
