// Per-user settings (Assemblyline's user_settings): download defaults and the user's own submission profiles,
// whose params are the base every submission of that user starts from.
import type { Collection, Datastore } from '../../store/datastore.js';
import { badRequest, forbidden } from '../errors.js';
import { isPlainObject } from '../util/plain.js';

export interface UserSettings {
  download_encoding: 'cart' | 'raw' | 'zip';
  default_external_sources: string[];
  default_zip_password: string;
  default_metadata: Record<string, string>;
  executive_summary: boolean;
  expand_min_score: number;
  preferred_submission_profile: string | null;
  /** Profile name → submission params the user set for it (partial; merged over the system defaults). */
  submission_profiles: Record<string, Record<string, unknown>>;
  submission_view: string;
}

export function defaultUserSettings(): UserSettings {
  return {
    download_encoding: 'cart',
    default_external_sources: [],
    default_zip_password: 'infected',
    default_metadata: {},
    executive_summary: true,
    expand_min_score: 500,
    preferred_submission_profile: null,
    submission_profiles: {},
    submission_view: 'report',
  };
}

/** How long settings read from the datastore are reused: every submission reads them, few requests change them. */
const CACHE_MS = 5_000;
const CACHE_SIZE = 10_000;

export class UserSettingsStore {
  private readonly col: Collection<UserSettings>;
  // Changes made through this process are seen at once; another process's within CACHE_MS.
  private readonly cache = new Map<string, { settings: UserSettings; until: number }>();

  constructor(ds: Datastore) {
    this.col = ds.collection<UserSettings>('user_settings');
  }

  async get(uname: string): Promise<UserSettings> {
    const now = Date.now();
    const hit = this.cache.get(uname);
    if (hit && hit.until > now) return { ...hit.settings };
    const settings = { ...defaultUserSettings(), ...((await this.col.get(uname)) ?? {}) };
    this.cache.delete(uname);
    this.cache.set(uname, { settings, until: now + CACHE_MS });
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return { ...settings };
  }

  /** Validate and store; unknown keys are ignored. */
  async save(uname: string, data: Record<string, unknown>): Promise<UserSettings> {
    const cur = await this.get(uname);
    const next: UserSettings = { ...cur };
    if ('download_encoding' in data) {
      if (!['cart', 'raw', 'zip'].includes(String(data.download_encoding))) throw badRequest(`Invalid download encoding: ${String(data.download_encoding)}`, { success: false });
      next.download_encoding = data.download_encoding as UserSettings['download_encoding'];
    }
    if (!data.default_zip_password || typeof data.default_zip_password !== 'string') {
      throw forbidden("Encryption password can't be empty.", { success: false });
    }
    next.default_zip_password = data.default_zip_password;
    if (Array.isArray(data.default_external_sources)) next.default_external_sources = data.default_external_sources.map(String);
    if (isPlainObject(data.default_metadata)) next.default_metadata = Object.fromEntries(Object.entries(data.default_metadata).map(([k, v]) => [k, String(v)]));
    if (typeof data.executive_summary === 'boolean') next.executive_summary = data.executive_summary;
    if (typeof data.expand_min_score === 'number') next.expand_min_score = data.expand_min_score;
    if (data.preferred_submission_profile === null || typeof data.preferred_submission_profile === 'string') next.preferred_submission_profile = data.preferred_submission_profile;
    if (typeof data.submission_view === 'string') next.submission_view = data.submission_view;
    if ('submission_profiles' in data) {
      if (!isPlainObject(data.submission_profiles) || !Object.values(data.submission_profiles).every(isPlainObject)) {
        throw badRequest('submission_profiles must map profile names to objects of submission parameters', { success: false });
      }
      next.submission_profiles = data.submission_profiles as UserSettings['submission_profiles'];
    }
    await this.col.put(uname, next);
    this.cache.delete(uname);
    return next;
  }

  async delete(uname: string): Promise<void> {
    await this.col.delete(uname);
    this.cache.delete(uname);
  }
}
