// The /user/whoami/ document: the caller's identity plus the system settings a client or UI adapts to.
import { ASSAY_VERSION, type AssayConfig, type VerdictThresholds } from '../../config.js';
import { COLLECTIONS } from '../../store/collections.js';
import type { Principal } from '../auth/authenticator.js';
import type { UserSettings } from '../auth/user-settings.js';
import { ACL_ROLES, ROLES, USER_TYPE_ROLES, USER_TYPES, apiPrivMap, type Acl, type Role } from '../auth/roles.js';
import { CLASSIFICATION_DEFINITION } from '../classification.js';

/** How a search field is described to clients, per index (the shape of /search/fields/). */
export interface IndexField {
  default: boolean;
  indexed: boolean;
  list: boolean;
  stored: boolean;
  type: string;
}

/** Lists of names Assemblyline configures and Assay leaves empty (alerting metadata, feeds, external sources). */
type Names = string[];
/** Maps Assemblyline configures and Assay leaves empty (submission profiles, metadata rules, proxies, links). */
type Empty = Record<string, never>;

export interface WhoAmI {
  agrees_with_tos: string | null;
  classification: string;
  email: string | null;
  groups: string[];
  is_active: boolean;
  name: string;
  roles: Role[];
  type: string[];
  api_daily_quota: number;
  submission_daily_quota: number;
  avatar: null;
  username: string;
  is_admin: boolean;
  c12nDef: typeof CLASSIFICATION_DEFINITION;
  classification_aliases: Empty;
  configuration: {
    auth: { apikey_max_dtl: number | null; allow_2fa: boolean; allow_apikeys: boolean; allow_extended_apikeys: boolean; allow_security_tokens: boolean };
    core: { archiver: { alternate_dtl: number } };
    datastore: { archive: { enabled: boolean } };
    retrohunt: { enabled: boolean; dtl: number; max_dtl: number };
    submission: {
      dtl: number;
      max_dtl: number;
      max_file_size: number;
      file_sources: Record<string, { pattern: string; sources: Names; auto_selected: Names }>;
      profiles: Empty;
      verdicts: VerdictThresholds;
      metadata: { archive: Empty; submit: Empty; ingest: Empty };
    };
    system: { organisation: string; support: { api_docs: string; documentation: string; email: string }; type: string; version: string };
    ui: {
      ai: { enabled: boolean };
      alerting_meta: { important: Names; subject: Names; url: Names };
      allow_malicious_hinting: boolean;
      allow_raw_downloads: boolean;
      allow_zip_downloads: boolean;
      allow_replay: boolean;
      allow_url_submissions: boolean;
      api_proxies: Empty;
      apps: Empty[];
      banner: null;
      banner_level: string;
      enforce_quota: boolean;
      external_links: Empty;
      external_sources: Names;
      external_source_tags: Record<string, Names>;
      fqdn: string;
      read_only: boolean;
      rss_feeds: Names;
      services_feed: string;
      community_feed: string;
      tos: boolean;
      tos_lockout: boolean;
      tos_lockout_notify: boolean;
      url_submission_auto_service_selection: string[];
    };
    user: {
      api_priv_map: Record<string, Acl[]>;
      priv_role_dependencies: Record<Acl, Role[]>;
      roles: Role[];
      role_dependencies: Record<string, Role[]>;
      types: string[];
    };
  };
  indexes: Record<string, Record<string, IndexField>>;
  settings: UserSettings;
}

const HASH_PATTERNS: Record<string, string> = {
  md5: '^[a-fA-F0-9]{32}$',
  sha1: '^[a-fA-F0-9]{40}$',
  sha256: '^[a-fA-F0-9]{64}$',
  ssdeep: '^[0-9]{1,18}:[a-zA-Z0-9/+]{0,64}:[a-zA-Z0-9/+]{0,64}$',
  tlsh: '^((?:T1)?[0-9a-fA-F]{70})$',
  url: '^(?:(?:https?|ftp)://)',
};

/** Field catalogue per index, in the shape of /search/fields/. Fixed for the life of the process. */
const INDEX_FIELDS = indexFields();

function indexFields(): Record<string, Record<string, IndexField>> {
  const out: Record<string, Record<string, IndexField>> = {};
  for (const c of COLLECTIONS) {
    const fields: Record<string, IndexField> = {};
    for (const [name, f] of Object.entries(c.fields)) {
      fields[name] = { default: false, indexed: true, list: Boolean(f.list), stored: true, type: f.type };
    }
    out[c.name] = fields;
  }
  return out;
}

export function whoami(p: Principal, cfg: AssayConfig, settings: UserSettings): WhoAmI {
  const u = p.user;
  const roles = [...p.roles];
  return {
    agrees_with_tos: u.agrees_with_tos,
    classification: u.classification,
    email: u.email,
    groups: u.groups,
    is_active: u.is_active,
    name: u.name,
    roles,
    type: u.type,
    api_daily_quota: u.api_daily_quota ?? 0,
    submission_daily_quota: u.submission_daily_quota ?? 0,
    avatar: null,
    username: u.uname,
    is_admin: roles.includes('administration'),
    c12nDef: CLASSIFICATION_DEFINITION,
    classification_aliases: {},
    configuration: {
      auth: {
        apikey_max_dtl: cfg.auth.apikeyMaxDtl,
        allow_2fa: false,
        allow_apikeys: cfg.auth.allowApikeys,
        allow_extended_apikeys: cfg.auth.allowExtendedApikeys,
        allow_security_tokens: false,
      },
      core: { archiver: { alternate_dtl: 0 } },
      datastore: { archive: { enabled: false } },
      retrohunt: { enabled: false, dtl: 30, max_dtl: 0 },
      submission: {
        dtl: cfg.submission.dtl,
        max_dtl: cfg.submission.maxDtl,
        max_file_size: cfg.submission.maxFileSize,
        file_sources: Object.fromEntries(
          Object.entries(HASH_PATTERNS).map(([k, pattern]) => [k, { pattern, sources: [], auto_selected: [] }]),
        ),
        profiles: {},
        verdicts: { ...cfg.submission.verdicts },
        metadata: { archive: {}, submit: {}, ingest: {} },
      },
      system: {
        organisation: cfg.system.organisation,
        support: { api_docs: '/help/api/', documentation: '', email: '' },
        type: cfg.system.type,
        version: ASSAY_VERSION,
      },
      ui: {
        ai: { enabled: false },
        alerting_meta: { important: [], subject: [], url: [] },
        allow_malicious_hinting: false,
        allow_raw_downloads: cfg.ui.allowRawDownloads,
        allow_zip_downloads: cfg.ui.allowZipDownloads,
        allow_replay: false,
        allow_url_submissions: cfg.ui.allowUrlSubmissions,
        api_proxies: {},
        apps: [],
        banner: null,
        banner_level: 'info',
        enforce_quota: false,
        external_links: {},
        external_sources: [],
        external_source_tags: {},
        fqdn: cfg.ui.fqdn,
        read_only: cfg.ui.readOnly,
        rss_feeds: [],
        services_feed: '',
        community_feed: '',
        tos: Boolean(cfg.ui.tos),
        tos_lockout: false,
        tos_lockout_notify: false,
        url_submission_auto_service_selection: cfg.ui.urlSubmissionAutoServiceSelection,
      },
      user: {
        api_priv_map: apiPrivMap(cfg.auth.allowExtendedApikeys),
        priv_role_dependencies: ACL_ROLES,
        roles: [...ROLES],
        role_dependencies: USER_TYPE_ROLES,
        types: USER_TYPES.filter((t) => t !== 'custom'),
      },
    },
    indexes: INDEX_FIELDS,
    settings,
  };
}
