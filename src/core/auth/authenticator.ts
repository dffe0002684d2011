// Who is calling: API-key headers, session cookies and the login exchange, with the role arithmetic of
// Assemblyline (a key or session can only narrow what the user may do).
import { createHash } from 'node:crypto';
import { AssayError, unauthorized } from '../errors.js';
import { isoDate } from '../util/time.js';
import { Accounts, apikeyId, type UserRecord } from './accounts.js';
import { rolesForUser, type Role } from './roles.js';
import { verifySecret } from './secrets.js';
import type { Sessions } from './sessions.js';
import type { LoginThrottle } from './throttle.js';

export interface Principal {
  user: UserRecord;
  roles: Set<Role>;
  /** How the caller proved who they are. */
  via: 'apikey' | 'session';
  rolesLimit: Role[] | null;
  session?: { token: string; xsrf: string };
}

interface CachedKey {
  keyId: string;
  user: UserRecord;
  roles: Role[];
  until: number;
}

export interface AuthenticatorOptions {
  apikeyCacheSeconds: number;
  apikeyCacheSize: number;
  allowApikeys: boolean;
}

export function effectiveRoles(user: UserRecord, limit: readonly Role[] | null): Role[] {
  const all = rolesForUser(user.type, user.roles);
  return limit ? all.filter((r) => limit.includes(r)) : all;
}

export class Authenticator {
  // Verified keys by sha256("user:key"). Map insertion order doubles as LRU order.
  private readonly keyCache = new Map<string, CachedKey>();

  constructor(
    private readonly accounts: Accounts,
    private readonly sessions: Sessions,
    private readonly throttle: LoginThrottle,
    private readonly opts: AuthenticatorOptions,
  ) {
    accounts.onChange(({ uname, keyId }) => this.forget(uname, keyId));
  }

  /** Drop cached verifications for a user (all keys) or one key. */
  forget(uname: string, keyId?: string): void {
    for (const [k, v] of this.keyCache) {
      if (v.user.uname === uname && (!keyId || v.keyId === keyId)) this.keyCache.delete(k);
    }
  }

  private async verifyApikey(uname: string, apikey: string, address: string): Promise<{ user: UserRecord; roles: Role[] }> {
    if (!this.opts.allowApikeys) throw unauthorized('APIKey login is disabled');
    const cacheKey = createHash('sha256').update(`${uname}:${apikey}`).digest('base64');
    const now = Date.now();
    const hit = this.keyCache.get(cacheKey);
    if (hit && hit.until > now) {
      this.keyCache.delete(cacheKey);
      this.keyCache.set(cacheKey, hit);
      return { user: hit.user, roles: hit.roles };
    }
    const locked = this.throttle.check(uname, address);
    if (locked) throw unauthorized(locked);
    const sep = apikey.indexOf(':');
    const keyName = sep > 0 ? apikey.slice(0, sep) : '';
    const secret = sep > 0 ? apikey.slice(sep + 1) : '';
    const keyId = apikeyId(keyName, uname);
    const [key, user] = keyName ? await Promise.all([this.accounts.apikeys.get(keyId), this.accounts.getUser(uname)]) : [null, null];
    const valid =
      key && user && key.uname === uname && (!key.expiry_ts || Date.parse(key.expiry_ts) > now) && (await verifySecret(key.password, secret));
    if (!valid || !key || !user) {
      this.throttle.fail(uname, address);
      throw unauthorized('Invalid user or APIKey');
    }
    if (!user.is_active) throw unauthorized('This owner of this API Key is not active.');
    const userRoles = rolesForUser(user.type, user.roles);
    if (!userRoles.includes('apikey_access')) throw unauthorized('This user is not allowed to use API Keys');
    const roles = userRoles.filter((r) => key.roles.includes(r));
    this.keyCache.set(cacheKey, { keyId, user, roles, until: now + this.opts.apikeyCacheSeconds * 1000 });
    while (this.keyCache.size > this.opts.apikeyCacheSize) this.keyCache.delete(this.keyCache.keys().next().value!);
    // Record use at most daily, off the request path.
    if (!key.last_used || now - Date.parse(key.last_used) > 86_400_000) {
      void this.accounts.apikeys
        .update(keyId, (k) => (k ? { ...k, last_used: isoDate(now) } : undefined))
        .catch(() => undefined);
    }
    return { user, roles };
  }

  async fromApikeyHeaders(uname: string, apikey: string, address: string): Promise<Principal> {
    const { user, roles } = await this.verifyApikey(uname, apikey, address);
    return { user, roles: new Set(roles), via: 'apikey', rolesLimit: roles };
  }

  async fromSession(token: string): Promise<Principal> {
    const rec = await this.sessions.touch(token);
    if (rec === null) throw unauthorized('Session not found');
    if (rec === 'expired') throw unauthorized('Session expired');
    const user = await this.accounts.getUser(rec.username);
    if (!user) {
      await this.sessions.destroy(token);
      throw unauthorized('Session not found');
    }
    if (!user.is_active) throw new AssayError(403, `User ${user.uname} is disabled`);
    return {
      user,
      roles: new Set(effectiveRoles(user, rec.roles_limit)),
      via: 'session',
      rolesLimit: rec.roles_limit,
      session: { token, xsrf: rec.xsrf_token },
    };
  }

  /** The login exchange: user + password, or user + API key. Creates a session on success. */
  async login(
    body: { user?: string; password?: string; apikey?: string },
    client: { ip: string; userAgent: string },
  ): Promise<{ token: string; xsrf: string; username: string; rolesLimit: Role[] | null }> {
    const uname = body.user;
    if (!uname || (!body.password && !body.apikey)) {
      throw unauthorized('Not enough information to proceed with authentication');
    }
    let rolesLimit: Role[] | null;
    if (body.apikey) {
      rolesLimit = (await this.verifyApikey(uname, body.apikey, client.ip)).roles;
    } else {
      const locked = this.throttle.check(uname, client.ip);
      if (locked) throw unauthorized(locked);
      const user = await this.accounts.getUser(uname);
      if (!user || !(await verifySecret(user.password, body.password!))) {
        this.throttle.fail(uname, client.ip);
        throw unauthorized('Wrong username or password');
      }
      if (!user.is_active) throw unauthorized('This user is disabled');
      this.throttle.succeed(uname);
      rolesLimit = null;
    }
    const { token, record } = await this.sessions.create({
      username: uname,
      roles_limit: rolesLimit,
      ip: client.ip,
      user_agent: client.userAgent,
    });
    return { token, xsrf: record.xsrf_token, username: uname, rolesLimit };
  }

  async logout(token: string): Promise<void> {
    await this.sessions.destroy(token);
  }
}
