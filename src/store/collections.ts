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

export const COLLECTIONS: CollectionSpec[] = [USER, APIKEY, SESSION, FILE];

export function collectionSpec(name: string): CollectionSpec | undefined {
  return COLLECTIONS.find((c) => c.name === name);
}
