// User accounts and their API keys: creation, updates, deletion, and the records as Assemblyline shapes them.
import type { Collection, Datastore, Filter, SortKey } from '../../store/datastore.js';
import { AssayError, badRequest, notFound } from '../errors.js';
import { isoDate } from '../util/time.js';
import { hashSecret, randomSecret } from './secrets.js';
import { isRole, isUserType, rolesForAcl, rolesForUser, type Acl, type Role } from './roles.js';

export interface UserRecord {
  uname: string;
  name: string;
  email: string | null;
  type: string[];
  roles: string[];
  groups: string[];
  classification: string;
  is_active: boolean;
  /** argon2id hash, or null for accounts that cannot log in with a password. */
  password: string | null;
  agrees_with_tos: string | null;
  api_quota: number | null;
  api_daily_quota: number | null;
  submission_quota: number | null;
  submission_async_quota: number | null;
  submission_daily_quota: number | null;
  organization?: string | null;
  created: string;
}

export interface ApikeyRecord {
  uname: string;
  key_name: string;
  acl: Acl[];
  roles: Role[];
  password: string;
  creation_date: string;
  expiry_ts: string | null;
  last_used: string | null;
}

export const UNRESTRICTED = 'TLP:C';
const FORBIDDEN_KEY_CHARS = /[+@!#$%^&*()<>?/\\|}{~:]/;
const UNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const PRIV_SETS = ['R', 'RW', 'W', 'C', 'E', 'ERW'];

export const apikeyId = (keyName: string, uname: string) => `${keyName}+${uname}`;

export interface NewUser {
  uname: string;
  password?: string | null;
  name?: string;
  email?: string | null;
  type?: string[];
  roles?: string[];
  groups?: string[];
  classification?: string;
  is_active?: boolean;
}

/** One page of an account listing: which records, where the page starts and how long it may be. */
export interface AccountQuery {
  filter: Filter;
  sort: SortKey[];
  offset: number;
  rows: number;
}

/** A page of a listing, in the shape Assemblyline's list routes answer with. */
export interface Page<T> {
  items: T[];
  offset: number;
  rows: number;
  total: number;
}

/** Listeners are told when a user or key changes so caches can drop what they hold. */
export type AccountChangeListener = (change: { uname: string; keyId?: string }) => void;

export class Accounts {
  readonly users: Collection<UserRecord>;
  readonly apikeys: Collection<ApikeyRecord>;
  private readonly listeners: AccountChangeListener[] = [];

  constructor(ds: Datastore) {
    this.users = ds.collection<UserRecord>('user');
    this.apikeys = ds.collection<ApikeyRecord>('apikey');
  }

  onChange(fn: AccountChangeListener): void {
    this.listeners.push(fn);
  }

  private changed(uname: string, keyId?: string): void {
    for (const fn of this.listeners) fn({ uname, keyId });
  }

  static validateUserFields(u: Partial<NewUser>): void {
    if (u.type !== undefined) {
      if (!Array.isArray(u.type) || !u.type.length || !u.type.every(isUserType)) {
        throw badRequest(`Invalid user type: ${JSON.stringify(u.type)}`);
      }
    }
    if (u.roles !== undefined && (!Array.isArray(u.roles) || !u.roles.every(isRole))) {
      throw badRequest(`Invalid roles: ${JSON.stringify(u.roles)}`);
    }
    if (u.groups !== undefined && (!Array.isArray(u.groups) || !u.groups.every((g) => typeof g === 'string'))) {
      throw badRequest('groups must be a list of strings');
    }
  }

  async createUser(input: NewUser): Promise<UserRecord> {
    if (!UNAME_RE.test(input.uname)) {
      throw badRequest(`Invalid username "${input.uname}": use letters, digits, '.', '_', '-' or '@'`);
    }
    Accounts.validateUserFields(input);
    const rec: UserRecord = {
      uname: input.uname,
      name: input.name || input.uname,
      email: input.email ?? null,
      type: input.type ?? ['user'],
      roles: input.roles ?? [],
      groups: (input.groups ?? ['USERS']).map((g) => g.toUpperCase()),
      classification: input.classification ?? UNRESTRICTED,
      is_active: input.is_active ?? true,
      password: input.password ? await hashSecret(input.password) : null,
      agrees_with_tos: null,
      api_quota: null,
      api_daily_quota: null,
      submission_quota: null,
      submission_async_quota: null,
      submission_daily_quota: null,
      created: isoDate(),
    };
    if (!(await this.users.add(rec.uname, rec))) {
      throw badRequest('The username you are trying to add already exists.', { success: false });
    }
    return rec;
  }

  async getUser(uname: string): Promise<UserRecord | null> {
    return this.users.get(uname);
  }

  /** A page of users, as the API shows them (no password hash), each with its record id. */
  async searchUsers(q: AccountQuery): Promise<Page<PublicUser & { id: string }>> {
    return page(this.users, q, (u) => ({ ...publicUser(u), id: u.id }));
  }

  /** A page of API keys, without their secrets. */
  async searchApikeys(q: AccountQuery): Promise<Page<PublicApikey>> {
    return page(this.apikeys, q, publicApikey);
  }

  async getApikey(keyId: string): Promise<PublicApikey | null> {
    const key = await this.apikeys.get(keyId);
    return key && publicApikey({ ...key, id: keyId });
  }

  /** Apply changes to a user. Fields that identify the account or hold secrets are set through their own calls. */
  async updateUser(uname: string, changes: Partial<NewUser>): Promise<UserRecord> {
    Accounts.validateUserFields(changes);
    const newHash = changes.password ? await hashSecret(changes.password) : undefined;
    const updated = await this.users.update(uname, (cur) => {
      if (!cur) return undefined;
      const next: UserRecord = { ...cur };
      if (changes.name !== undefined) next.name = changes.name || cur.name;
      if (changes.email !== undefined) next.email = changes.email;
      if (changes.type !== undefined) next.type = changes.type;
      if (changes.roles !== undefined) next.roles = changes.roles;
      if (changes.groups !== undefined) next.groups = changes.groups.map((g) => g.toUpperCase());
      if (changes.classification !== undefined) next.classification = changes.classification;
      if (changes.is_active !== undefined) next.is_active = changes.is_active;
      if (newHash) next.password = newHash;
      return next;
    });
    if (!updated) throw notFound(`User ${uname} does not exists`, { success: false });
    this.changed(uname);
    return updated;
  }

  async deleteUser(uname: string): Promise<boolean> {
    const ok = await this.users.delete(uname);
    if (ok) {
      await this.apikeys.deleteWhere({ op: 'eq', field: 'uname', value: uname });
      this.changed(uname);
    }
    return ok;
  }

  /** Create a key; the plain `name:secret` is returned once and never stored. */
  async createApikey(opts: {
    uname: string;
    keyName: string;
    acl: string[];
    roles?: string[];
    expiryTs?: string | null;
  }): Promise<{ record: ApikeyRecord; keypassword: string }> {
    const { uname, keyName } = opts;
    if (!keyName || FORBIDDEN_KEY_CHARS.test(keyName)) {
      throw badRequest(`APIKey '${keyName}' contains forbidden characters.`);
    }
    const acl = [...new Set(opts.acl)].sort() as Acl[];
    if (!PRIV_SETS.includes(acl.join(''))) {
      throw badRequest(`Invalid APIKey privilege '${JSON.stringify(acl)}'. Choose between: READ, READ_WRITE, WRITE, CUSTOM, EXTENDED`);
    }
    const user = await this.getUser(uname);
    if (!user) throw badRequest('Target user not found');
    const allowed = new Set(rolesForUser(user.type, user.roles));
    const wanted = acl.join('') === 'C' ? (opts.roles ?? []).filter(isRole) : rolesForAcl(acl);
    const roles = wanted.filter((r) => allowed.has(r));
    if (!roles.length) throw badRequest("None of the roles you've requested for this key are allowed for this user.");
    if (opts.expiryTs != null && Number.isNaN(Date.parse(opts.expiryTs))) {
      throw badRequest(`Invalid expiry_ts: ${opts.expiryTs}`);
    }
    const secret = randomSecret();
    const record: ApikeyRecord = {
      uname,
      key_name: keyName,
      acl,
      roles,
      password: await hashSecret(secret),
      creation_date: isoDate(),
      expiry_ts: opts.expiryTs ?? null,
      last_used: null,
    };
    if (!(await this.apikeys.add(apikeyId(keyName, uname), record))) {
      throw badRequest(`API Key '${keyName}' already exist.`);
    }
    return { record, keypassword: `${keyName}:${secret}` };
  }

  /** Store a key whose secret the operator chose (first-start automation). */
  async importApikey(uname: string, keyName: string, secret: string, acl: Acl[]): Promise<void> {
    if (FORBIDDEN_KEY_CHARS.test(keyName)) throw badRequest(`APIKey '${keyName}' contains forbidden characters.`);
    const record: ApikeyRecord = {
      uname,
      key_name: keyName,
      acl,
      roles: rolesForAcl(acl),
      password: await hashSecret(secret),
      creation_date: isoDate(),
      expiry_ts: null,
      last_used: null,
    };
    if (!(await this.apikeys.add(apikeyId(keyName, uname), record))) {
      throw new AssayError(400, `API Key '${keyName}' already exist.`);
    }
  }

  async deleteApikey(keyId: string): Promise<boolean> {
    const key = await this.apikeys.get(keyId);
    if (!key) return false;
    const ok = await this.apikeys.delete(keyId);
    this.changed(key.uname, keyId);
    return ok;
  }

  async listApikeys(uname?: string): Promise<Array<PublicApikey>> {
    const res = await this.apikeys.search({
      filter: uname ? { op: 'eq', field: 'uname', value: uname } : { op: 'all' },
      sort: [{ field: 'id', dir: 'asc' }],
      limit: 10_000,
    });
    return res.items.map(publicApikey);
  }
}

export type PublicApikey = Omit<ApikeyRecord, 'password'> & { id: string };

export function publicApikey(k: ApikeyRecord & { id?: string }): PublicApikey {
  const { password: _secret, ...rest } = k;
  return { ...rest, id: k.id ?? apikeyId(k.key_name, k.uname) };
}

async function page<T extends object, U>(col: Collection<T>, q: AccountQuery, show: (record: T & { id: string }) => U): Promise<Page<U>> {
  const found = await col.search({ filter: q.filter, sort: q.sort, offset: q.offset, limit: q.rows });
  return { items: found.items.map(show), offset: q.offset, rows: q.rows, total: found.total };
}

/** A user record as the API returns it: no password hash, effective roles filled in. */
export type PublicUser = Omit<UserRecord, 'password' | 'roles'> & {
  roles: Role[];
  has_password: boolean;
  '2fa_enabled': boolean;
  security_tokens: string[];
  security_token_enabled: boolean;
};

export function publicUser(u: UserRecord): PublicUser {
  const { password, ...rest } = u;
  return {
    ...rest,
    roles: rolesForUser(u.type, u.roles),
    has_password: Boolean(password),
    '2fa_enabled': false,
    security_tokens: [],
    security_token_enabled: false,
  };
}
