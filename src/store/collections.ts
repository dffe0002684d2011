// The collections Assay stores and the fields each one indexes. Engines build their tables and indexes from
// this list (through versioned migrations), and search uses it to know a field's type and whether it is a list.
import type { CollectionSpec } from './datastore.js';

export const USER: CollectionSpec = {
  name: 'user',
  fields: {
    uname: { type: 'keyword', indexed: true },
    name: { type: 'text' },
    email: { type: 'keyword' },
    type: { type: 'keyword', list: true },
    roles: { type: 'keyword', list: true },
    groups: { type: 'keyword', list: true },
    is_active: { type: 'boolean' },
    classification: { type: 'keyword' },
  },
};

export const APIKEY: CollectionSpec = {
  name: 'apikey',
  fields: {
    uname: { type: 'keyword', indexed: true },
    key_name: { type: 'keyword' },
    acl: { type: 'keyword', list: true },
    roles: { type: 'keyword', list: true },
    creation_date: { type: 'date' },
    expiry_ts: { type: 'date', indexed: true },
    last_used: { type: 'date' },
  },
};

/** Server-side login sessions (AL keeps them in Redis); `expires` is refreshed as the session is used. */
export const SESSION: CollectionSpec = {
  name: 'session',
  fields: {
    username: { type: 'keyword', indexed: true },
    expires: { type: 'integer', indexed: true },
  },
};

/** Files by sha256: hashes, type, and when they were seen. */
export const FILE: CollectionSpec = {
  name: 'file',
  fields: {
    sha256: { type: 'keyword' },
    sha1: { type: 'keyword', indexed: true },
    md5: { type: 'keyword', indexed: true },
    ssdeep: { type: 'keyword' },
    tlsh: { type: 'keyword' },
    size: { type: 'integer' },
    type: { type: 'keyword', indexed: true },
    magic: { type: 'text' },
    mime: { type: 'keyword' },
    entropy: { type: 'float' },
    classification: { type: 'keyword' },
    'seen.count': { type: 'integer' },
    'seen.first': { type: 'date' },
    'seen.last': { type: 'date', indexed: true },
    expiry_ts: { type: 'date', indexed: true },
    labels: { type: 'keyword', list: true },
    is_supplementary: { type: 'boolean' },
    is_section_image: { type: 'boolean' },
  },
};

export const SUBMISSION: CollectionSpec = {
  name: 'submission',
  fields: {
    sid: { type: 'keyword' },
    state: { type: 'keyword', indexed: true },
    max_score: { type: 'integer', indexed: true },
    classification: { type: 'keyword' },
    'times.submitted': { type: 'date', indexed: true },
    'times.completed': { type: 'date' },
    'params.submitter': { type: 'keyword', indexed: true },
    'params.groups': { type: 'keyword', list: true },
    'params.description': { type: 'text' },
    'params.psid': { type: 'keyword' },
    file_count: { type: 'integer' },
    error_count: { type: 'integer' },
    incomplete: { type: 'boolean' },
    scan_key: { type: 'keyword' },
    expiry_ts: { type: 'date', indexed: true },
    archived: { type: 'boolean' },
    results: { type: 'keyword', list: true },
    errors: { type: 'keyword', list: true },
    'files.sha256': { type: 'keyword', path: 'files[].sha256', terms: true },
    'files.name': { type: 'keyword', path: 'files[].name' },
    'files.size': { type: 'integer', path: 'files[].size' },
    'params.classification': { type: 'keyword' },
    'params.deep_scan': { type: 'boolean' },
    'params.priority': { type: 'integer' },
    'params.type': { type: 'keyword' },
    'params.services.selected': { type: 'keyword', list: true },
    'verdict.malicious': { type: 'keyword', list: true },
    'verdict.non_malicious': { type: 'keyword', list: true },
  },
  dynamic: [{ prefix: 'metadata.', spec: { type: 'keyword' } }],
};

export const RESULT: CollectionSpec = {
  name: 'result',
  fields: {
    sha256: { type: 'keyword', indexed: true },
    created: { type: 'date' },
    expiry_ts: { type: 'date', indexed: true },
    'response.service_name': { type: 'keyword', indexed: true },
    'response.service_version': { type: 'keyword' },
    'response.service_tool_version': { type: 'keyword' },
    'result.score': { type: 'integer', indexed: true },
    'result.sections.heuristic.heur_id': { type: 'keyword', terms: true },
    'result.sections.heuristic.attack.attack_id': { type: 'keyword', terms: true },
    'result.sections.heuristic.signature.name': { type: 'keyword', terms: true },
    'result.sections.heuristic.name': { type: 'text', path: 'result.sections[].heuristic.name' },
    'result.sections.title_text': { type: 'text', path: 'result.sections[].title_text' },
    classification: { type: 'keyword' },
    size: { type: 'integer' },
    drop_file: { type: 'boolean' },
    partial: { type: 'boolean' },
    type: { type: 'keyword' },
  },
  dynamic: [{ prefix: 'result.sections.tags.', spec: { type: 'keyword', terms: true } }],
};

/** Keys of results that were empty: nothing stored but the fact (Assemblyline's `emptyresult`). */
export const EMPTY_RESULT: CollectionSpec = {
  name: 'emptyresult',
  fields: { expiry_ts: { type: 'date', indexed: true } },
};

export const ERROR: CollectionSpec = {
  name: 'error',
  fields: {
    sha256: { type: 'keyword', indexed: true },
    created: { type: 'date', indexed: true },
    type: { type: 'keyword' },
    severity: { type: 'keyword' },
    'response.service_name': { type: 'keyword' },
    'response.service_version': { type: 'keyword' },
    'response.message': { type: 'text' },
    'response.status': { type: 'keyword' },
    expiry_ts: { type: 'date', indexed: true },
  },
};

export const HEURISTIC: CollectionSpec = {
  name: 'heuristic',
  fields: {
    heur_id: { type: 'keyword', indexed: true },
    name: { type: 'text' },
    score: { type: 'integer' },
    max_score: { type: 'integer' },
    attack_id: { type: 'keyword', list: true },
    classification: { type: 'keyword' },
    description: { type: 'text' },
    filetype: { type: 'keyword' },
    'stats.count': { type: 'integer' },
    'stats.last_hit': { type: 'date' },
  },
};

/** Scores of completed ingests by scan key, the ingester's result cache. */
export const FILESCORE: CollectionSpec = {
  name: 'filescore',
  fields: { sid: { type: 'keyword' }, time: { type: 'integer' }, expiry_ts: { type: 'integer', indexed: true } },
};

/** Ingested submissions from acceptance to notification: the ingester's durable work list. */
export const INGEST: CollectionSpec = {
  name: 'ingest',
  fields: {
    state: { type: 'keyword', indexed: true },
    priority: { type: 'integer' },
    queued: { type: 'integer' },
    scan_key: { type: 'keyword' },
    sid: { type: 'keyword' },
  },
  binary: 'content',
};

export const ALERT: CollectionSpec = {
  name: 'alert',
  fields: {
    alert_id: { type: 'keyword' },
    sid: { type: 'keyword', indexed: true },
    reporting_ts: { type: 'date', indexed: true },
    ts: { type: 'date', indexed: true },
    'al.score': { type: 'integer', indexed: true },
    owner: { type: 'keyword', indexed: true },
    priority: { type: 'keyword', indexed: true },
    status: { type: 'keyword', indexed: true },
    label: { type: 'keyword', list: true },
    type: { type: 'keyword', indexed: true },
    classification: { type: 'keyword' },
    extended_scan: { type: 'keyword' },
    filtered: { type: 'boolean' },
    workflows_completed: { type: 'boolean' },
    'file.sha256': { type: 'keyword', indexed: true },
    'file.md5': { type: 'keyword' },
    'file.sha1': { type: 'keyword' },
    'file.name': { type: 'keyword' },
    'file.type': { type: 'keyword' },
    'file.size': { type: 'integer' },
    'heuristic.name': { type: 'keyword', list: true },
    'attack.pattern': { type: 'keyword', list: true },
    'attack.category': { type: 'keyword', list: true },
    'verdict.malicious': { type: 'keyword', list: true },
    'verdict.non_malicious': { type: 'keyword', list: true },
    'events.entity_id': { type: 'keyword', path: 'events[].entity_id' },
    ...Object.fromEntries(
      ['attrib', 'av', 'behavior', 'domain', 'domain_dynamic', 'domain_static', 'ip', 'ip_dynamic', 'ip_static', 'uri', 'uri_dynamic', 'uri_static', 'yara'].map(
        (k) => [`al.${k}`, { type: 'keyword' as const, list: true }],
      ),
    ),
    expiry_ts: { type: 'date', indexed: true },
  },
  dynamic: [{ prefix: 'metadata.', spec: { type: 'keyword' } }],
};

/** Saved queries that label, prioritise or set the status of the alerts they match. */
export const WORKFLOW: CollectionSpec = {
  name: 'workflow',
  fields: {
    workflow_id: { type: 'keyword' },
    name: { type: 'keyword', indexed: true },
    query: { type: 'keyword' },
    description: { type: 'text' },
    labels: { type: 'keyword', list: true },
    priority: { type: 'keyword' },
    status: { type: 'keyword' },
    enabled: { type: 'boolean', indexed: true },
    creator: { type: 'keyword' },
    edited_by: { type: 'keyword' },
    origin: { type: 'keyword' },
    classification: { type: 'keyword' },
    hit_count: { type: 'integer' },
    creation_date: { type: 'date' },
    last_edit: { type: 'date' },
    first_seen: { type: 'date' },
    last_seen: { type: 'date', indexed: true },
  },
};

export const USER_SETTINGS: CollectionSpec = { name: 'user_settings', fields: {} };

/** Detection signatures (YARA rules and others), as Assemblyline's signature model. */
export const SIGNATURE: CollectionSpec = {
  name: 'signature',
  fields: {
    name: { type: 'keyword', indexed: true },
    type: { type: 'keyword', indexed: true },
    source: { type: 'keyword', indexed: true },
    status: { type: 'keyword', indexed: true },
    signature_id: { type: 'keyword' },
    revision: { type: 'keyword' },
    last_modified: { type: 'date', indexed: true },
    classification: { type: 'keyword' },
    data: { type: 'text' },
    state_change_date: { type: 'date' },
    state_change_user: { type: 'keyword' },
  },
};

const LIST_FIELDS: CollectionSpec['fields'] = {
  type: { type: 'keyword', indexed: true },
  enabled: { type: 'boolean' },
  'hashes.md5': { type: 'keyword', indexed: true },
  'hashes.sha1': { type: 'keyword', indexed: true },
  'hashes.sha256': { type: 'keyword', indexed: true },
  'tag.type': { type: 'keyword', indexed: true },
  'tag.value': { type: 'keyword' },
  added: { type: 'date', indexed: true },
  updated: { type: 'date' },
  expiry_ts: { type: 'date', indexed: true },
  classification: { type: 'keyword' },
  'file.name': { type: 'keyword', list: true },
  'file.size': { type: 'integer' },
  'file.type': { type: 'keyword' },
  'sources.name': { type: 'keyword', path: 'sources[].name' },
  'sources.type': { type: 'keyword', path: 'sources[].type' },
};

export const SAFELIST: CollectionSpec = { name: 'safelist', fields: { ...LIST_FIELDS, 'signature.name': { type: 'keyword' } } };

export const BADLIST: CollectionSpec = {
  name: 'badlist',
  fields: { ...LIST_FIELDS, 'hashes.ssdeep': { type: 'keyword' }, 'hashes.tlsh': { type: 'keyword' } },
};

export const COLLECTIONS: CollectionSpec[] = [
  USER, APIKEY, SESSION, FILE, SUBMISSION, RESULT, EMPTY_RESULT, ERROR, HEURISTIC, FILESCORE, INGEST, ALERT, USER_SETTINGS, SIGNATURE, SAFELIST, BADLIST, WORKFLOW,
];

export function collectionSpec(name: string): CollectionSpec | undefined {
  return COLLECTIONS.find((c) => c.name === name);
}
