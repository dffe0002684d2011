// Tag values: validation and normalisation per taxonomy type. Validation follows Assemblyline's field types
// (odm/base.py): a value that fails its type is dropped and reported, never stored, and the stored value is the
// normalised one (lowercased domain, canonical IPv4, uppercase attribution keywords...). Analysers check the tags
// they build with it; the host applies it again to every result it stores.
import { domainToASCII, domainToUnicode } from 'node:url';
import { isIPv6 } from 'node:net';
import { tagKind, type TagKind } from './taxonomy.js';

/** One tag value: a string, or a number for the Integer-typed tags (`network.port`, `file.swf.header.frame.count`). */
export type TagValue = string | number;

export interface TagValidationOptions {
  /**
   * Whether an uppercase ASCII top-level label is a real TLD. Assemblyline checks the IANA list (plus local TLDs);
   * without a list only the shape is checked, so "setup.exe" passes where Assemblyline would drop it.
   */
  isKnownTld?: (tld: string) => boolean;
}

export type TagCheck = { ok: true; value: TagValue } | { ok: false; reason: string };

// ---- patterns -------------------------------------------------------------------------------------------------
const AN = 'A-Za-z0-9\\u{a1}-\\u{10ffff}';
const DOMAIN = `(?:(?:[${AN}][${AN}_-]{0,62})?[${AN}]\\.)+(?:[Xx][Nn]--)?[${AN}]{2,}\\.?`;
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`, 'u');
const OCTET = '(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)';
const IPV4_RE = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);
const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-";
const EMAIL_RE = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*@(${DOMAIN})$`, 'u');
// scheme://[userinfo@]host[:port][path] with no whitespace anywhere; the host is checked separately.
const URI_RE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#\s]*@)?(\[[0-9A-Fa-f:.]+\]|[^/?#\s:@[\]]+)(:\d{1,5})?([/?#]\S*)?$/u;
const PORT = '(?:0|[1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])';
const UNC_HOST = '[A-Za-z0-9\\-_\\s]{1,63}';
const UNC_RE = new RegExp(`^\\\\\\\\${UNC_HOST}(?:\\.${UNC_HOST}){0,3}(?:@SSL)?(?:@${PORT})?(?:\\\\[^\\\\/:*?"<>|\\r\\n]{1,64})+\\\\*$`);
const PHONE_RE = /^(\+?\d{1,2})?[ .-]?(\(\d{3}\)|\d{3})[ .-](\d{3})[ .-](\d{4})$/;
const SSDEEP_RE = /^\d{1,18}:[a-zA-Z0-9/+]{0,64}:[a-zA-Z0-9/+]{0,64}$/;
const MAC_RE = /^(?:(?:[0-9a-f]{2}-){5}[0-9a-f]{2}|(?:[0-9a-f]{2}:){5}[0-9a-f]{2})$/;
const JA4_RE = /^[tq](?:[sd]|[0-3]){2}[di]\d{4}\w{2}_[a-f0-9]{12}_[a-f0-9]{12}$/;
const HEX_LENGTH: Partial<Record<TagKind, number>> = { md5: 32, sha1: 40, sha256: 64 };
const PLATFORMS = ['Windows', 'Linux', 'MacOS', 'Android', 'iOS'];
const TLD_SHAPE = /^(?:[A-Z]{2,63}|XN--[A-Z0-9-]{1,59})$/;

const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);

/** Assemblyline's domain sanity check: alphanumeric/hyphen labels, at least two, and a known top-level label. */
export function isValidDomain(domain: string, opts: TagValidationOptions = {}): boolean {
  if (!domain || domain.includes('@')) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) {
    if (!label || label.startsWith('-') || label.endsWith('-') || !/^[\p{L}\p{N}-]+$/u.test(label)) return false;
  }
  let tld = labels[labels.length - 1]!;
  if (!isAscii(tld)) tld = domainToASCII(tld);
  tld = tld.toUpperCase();
  if (!tld) return false;
  return opts.isKnownTld ? opts.isKnownTld(tld) : TLD_SHAPE.test(tld);
}

/** IPv4 as a URI host: four octets, neither the first nor the last zero. */
function isValidHostIp(ip: string): boolean {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d+$/.test(p) && Number(p) <= 255)) return false;
  return Number(parts[0]) !== 0 && Number(parts[3]) !== 0;
}

function checkDomain(raw: string, opts: TagValidationOptions): TagCheck {
  const value = raw.replaceAll('\u3002', '.');
  if (!value.includes('.')) return { ok: false, reason: 'no "." in domain' };
  const segments: string[] = [];
  for (const segment of value.split('.')) {
    if (isAscii(segment)) {
      // Punycode labels are stored decoded, as Assemblyline does.
      segments.push(segment.toLowerCase().startsWith('xn--') ? domainToUnicode(segment.toLowerCase()) || segment : segment);
      continue;
    }
    const norm = segment.normalize('NFKC');
    // A compatibility character that normalises into a separator would change the domain's structure.
    if (norm !== segment && /[./?@#]/.test(norm)) return { ok: false, reason: `"${segment}" normalises to "${norm}"` };
    segments.push(norm);
  }
  let joined = segments.join('.');
  if (!DOMAIN_RE.test(joined)) return { ok: false, reason: 'not a domain name' };
  joined = joined.replace(/\.+$/, '');
  if (!isValidDomain(joined, opts)) return { ok: false, reason: 'invalid label or top-level domain' };
  return { ok: true, value: joined.toLowerCase() };
}

function checkIp(value: string): TagCheck {
  if (IPV4_RE.test(value)) return { ok: true, value: value.split('.').map((p) => String(Number(p))).join('.') };
  // Only link-local addresses may carry a zone ("fe80::1%eth0"). IPv6 is stored as written, like Assemblyline.
  const zone = value.indexOf('%');
  if (zone >= 0 && !(/^fe80:/i.test(value) && /^[0-9A-Za-z]+$/.test(value.slice(zone + 1)))) {
    return { ok: false, reason: 'bad IPv6 zone' };
  }
  if (isIPv6(zone >= 0 ? value.slice(0, zone) : value)) return { ok: true, value };
  return { ok: false, reason: 'not an IPv4 or IPv6 address' };
}

function checkUri(value: string, opts: TagValidationOptions): TagCheck {
  const m = URI_RE.exec(value);
  if (!m) return { ok: false, reason: 'not a URI with a scheme and a host' };
  const host = m[3]!;
  const bracketed = host.startsWith('[');
  const hostOk = bracketed
    ? isIPv6(host.slice(1, -1))
    : (DOMAIN_RE.test(host) && isValidDomain(host.replace(/\.$/, ''), opts)) || isValidHostIp(host);
  if (!hostOk) return { ok: false, reason: `"${host}" is not a valid domain or IP` };
  return { ok: true, value: `${m[1]}${m[2] ?? ''}${host.toLowerCase()}${m[4] ?? ''}${m[5] ?? ''}` };
}

function checkEmail(value: string, opts: TagValidationOptions): TagCheck {
  const m = EMAIL_RE.exec(value);
  if (!m) return { ok: false, reason: 'not an email address' };
  if (!isValidDomain(m[1]!, opts)) return { ok: false, reason: `"${m[1]}" is not a valid domain` };
  return { ok: true, value: value.toLowerCase() };
}

function checkInteger(value: unknown): TagCheck {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { ok: true, value: Math.trunc(value) } : { ok: false, reason: 'not a finite number' };
  }
  // Python's int() accepts surrounding spaces, a sign and digit-group underscores.
  const s = String(value).trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(s)) return { ok: false, reason: 'not an integer' };
  const n = Number(s.replaceAll('_', ''));
  return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false, reason: 'integer out of range' };
}

const fail = (reason: string): TagCheck => ({ ok: false, reason });

/** Validates one value against the type of `type`, returning the value to store or why it was refused. */
export function normalizeTagValue(type: string, value: unknown, opts: TagValidationOptions = {}): TagCheck {
  const kind = tagKind(type);
  if (!kind) return fail('unknown tag type');
  if (value === null || value === undefined || value === '') return fail('empty value');
  if (typeof value === 'object') return fail('not a scalar value');
  if (kind === 'integer') return checkInteger(value);
  const v = String(value);
  switch (kind) {
    case 'keyword': return { ok: true, value: v };
    case 'upper': return { ok: true, value: v.toUpperCase() };
    case 'domain': return checkDomain(v, opts);
    case 'ip': return checkIp(v);
    case 'uri': return checkUri(v, opts);
    case 'email': return checkEmail(v, opts);
    case 'uri_path': return /^[/?#]\S*/.test(v) ? { ok: true, value: v } : fail('not a URI path');
    case 'unc_path': return UNC_RE.test(v) ? { ok: true, value: v } : fail('not a UNC path');
    case 'phone': return PHONE_RE.test(v) ? { ok: true, value: v } : fail('not a phone number');
    case 'ssdeep': return SSDEEP_RE.test(v) ? { ok: true, value: v } : fail('not an ssdeep hash');
    // Hex digests and MACs are accepted in either case and stored lowercase (Assemblyline's patterns are
    // lowercase-only; folding the case first keeps values a tool printed in uppercase).
    case 'mac': return MAC_RE.test(v.toLowerCase()) ? { ok: true, value: v.toLowerCase() } : fail('not a MAC address');
    case 'md5': case 'sha1': case 'sha256': {
      const lower = v.toLowerCase();
      return new RegExp(`^[a-f0-9]{${HEX_LENGTH[kind]}}$`).test(lower) ? { ok: true, value: lower } : fail(`not a ${kind} digest`);
    }
    case 'ja4': return JA4_RE.test(v) ? { ok: true, value: v } : fail('not a JA4 fingerprint');
    case 'platform': {
      const p = PLATFORMS.find((x) => x.toLowerCase() === v.toLowerCase());
      return p ? { ok: true, value: p } : fail(`platform must be one of ${PLATFORMS.join(', ')}`);
    }
    case 'processor': return /^x(64|86)$/i.test(v) ? { ok: true, value: v.toLowerCase() } : fail('processor must be x86 or x64');
  }
}

export interface InvalidTag {
  type: string;
  value: unknown;
  reason: string;
}

/** A flat tag map: dotted type → values. */
export type FlatTags = Record<string, TagValue[]>;

/** Validates a flat tag map: keeps normalised, de-duplicated values and reports the rest. */
export function validateTags(flat: Record<string, readonly unknown[] | unknown>, opts: TagValidationOptions = {}): { tags: FlatTags; invalid: InvalidTag[] } {
  const tags: FlatTags = {};
  const invalid: InvalidTag[] = [];
  for (const [type, raw] of Object.entries(flat)) {
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      const check = normalizeTagValue(type, value, opts);
      if (!check.ok) {
        invalid.push({ type, value, reason: check.reason });
        continue;
      }
      const list = (tags[type] ??= []);
      if (!list.includes(check.value)) list.push(check.value);
    }
  }
  return { tags, invalid };
}
