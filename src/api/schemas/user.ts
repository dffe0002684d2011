// Response schemas of /api/v4/user/: accounts, their settings and the whoami document.
import { Type } from '@sinclair/typebox';
import { AnyJson, Paged } from '../envelope.js';
import { Nullable, Strings } from './common.js';

/** A map Assemblyline configures and Assay always leaves empty. */
const NoEntries = Type.Object({}, { description: 'not configured in Assay: always empty' });

export const PublicUser = Type.Object({
  uname: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  type: Strings,
  roles: Type.Array(Type.String(), { description: 'effective roles: those of the user types plus the explicit ones' }),
  groups: Strings,
  classification: Type.String(),
  is_active: Type.Boolean(),
  agrees_with_tos: Nullable(Type.String()),
  api_quota: Nullable(Type.Integer()),
  api_daily_quota: Nullable(Type.Integer()),
  submission_quota: Nullable(Type.Integer()),
  submission_async_quota: Nullable(Type.Integer()),
  submission_daily_quota: Nullable(Type.Integer()),
  organization: Type.Optional(Nullable(Type.String())),
  created: Type.String(),
  has_password: Type.Boolean(),
  '2fa_enabled': Type.Boolean(),
  security_tokens: Strings,
  security_token_enabled: Type.Boolean(),
});

export const UserPage = Paged(Type.Composite([PublicUser, Type.Object({ id: Type.String() })]));

export const UserSettings = Type.Object({
  download_encoding: Type.Union([Type.Literal('cart'), Type.Literal('raw'), Type.Literal('zip')]),
  default_external_sources: Strings,
  default_zip_password: Type.String(),
  default_metadata: Type.Record(Type.String(), Type.String()),
  executive_summary: Type.Boolean(),
  expand_min_score: Type.Number(),
  preferred_submission_profile: Nullable(Type.String()),
  // Profile name -> the submission params the user saved for it, stored as sent (unknown keys are ignored
  // when the profile is applied), so the document is returned as the user wrote it.
  submission_profiles: Type.Record(Type.String(), Type.Record(Type.String(), AnyJson)),
  submission_view: Type.String(),
});

const IndexField = Type.Object({
  default: Type.Boolean(),
  indexed: Type.Boolean(),
  list: Type.Boolean(),
  stored: Type.Boolean(),
  type: Type.String(),
});

const Configuration = Type.Object({
  auth: Type.Object({
    apikey_max_dtl: Nullable(Type.Number()),
    allow_2fa: Type.Boolean(),
    allow_apikeys: Type.Boolean(),
    allow_extended_apikeys: Type.Boolean(),
    allow_security_tokens: Type.Boolean(),
  }),
  core: Type.Object({ archiver: Type.Object({ alternate_dtl: Type.Integer() }) }),
  datastore: Type.Object({ archive: Type.Object({ enabled: Type.Boolean() }) }),
  retrohunt: Type.Object({ enabled: Type.Boolean(), dtl: Type.Integer(), max_dtl: Type.Integer() }),
  submission: Type.Object({
    dtl: Type.Number(),
    max_dtl: Type.Number(),
    max_file_size: Type.Number(),
    file_sources: Type.Record(Type.String(), Type.Object({ pattern: Type.String(), sources: Strings, auto_selected: Strings })),
    profiles: NoEntries,
    verdicts: Type.Object({ info: Type.Number(), suspicious: Type.Number(), highly_suspicious: Type.Number(), malicious: Type.Number() }),
    metadata: Type.Object({ archive: NoEntries, submit: NoEntries, ingest: NoEntries }),
  }),
  system: Type.Object({
    organisation: Type.String(),
    support: Type.Object({ api_docs: Type.String(), documentation: Type.String(), email: Type.String() }),
    type: Type.String(),
    version: Type.String(),
  }),
  ui: Type.Object({
    ai: Type.Object({ enabled: Type.Boolean() }),
    alerting_meta: Type.Object({ important: Strings, subject: Strings, url: Strings }),
    allow_malicious_hinting: Type.Boolean(),
    allow_raw_downloads: Type.Boolean(),
    allow_zip_downloads: Type.Boolean(),
    allow_replay: Type.Boolean(),
    allow_url_submissions: Type.Boolean(),
    api_proxies: NoEntries,
    apps: Type.Array(NoEntries),
    banner: Nullable(Type.String({ description: 'not configured in Assay: always null' })),
    banner_level: Type.String(),
    enforce_quota: Type.Boolean(),
    external_links: NoEntries,
    external_sources: Strings,
    external_source_tags: Type.Record(Type.String(), Strings),
    fqdn: Type.String(),
    read_only: Type.Boolean(),
    rss_feeds: Strings,
    services_feed: Type.String(),
    community_feed: Type.String(),
    tos: Type.Boolean(),
    tos_lockout: Type.Boolean(),
    tos_lockout_notify: Type.Boolean(),
    url_submission_auto_service_selection: Strings,
  }),
  user: Type.Object({
    api_priv_map: Type.Record(Type.String(), Strings, { description: 'privilege set name -> ACL letters' }),
    priv_role_dependencies: Type.Record(Type.String(), Strings, { description: 'ACL letter -> roles' }),
    roles: Strings,
    role_dependencies: Type.Record(Type.String(), Strings, { description: 'user type -> roles' }),
    types: Strings,
  }),
});

export const WhoAmI = Type.Object({
  agrees_with_tos: Nullable(Type.String()),
  classification: Type.String(),
  email: Nullable(Type.String()),
  groups: Strings,
  is_active: Type.Boolean(),
  name: Type.String(),
  roles: Strings,
  type: Strings,
  api_daily_quota: Type.Integer(),
  submission_daily_quota: Type.Integer(),
  avatar: Nullable(Type.String({ description: 'data URI; Assay keeps no avatars: always null' })),
  username: Type.String(),
  is_admin: Type.Boolean(),
  // The parsed classification definition, which clients and the UI read whole to render and check markings.
  c12nDef: AnyJson,
  classification_aliases: NoEntries,
  configuration: Configuration,
  indexes: Type.Record(Type.String(), Type.Record(Type.String(), IndexField), { description: 'index -> field -> how it is searched' }),
  settings: UserSettings,
});
