// Assemblyline's role model: the roles a route can require, the user types that bundle them, and the API-key
// privilege letters (R/W/E/C) that map onto them. Names and groupings match Assemblyline so that user records,
// API keys and client tooling carry over unchanged.

export const ROLES = [
  'alert_manage', 'alert_view', 'apikey_access', 'bundle_download', 'file_detail', 'file_download', 'file_purge',
  'heuristic_view', 'obo_access', 'replay_trigger', 'safelist_view', 'safelist_manage', 'signature_download',
  'signature_view', 'submission_create', 'submission_delete', 'submission_manage', 'submission_view',
  'workflow_manage', 'workflow_view', 'administration', 'replay_system', 'signature_import', 'signature_manage',
  'archive_view', 'archive_manage', 'archive_trigger', 'archive_download', 'self_manage', 'retrohunt_view',
  'retrohunt_run', 'external_query', 'badlist_view', 'badlist_manage', 'archive_comment', 'assistant_use',
  'submission_customize',
] as const;

export type Role = (typeof ROLES)[number];

export const USER_TYPES = ['admin', 'user', 'signature_manager', 'signature_importer', 'viewer', 'submitter', 'custom'] as const;
export type UserType = (typeof USER_TYPES)[number];

const ADMIN_ONLY: Role[] = ['administration', 'file_purge', 'replay_system', 'signature_import', 'signature_manage', 'assistant_use'];

/** Everything an ordinary analyst may do. */
export const USER_ROLES_BASIC: Role[] = ROLES.filter((r) => !ADMIN_ONLY.includes(r));

export const USER_TYPE_ROLES: Record<Exclude<UserType, 'custom'>, Role[]> = {
  admin: [...ROLES],
  user: USER_ROLES_BASIC,
  signature_manager: [...USER_ROLES_BASIC, 'signature_manage'],
  signature_importer: ['badlist_manage', 'safelist_manage', 'self_manage', 'signature_download', 'signature_import', 'signature_view'],
  viewer: [
    'alert_view', 'apikey_access', 'badlist_view', 'file_detail', 'obo_access', 'heuristic_view', 'safelist_view',
    'self_manage', 'signature_view', 'submission_view', 'workflow_view',
  ],
  submitter: ['apikey_access', 'obo_access', 'self_manage', 'submission_create', 'replay_trigger', 'retrohunt_run'],
};

export type Acl = 'R' | 'W' | 'E' | 'C';

export const ACL_ROLES: Record<Acl, Role[]> = {
  R: [
    'alert_view', 'archive_view', 'archive_download', 'badlist_view', 'bundle_download', 'external_query',
    'file_detail', 'file_download', 'heuristic_view', 'safelist_view', 'signature_download', 'signature_view',
    'submission_view', 'workflow_view', 'retrohunt_view',
  ],
  W: [
    'alert_manage', 'archive_trigger', 'archive_manage', 'badlist_manage', 'replay_trigger', 'safelist_manage',
    'submission_create', 'submission_delete', 'submission_manage', 'submission_customize', 'retrohunt_run',
  ],
  E: [
    'administration', 'apikey_access', 'file_purge', 'obo_access', 'replay_system', 'self_manage',
    'signature_import', 'signature_manage', 'workflow_manage',
  ],
  C: [],
};

/** Named privilege sets offered when creating a key, keyed by name. */
export function apiPrivMap(allowExtended: boolean): Record<string, Acl[]> {
  const map: Record<string, Acl[]> = { READ: ['R'], READ_WRITE: ['R', 'W'], WRITE: ['W'], CUSTOM: ['C'] };
  if (allowExtended) map.EXTENDED = ['R', 'W', 'E'];
  return map;
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function isUserType(v: unknown): v is UserType {
  return typeof v === 'string' && (USER_TYPES as readonly string[]).includes(v);
}

/** A user's roles: explicit roles win when present, else the union of the user's types. */
export function rolesForUser(types: readonly string[], explicit?: readonly string[] | null): Role[] {
  if (explicit && explicit.length) return explicit.filter(isRole);
  const out = new Set<Role>();
  for (const t of types) {
    if (t in USER_TYPE_ROLES) for (const r of USER_TYPE_ROLES[t as keyof typeof USER_TYPE_ROLES]) out.add(r);
  }
  return [...out];
}

/** An API key's roles: explicit roles win when present, else the union of its ACL letters. */
export function rolesForAcl(acl: readonly string[], explicit?: readonly string[] | null): Role[] {
  if (explicit && explicit.length) return explicit.filter(isRole);
  const out = new Set<Role>();
  for (const a of acl) if (a in ACL_ROLES) for (const r of ACL_ROLES[a as Acl]) out.add(r);
  return [...out];
}
