// The searchable indices of Assemblyline's search API and how each maps onto a collection: the role it needs,
// the default sort, the fields bare terms search (Assemblyline's `__text__` copy field), the fields a hit
// carries without `fl` (the stored ones), and fields never exposed (secrets).
import type { Role } from '../auth/roles.js';
import type { CollectionSpec, SortKey } from '../../store/datastore.js';
import * as C from '../../store/collections.js';

export interface SearchIndex {
  name: string;
  collection: string;
  spec: CollectionSpec;
  role: Role;
  defaultSort: SortKey[];
  textFields: string[];
  /** Fields of a hit when the caller gives no `fl`; null for the whole record. */
  stored: string[] | null;
  /** Never returned, searched, sorted or aggregated. */
  hidden: string[];
  /**
   * Which records a non-administrator may see: by classification only, or also through the submissions they may
   * read (see access.ts).
   */
  access: 'classification' | 'submission' | 'file' | 'result' | 'error' | 'alert';
}

const desc = (field: string): SortKey[] => [{ field, dir: 'desc' }];
const asc = (field: string): SortKey[] => [{ field, dir: 'asc' }];

const INDICES: SearchIndex[] = [
  {
    name: 'alert', collection: 'alert', spec: C.ALERT, role: 'alert_view', defaultSort: desc('reporting_ts'),
    textFields: ['file.name', 'file.sha256', 'file.md5', 'file.sha1', 'al.av', 'al.attrib', 'al.domain', 'al.ip', 'al.uri', 'al.yara', 'heuristic.name', 'label', 'sid', 'alert_id'],
    stored: null, hidden: [], access: 'alert',
  },
  {
    name: 'badlist', collection: 'badlist', spec: C.BADLIST, role: 'badlist_view', defaultSort: desc('added'),
    textFields: ['hashes.md5', 'hashes.sha1', 'hashes.sha256', 'tag.value', 'file.name', 'sources.name'],
    stored: null, hidden: [], access: 'classification',
  },
  {
    name: 'file', collection: 'file', spec: C.FILE, role: 'submission_view', defaultSort: desc('seen.last'),
    textFields: ['sha256', 'sha1', 'md5', 'ssdeep', 'tlsh', 'type', 'magic', 'mime', 'labels'],
    stored: null, hidden: [], access: 'file',
  },
  {
    name: 'heuristic', collection: 'heuristic', spec: C.HEURISTIC, role: 'heuristic_view', defaultSort: asc('heur_id'),
    textFields: ['heur_id', 'name', 'description', 'attack_id'],
    stored: null, hidden: [], access: 'classification',
  },
  {
    name: 'result', collection: 'result', spec: C.RESULT, role: 'submission_view', defaultSort: desc('created'),
    textFields: ['sha256', 'response.service_name', 'result.sections.title_text', 'result.sections.heuristic.heur_id'],
    stored: ['classification', 'created', 'expiry_ts', 'sha256', 'type', 'size', 'drop_file', 'partial', 'response.service_name', 'response.service_version', 'response.service_tool_version', 'result.score'],
    hidden: [], access: 'result',
  },
  {
    name: 'signature', collection: 'signature', spec: C.SIGNATURE, role: 'signature_view', defaultSort: asc('type'),
    textFields: ['name', 'source', 'signature_id', 'data'],
    stored: ['classification', 'last_modified', 'name', 'order', 'revision', 'signature_id', 'source', 'state_change_date', 'state_change_user', 'status', 'type'],
    hidden: [], access: 'classification',
  },
  {
    name: 'submission', collection: 'submission', spec: C.SUBMISSION, role: 'submission_view', defaultSort: desc('times.submitted'),
    textFields: ['sid', 'params.description', 'params.submitter', 'files.name', 'files.sha256'],
    stored: ['sid', 'state', 'max_score', 'classification', 'times.submitted', 'times.completed', 'params.description', 'params.submitter', 'params.groups', 'file_count', 'error_count', 'incomplete', 'archived', 'expiry_ts'],
    hidden: [], access: 'submission',
  },
  {
    name: 'safelist', collection: 'safelist', spec: C.SAFELIST, role: 'safelist_view', defaultSort: desc('added'),
    textFields: ['hashes.md5', 'hashes.sha1', 'hashes.sha256', 'tag.value', 'signature.name', 'file.name', 'sources.name'],
    stored: null, hidden: [], access: 'classification',
  },
  {
    name: 'workflow', collection: 'workflow', spec: C.WORKFLOW, role: 'workflow_view', defaultSort: desc('last_seen'),
    textFields: ['name', 'query', 'description', 'labels'],
    stored: null, hidden: [], access: 'classification',
  },
  // Administrator-only indices.
  {
    name: 'error', collection: 'error', spec: C.ERROR, role: 'administration', defaultSort: desc('created'),
    textFields: ['sha256', 'response.service_name', 'response.message'],
    stored: null, hidden: [], access: 'error',
  },
  {
    name: 'user', collection: 'user', spec: C.USER, role: 'administration', defaultSort: asc('id'),
    textFields: ['uname', 'name', 'email'],
    stored: null, hidden: ['password', 'otp_sk', 'security_tokens'], access: 'classification',
  },
  {
    name: 'apikey', collection: 'apikey', spec: C.APIKEY, role: 'administration', defaultSort: asc('id'),
    textFields: ['uname', 'key_name'],
    stored: null, hidden: ['password'], access: 'classification',
  },
  {
    name: 'emptyresult', collection: 'emptyresult', spec: C.EMPTY_RESULT, role: 'administration', defaultSort: asc('expiry_ts'),
    textFields: [], stored: null, hidden: [], access: 'classification',
  },
];

const BY_NAME = new Map(INDICES.map((i) => [i.name, i]));

export function searchIndex(name: string): SearchIndex | undefined {
  return BY_NAME.get(name);
}

export function allIndices(): SearchIndex[] {
  return [...INDICES];
}

/** Every field an index's collection declares, for the listing routes' simple `field:value` queries. */
export function declaredFields(name: string): string[] {
  const index = BY_NAME.get(name);
  if (!index) throw new Error(`unknown index: ${name}`);
  return Object.keys(index.spec.fields);
}
