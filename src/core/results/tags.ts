// Tags in stored results: the nested (stored) and flat (dotted) forms, the list form the API returns, tag
// safelisting and the summary buckets. Checking a tag value against its type belongs to the SDK
// (src/sdk/tags/validate.ts), which analysers use too.
import type { NestedTags } from './model.js';
import type { FlatTags, TagValue } from '../../sdk/tags/validate.js';
import { shortType } from '../../sdk/tags/taxonomy.js';

/** Nested (stored) tags to the flat dotted form. */
export function flattenTags(nested: NestedTags | null | undefined, prefix = ''): FlatTags {
  const out: FlatTags = {};
  for (const [key, node] of Object.entries(nested ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(node)) out[path] = [...node];
    else if (node && typeof node === 'object') Object.assign(out, flattenTags(node, path));
  }
  return out;
}

/** Flat dotted tags to the nested form results store; empty lists are left out. */
export function nestTags(flat: FlatTags): NestedTags {
  const out: NestedTags = {};
  for (const [type, values] of Object.entries(flat)) {
    if (!values.length) continue;
    const parts = type.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (!next || Array.isArray(next)) node[part] = {};
      node = node[part] as NestedTags;
    }
    node[parts[parts.length - 1]!] = [...values];
  }
  return out;
}

export interface ApiTag {
  type: string;
  value: TagValue;
  short_type: string;
  safelisted: boolean;
}

/** The API's list form of a flat tag map. */
export function tagList(flat: Record<string, readonly TagValue[] | null | undefined>, safelisted = false): ApiTag[] {
  const out: ApiTag[] = [];
  for (const [type, values] of Object.entries(flat)) {
    for (const value of values ?? []) out.push({ type, value, short_type: shortType(type), safelisted });
  }
  return out;
}

export interface TagSafelist {
  /** Exact values by tag type (the `safelist` collection's tag entries and configured matches). */
  tags?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Patterns by tag type; like Python's re.match they must match at the start of the value. */
  regex?: ReadonlyMap<string, readonly RegExp[]>;
}

export function isTagSafelisted(type: string, value: TagValue, safelist: TagSafelist): boolean {
  const text = String(value);
  if (safelist.tags?.get(type)?.has(text)) return true;
  for (const re of safelist.regex?.get(type) ?? []) {
    const anchored = new RegExp(re.source, `${re.flags.replace(/[gy]/g, '')}y`);
    if (anchored.test(text)) return true;
  }
  return false;
}

/** Splits tags into kept and safelisted; safelisted values are stored as strings in a flat map. */
export function splitSafelisted(flat: FlatTags, safelist: TagSafelist): { tags: FlatTags; safelisted: Record<string, string[]> } {
  const tags: FlatTags = {};
  const safelisted: Record<string, string[]> = {};
  for (const [type, values] of Object.entries(flat)) {
    for (const value of values) {
      if (isTagSafelisted(type, value, safelist)) (safelisted[type] ??= []).push(String(value));
      else (tags[type] ??= []).push(value);
    }
  }
  return { tags, safelisted };
}

export type SummaryBucket = 'attribution' | 'behavior' | 'ioc';

/** Tag types shown in a submission summary, by bucket (Assemblyline's default `submission.tag_types`). */
export const SUMMARY_TAG_TYPES: Readonly<Record<SummaryBucket, readonly string[]>> = {
  attribution: [
    'attribution.actor', 'attribution.campaign', 'attribution.exploit', 'attribution.implant', 'attribution.family',
    'attribution.network', 'av.virus_name', 'file.config', 'technique.obfuscation',
  ],
  behavior: ['file.behavior'],
  ioc: [
    'network.email.address', 'network.static.ip', 'network.static.domain', 'network.static.uri',
    'network.dynamic.ip', 'network.dynamic.domain', 'network.dynamic.uri',
  ],
};

/** The summary bucket of a tag type; behaviour is checked first, as Assemblyline does. */
export function summaryBucket(type: string, buckets: Readonly<Record<SummaryBucket, readonly string[]>> = SUMMARY_TAG_TYPES): SummaryBucket | null {
  for (const bucket of ['behavior', 'attribution', 'ioc'] as const) {
    if (buckets[bucket].includes(type)) return bucket;
  }
  return null;
}
