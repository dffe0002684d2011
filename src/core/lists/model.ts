// Safelist and badlist items (Assemblyline's `safelist` / `badlist` models): checking and normalising what a
// caller sends, the key an item is stored under, and merging a new submission of an item into the stored one.
// Both lists share this logic; `kind` selects the few differences (signatures are safelist-only, fuzzy hashes
// and attribution are badlist-only).
import { createHash } from 'node:crypto';
import { badRequest } from '../errors.js';
import { normalizeTagValue } from '../../sdk/tags/validate.js';
import { ATTRIBUTION_KEYS, type Attribution, type ListHashes, type ListKind, type ListSource } from '../../sdk/list-snapshot.js';
import { isPlainObject } from '../util/plain.js';

export type ItemType = 'file' | 'tag' | 'signature';

export interface ListItem {
  added: string;
  updated: string;
  classification: string;
  enabled: boolean;
  expiry_ts: string | null;
  hashes: ListHashes;
  file?: { name?: string[]; size?: number; type?: string };
  sources: ListSource[];
  tag?: { type: string; value: string };
  signature?: { name: string };
  attribution?: Attribution;
  type: ItemType;
}

export const UNRESTRICTED = 'TLP:C';

const HEX_LENGTHS: Record<'md5' | 'sha1' | 'sha256', number> = { md5: 32, sha1: 40, sha256: 64 };

/** The hashes that may key a file item, in order of preference. */
export function idHashOrder(kind: ListKind): Array<keyof ListHashes> {
  return kind === 'badlist' ? ['sha256', 'sha1', 'md5', 'tlsh', 'ssdeep'] : ['sha256', 'sha1', 'md5'];
}

export function itemTypes(kind: ListKind): ItemType[] {
  return kind === 'badlist' ? ['file', 'tag'] : ['file', 'tag', 'signature'];
}

const digests = (text: string): ListHashes => {
  const h = (algo: string) => createHash(algo).update(text, 'utf8').digest('hex');
  return { md5: h('md5'), sha1: h('sha1'), sha256: h('sha256') };
};

function stringList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === 'string')) throw badRequest(`${what} must be a list of strings`);
  return [...new Set(list as string[])];
}

function checkHashes(raw: unknown, kind: ListKind): ListHashes {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) throw badRequest('hashes must be an object');
  const out: ListHashes = {};
  for (const key of ['md5', 'sha1', 'sha256'] as const) {
    const v = raw[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || v.length !== HEX_LENGTHS[key] || !/^[0-9a-fA-F]+$/.test(v)) throw badRequest(`Invalid ${key} hash`);
    out[key] = v.toLowerCase();
  }
  if (kind === 'badlist') {
    // Fuzzy hashes keep their case: ssdeep is base64 and TLSH comparisons ignore case anyway.
    for (const key of ['ssdeep', 'tlsh'] as const) {
      const v = raw[key];
      if (v === undefined || v === null || v === '') continue;
      if (typeof v !== 'string') throw badRequest(`Invalid ${key} hash`);
      out[key] = v.trim();
    }
  }
  return out;
}

function checkSources(raw: unknown): ListSource[] {
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest('No valid source found');
  const byName = new Map<string, ListSource>();
  for (const s of raw) {
    if (!isPlainObject(s) || typeof s.name !== 'string' || !s.name) throw badRequest('Every source needs a name');
    if (s.type !== 'user' && s.type !== 'external') throw badRequest(`Invalid source type for ${s.name}: ${String(s.type)}`);
    const reason = stringList(s.reason, 'reason');
    if (!reason.length) throw badRequest(`Source ${s.name} needs at least one reason`);
    const classification = typeof s.classification === 'string' && s.classification ? s.classification : UNRESTRICTED;
    const prev = byName.get(s.name);
    if (prev) prev.reason = [...new Set([...prev.reason, ...reason])];
    else byName.set(s.name, { classification, name: s.name, reason, type: s.type });
  }
  return [...byName.values()];
}

function checkAttribution(raw: unknown): Attribution | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) throw badRequest('attribution must be an object');
  const out: Attribution = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(ATTRIBUTION_KEYS as readonly string[]).includes(key)) throw badRequest(`Invalid attribution field: ${key}`);
    // Assemblyline stores attribution as upper-case keywords, so "Emotet" and "EMOTET" are one family.
    const list = [...new Set(stringList(value, `attribution.${key}`).map((v) => v.trim().toUpperCase()).filter(Boolean))];
    if (list.length) out[key as keyof Attribution] = list;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * Checks a submitted item and brings it to its stored form; returns the item and the id it is stored under.
 * Throws 400 errors with the message the caller sees.
 */
export function prepareItem(kind: ListKind, raw: unknown, now = new Date()): { id: string; item: ListItem } {
  if (!isPlainObject(raw)) throw badRequest(`Invalid ${kind} item: expected an object`);
  const type = raw.type;
  if (typeof type !== 'string' || !(itemTypes(kind) as string[]).includes(type)) throw badRequest(`Invalid ${kind} type: ${String(type)}`);
  const stamp = now.toISOString();
  const dtl = raw.dtl === undefined || raw.dtl === null ? 0 : Number(raw.dtl);
  // The expiry must be a date JavaScript can hold (about 100 million days from 1970).
  const latest = Math.floor((8.64e15 - now.getTime()) / 86_400_000);
  if (!Number.isFinite(dtl) || dtl < 0 || dtl > latest) throw badRequest(`dtl must be a number of days from 0 (no expiry) to ${latest}`);
  const item: ListItem = {
    added: stamp,
    updated: stamp,
    classification: typeof raw.classification === 'string' && raw.classification ? raw.classification : UNRESTRICTED,
    enabled: raw.enabled === undefined ? true : raw.enabled === true,
    expiry_ts: dtl > 0 ? new Date(now.getTime() + dtl * 86_400_000).toISOString() : null,
    hashes: {},
    sources: checkSources(raw.sources),
    type: type as ItemType,
  };

  if (type === 'tag') {
    const tag = raw.tag;
    if (!isPlainObject(tag) || typeof tag.type !== 'string' || tag.value === undefined || tag.value === null) throw badRequest('Tag data not found');
    const check = normalizeTagValue(tag.type, tag.value);
    if (!check.ok) throw badRequest(`Invalid tag value for ${tag.type}: ${check.reason}`);
    const value = String(check.value);
    item.tag = { type: tag.type, value };
    // Tag items are keyed and looked up by the digests of "type: value", as in Assemblyline.
    item.hashes = digests(`${tag.type}: ${value}`);
  } else if (type === 'signature') {
    const sig = raw.signature;
    if (!isPlainObject(sig) || typeof sig.name !== 'string' || !sig.name) throw badRequest('Signature data not found');
    item.signature = { name: sig.name };
    item.hashes = digests(`signature: ${sig.name}`);
  } else {
    item.hashes = checkHashes(raw.hashes, kind);
    const file = isPlainObject(raw.file) ? raw.file : {};
    const f: NonNullable<ListItem['file']> = {};
    const names = stringList(file.name, 'file.name');
    if (names.length) f.name = names;
    if (file.size !== undefined && file.size !== null) {
      if (!Number.isInteger(file.size) || (file.size as number) < 0) throw badRequest('file.size must be a non-negative integer');
      f.size = file.size as number;
    }
    if (typeof file.type === 'string' && file.type) f.type = file.type;
    item.file = f;
  }
  if (kind === 'badlist') {
    const attribution = checkAttribution(raw.attribution);
    if (attribution) item.attribution = attribution;
  }

  const id = idHashOrder(kind).map((k) => item.hashes[k]).find((h) => h);
  if (!id) throw badRequest('No valid hash found');
  return { id, item };
}

/** Folds a new submission of an item into the stored one: sources, names, hashes and attribution are unioned. */
export function mergeItems(old: ListItem, incoming: ListItem): ListItem {
  if (old.type !== incoming.type) throw badRequest(`Item type mismatch: ${incoming.type} != ${old.type}`);
  const merged: ListItem = structuredClone(old);
  merged.updated = incoming.updated;
  // `enabled` is kept: re-adding a disabled item adds a source, it does not undo a deliberate disable.
  merged.expiry_ts = incoming.expiry_ts;
  for (const [k, v] of Object.entries(incoming.hashes)) if (v) merged.hashes[k as keyof ListHashes] = v;
  if (old.type === 'file') {
    const f = { ...(old.file ?? {}) };
    const names = [...(old.file?.name ?? []), ...(incoming.file?.name ?? [])];
    if (names.length) f.name = [...new Set(names)];
    if (incoming.file?.size !== undefined) f.size = incoming.file.size;
    if (incoming.file?.type) f.type = incoming.file.type;
    merged.file = f;
  } else if (incoming.tag) {
    merged.tag = incoming.tag;
  } else if (incoming.signature) {
    merged.signature = incoming.signature;
  }
  const sources = new Map(merged.sources.map((s) => [s.name, s]));
  for (const src of incoming.sources) {
    const prev = sources.get(src.name);
    if (!prev) {
      sources.set(src.name, src);
      continue;
    }
    if (prev.type !== src.type) throw badRequest(`Source ${src.name} has a type conflict: ${prev.type} != ${src.type}`);
    prev.reason = [...new Set([...prev.reason, ...src.reason])];
    prev.classification = src.classification;
  }
  merged.sources = [...sources.values()];
  if (incoming.attribution) {
    const att: Attribution = { ...(merged.attribution ?? {}) };
    for (const [k, v] of Object.entries(incoming.attribution)) {
      const key = k as keyof Attribution;
      att[key] = [...new Set([...(att[key] ?? []), ...(v ?? [])])];
    }
    merged.attribution = att;
  }
  // Classification is not ordered here (the default scheme is not enforced); the latest submission wins.
  merged.classification = incoming.classification;
  return merged;
}
