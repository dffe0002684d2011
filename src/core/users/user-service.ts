// Account management behind /api/v4/user/: who may read or change which account and which of its fields, what
// removing an account takes with it, and the per-user settings with the submission rules they are held to.
import type { AssayConfig } from '../../config.js';
import { Accounts, publicUser, type AccountQuery, type NewUser, type Page, type PublicUser } from '../auth/accounts.js';
import type { Principal } from '../auth/authenticator.js';
import { rolesForUser } from '../auth/roles.js';
import type { Sessions } from '../auth/sessions.js';
import type { UserSettings, UserSettingsStore } from '../auth/user-settings.js';
import { AccessDenied, AssayError, badRequest, forbidden, notFound } from '../errors.js';
import { requestMetadata, type MetadataLimits } from '../submission/metadata.js';
import { profileParams, SUBMISSION_PROFILES, type SubmissionParams } from '../submission/params.js';
import { actsFor, assertUsernameMatches, targetAccount } from './access.js';
import { whoami, type WhoAmI } from './whoami.js';
import { isPlainObject } from '../util/plain.js';

/**
 * What a request to add or change an account may carry. Clients send back the whole record they read, so a
 * request can hold any other field too; those count only where they would change something.
 */
export interface UserChanges extends Omit<NewUser, 'uname' | 'password'> {
  /** Initial password (adding only). */
  password?: string;
  new_pass?: string;
  /** Keys are made at /apikey/add/; a request that carries some is refused. */
  apikeys?: unknown;
}

// Fields a user may change on their own account; everything else needs administration.
const SELF_EDITABLE = new Set(['name', 'email', 'new_pass', 'new_pass_confirm', 'password', 'uname', 'avatar']);

export interface UserServiceDeps {
  accounts: Accounts;
  sessions: Sessions;
  settings: UserSettingsStore;
}

export class UserService {
  private readonly accounts: Accounts;
  private readonly sessions: Sessions;
  private readonly settings: UserSettingsStore;

  constructor(
    deps: UserServiceDeps,
    private readonly config: AssayConfig,
    /** The limits a submission's metadata is held to, read when settings are saved: default metadata joins every submission. */
    private readonly metadataLimits: () => MetadataLimits,
  ) {
    this.accounts = deps.accounts;
    this.sessions = deps.sessions;
    this.settings = deps.settings;
  }

  async whoami(actor: Principal): Promise<WhoAmI> {
    return whoami(actor, this.config, await this.settings.get(actor.user.uname));
  }

  list(q: AccountQuery): Promise<Page<PublicUser & { id: string }>> {
    return this.accounts.searchUsers(q);
  }

  async add(username: string, changes: UserChanges): Promise<void> {
    if (username.includes('{') || username.includes('}')) throw new AssayError(412, "You can't use '{}' in the username", { success: false });
    if (changes.apikeys != null && Object.keys(changes.apikeys).length) {
      throw new AssayError(412, 'You cannot create apikeys with this endpoint.', { success: false });
    }
    const { name, email, type, roles, groups, classification, is_active } = changes;
    await this.accounts.createUser({
      uname: username,
      name,
      email,
      type,
      roles,
      groups,
      classification,
      is_active,
      password: changes.new_pass ?? changes.password ?? null,
    });
  }

  async get(actor: Principal, username: string): Promise<PublicUser> {
    if (!actsFor(actor, username)) throw new AccessDenied('You are not allowed to view another user then yourself.');
    const user = await this.accounts.getUser(username);
    if (!user) throw notFound(`User ${username} does not exists`, {});
    return publicUser(user);
  }

  /** Apply `changes` (the request as sent) to an account; who may change what is decided here. */
  async update(actor: Principal, username: string, changes: UserChanges & Record<string, unknown>): Promise<void> {
    assertUsernameMatches(actor, username);
    const isAdmin = actor.roles.has('administration');
    if (!isAdmin) {
      // Clients send back the whole record they read; only fields that actually change count.
      const rec = await this.accounts.getUser(username);
      const current: Record<string, unknown> = rec ? publicUser(rec) : {};
      const touched = Object.keys(changes).filter((k) => !SELF_EDITABLE.has(k) && JSON.stringify(changes[k]) !== JSON.stringify(current[k]));
      if (touched.length) throw forbidden(`You are not allowed to change these fields of your account: ${touched.join(', ')}`, { success: false });
    }
    if (changes.name !== undefined && !changes.name) throw badRequest('Full name of the user cannot be empty', { success: false });
    await this.accounts.updateUser(username, {
      name: changes.name,
      email: changes.email,
      type: isAdmin ? changes.type : undefined,
      roles: isAdmin ? changes.roles : undefined,
      groups: isAdmin ? changes.groups : undefined,
      classification: isAdmin ? changes.classification : undefined,
      is_active: isAdmin ? changes.is_active : undefined,
      password: changes.new_pass || undefined,
    });
    // A disabled account or a new password ends the sessions opened before.
    if (changes.is_active === false || changes.new_pass) await this.sessions.destroyForUser(username);
  }

  /** Remove an account with its API keys, sessions and settings. */
  async remove(username: string): Promise<void> {
    if (!(await this.accounts.deleteUser(username))) throw notFound(`User ${username} does not exist`, { success: false });
    await this.sessions.destroyForUser(username);
    await this.settings.delete(username);
  }

  async getSettings(actor: Principal, username: string): Promise<UserSettings> {
    const uname = targetAccount(actor, username, 'view settings');
    if (!(await this.accounts.getUser(uname))) throw notFound(`User ${uname} does not exists`, {});
    return this.settings.get(uname);
  }

  async saveSettings(actor: Principal, username: string, sent: Record<string, unknown>): Promise<void> {
    const uname = targetAccount(actor, username, 'set settings');
    const user = await this.accounts.getUser(uname);
    if (!user) throw notFound(`User ${uname} does not exists`, { success: false });
    const body = { ...sent };
    // Default metadata joins every submission of the user and saved profiles become their params: both are
    // held to the rules a submission is, now rather than at each later submission.
    if ('default_metadata' in body) body.default_metadata = requestMetadata(body.default_metadata, this.metadataLimits(), 'default_metadata');
    if (isPlainObject(body.submission_profiles)) {
      // Entries that are not objects are refused by the settings store, after these checks.
      const profiles = Object.fromEntries(
        Object.entries(body.submission_profiles).filter((e): e is [string, Record<string, unknown>] => isPlainObject(e[1])),
      );
      const submitter = { ...user, roles: rolesForUser(user.type, user.roles), profiles };
      for (const name of Object.keys(profiles)) profileParams(name, submitter, { ttl: this.config.submission.dtl });
    }
    await this.settings.save(uname, body);
  }

  /** The params a submission of the user starts from under `profile` ("default" or a system or saved profile). */
  async submissionParams(actor: Principal, username: string, profile: string): Promise<SubmissionParams> {
    const uname = targetAccount(actor, username, 'view settings');
    const user = await this.accounts.getUser(uname);
    if (!user) throw notFound(`User ${uname} does not exists`, {});
    const settings = await this.settings.get(uname);
    const known = profile === 'default' || profile in SUBMISSION_PROFILES || profile in settings.submission_profiles;
    if (!known) {
      throw badRequest(`Submission profile '${profile}' does not exist for user: ${uname}. Select one of ${JSON.stringify(['default', ...Object.keys(SUBMISSION_PROFILES)])}.`);
    }
    const submitter = { ...user, roles: rolesForUser(user.type, user.roles), profiles: settings.submission_profiles };
    return profileParams(profile === 'default' ? undefined : profile, submitter, { ttl: this.config.submission.dtl });
  }
}
