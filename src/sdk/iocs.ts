// Network and host indicators in text: URLs, domains, IP addresses, e-mail addresses, Windows paths and registry
// keys, plus defanged forms ("hxxp://evil[.]com") brought back to their real form. Candidates are found with loose
// patterns and then validated: domains must end in an ICANN public suffix (tldts), IPs must parse (ipaddr.js) and
// are split into public addresses and the rest (private, loopback, reserved ranges), which are not worth a tag.
import { parse as parseDomain } from 'tldts';
import ipaddr from 'ipaddr.js';

export interface Iocs {
  uris: Set<string>;
  domains: Set<string>;
  publicIps: Set<string>;
  /** Non-public addresses with the name of their range, e.g. "10.1.2.3" → "private". */
  otherIps: Map<string, string>;
  emails: Set<string>;
  paths: Set<string>;
  registryKeys: Set<string>;
  /** Refanged indicator → the defanged text it was written as. */
  defanged: Map<string, string>;
}

export function emptyIocs(): Iocs {
  return {
    uris: new Set(), domains: new Set(), publicIps: new Set(), otherIps: new Map(), emails: new Set(),
    paths: new Set(), registryKeys: new Set(), defanged: new Map(),
  };
}

// Top-level domains that are also common file extensions: "readme.md" or "setup.py" are file names far more often
// than domains, so a bare two-label name ending in one of these is not taken as a domain.
const FILE_EXT_TLDS = new Set(['md', 'py', 'sh', 'zip', 'mov', 'rs', 'pl', 'so', 'ps', 'cs', 'pm', 'ml', 'ts', 'sc', 'as', 'cc', 'in', 'js']);

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN_SRC = `(?:${LABEL}\\.)+(?:xn--[a-z0-9-]{1,59}|[a-z]{2,63})`;
const DOMAIN_RE = new RegExp(`(?<![\\w.@-])${DOMAIN_SRC}(?![\\w-]|\\.[a-z0-9])`, 'gi');
const URL_RE = /\b(?:https?|ftp):\/\/[^\s"'<>`{}|\\^[\]\x00]+/gi;
const EMAIL_RE = new RegExp(`(?<![\\w.%+-])[a-z0-9][a-z0-9._%+-]{0,63}@(${DOMAIN_SRC})(?![\\w-]|\\.[a-z0-9])`, 'gi');
// Four dotted numbers standing alone: not after a letter ("v1.2.3.4") or another number ("1.10.0.19041.1").
const IPV4_RE = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g;
const IPV6_RE = /(?<![\w:.])(?:[0-9a-f]{1,4}:){1,7}(?::|(?::[0-9a-f]{1,4}){1,7}|[0-9a-f]{1,4})(?![\w:.])|(?<![\w:])::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}(?![\w:.])/gi;
// Directory components may hold single spaces ("Program Files"), but a following word that starts another path or
// key ("C:\x\cmd.exe HKCU\...") ends the match; the last component ends at the first whitespace.
const WORD = '[^\\\\/:*?"<>|\\s\\x00]+';
const COMPONENT = `${WORD}(?: (?![a-z]:\\\\|HK\\w*\\\\|%\\w+%\\\\|(?:SOFTWARE|SYSTEM)\\\\)${WORD})*`;
const LAST = '[^\\\\/:*?"<>|\\s\\x00]*';
const WIN_PATH_RE = new RegExp(`(?<![\\w])(?:[a-z]:\\\\|%[a-z_]{2,32}%\\\\)(?:${COMPONENT}\\\\)*${LAST}`, 'gi');
const HIVE = '(?:HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG)|HKLM|HKCU|HKCR|HKU|HKCC)';
const REG_RE = new RegExp(`\\b${HIVE}\\\\(?:${COMPONENT}\\\\)*${LAST}`, 'gi');
// Keys written without their hive, as programs pass them to RegOpenKeyEx under a hive handle.
const REG_BARE_RE = new RegExp(`(?<![\\w\\\\])(?:SOFTWARE|SYSTEM)\\\\(?:Microsoft|CurrentControlSet|Classes|Wow6432Node|Policies)\\\\(?:${COMPONENT}\\\\)*${LAST}`, 'gi');

const DEFANG_HINT = /hxxp|fxp|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[:\]|\[:\/\/\]|\[@\]|\[at\]/i;

/** Undoes the usual ways of defanging indicators in reports and phishing kits. */
export function refang(text: string): string {
  return text
    .replace(/\bhxxp(s?)/gi, 'http$1')
    .replace(/\bh\[tt\]p(s?)/gi, 'http$1')
    .replace(/\bfxp\b/gi, 'ftp')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[:\]/g, ':')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[@\]|\[at\]/gi, '@');
}

// Bare names (outside a URL or an e-mail address) ending in a newer generic TLD are nearly always code identifiers
// in binaries ("runtime.name", "reflect.call", "importlib.abc"); such names count only in URLs and addresses.
const BARE_GTLDS = new Set(['com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'onion']);

/** A host name worth tagging: ICANN public suffix, a registrable label before it, no file-name look-alike. */
export function isDomain(candidate: string, bare = false): boolean {
  const host = candidate.replace(/\.$/, '');
  if (host.length > 253) return false;
  // PascalCase labels are code identifiers ("System.IO", "Microsoft.Net"), not host names.
  if (host.split('.').some((l) => /[a-z]/.test(l) && /[A-Z]/.test(l))) return false;
  const p = parseDomain(host.toLowerCase(), { allowPrivateDomains: false });
  if (!p.isIcann || p.isIp || !p.domain || !p.domainWithoutSuffix || !p.publicSuffix) return false;
  if (p.hostname !== host.toLowerCase()) return false;
  if (!p.subdomain && FILE_EXT_TLDS.has(p.publicSuffix)) return false;
  if (bare) {
    const tld = p.publicSuffix.slice(p.publicSuffix.lastIndexOf('.') + 1);
    if (tld.length > 2 && !BARE_GTLDS.has(tld) && !tld.startsWith('xn--')) return false;
    // Compressed or encrypted data is full of short random strings like "uu.uk" or "g.li".
    if (p.domainWithoutSuffix.length < 2 || host.length < 6) return false;
  }
  return true;
}

/** Range of a valid address ("unicast" means public), or undefined when it does not parse. */
export function ipRange(value: string): string | undefined {
  if (!ipaddr.isValid(value)) return undefined;
  const addr = ipaddr.parse(value);
  // ipaddr.js reads "1.2.3" and "010.1.1.1" leniently; only the canonical dotted-quad form counts here.
  if (addr.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(value)) return undefined;
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return (addr as ipaddr.IPv6).toIPv4Address().range();
  return addr.range();
}

function addIp(iocs: Iocs, value: string): boolean {
  const range = ipRange(value);
  if (!range) return false;
  // "1.0.0.0" and "108.0.0.0" are version numbers or network addresses, never a host to contact.
  if (/^\d+\.\d+\.\d+\.0$/.test(value)) return false;
  const canonical = ipaddr.parse(value).toString();
  if (range === 'unicast') iocs.publicIps.add(canonical);
  else iocs.otherIps.set(canonical, range);
  return true;
}

const trimUrl = (u: string) => u.replace(/[.,;:!?)'"]+$/, '');

function addUrl(iocs: Iocs, raw: string): void {
  const url = trimUrl(raw);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (ipRange(host)) addIp(iocs, host);
  else if (isDomain(host)) iocs.domains.add(host.toLowerCase());
  else return;
  iocs.uris.add(url);
  // Redirectors and gateways carry the destination in the query: report it too.
  for (const v of parsed.searchParams.values()) {
    const inner = v.match(URL_RE)?.[0];
    if (inner && inner !== url) addUrl(iocs, inner);
  }
}

/** Adds every indicator found in `text` to `iocs`. */
export function findIocs(text: string, iocs: Iocs): void {
  scan(text, iocs);
  if (!DEFANG_HINT.test(text)) return;
  // Indicators that appear only once the text is refanged were written defanged.
  const before = snapshot(iocs);
  const plain = refang(text);
  scan(plain, iocs);
  for (const [kind, set] of [['uri', iocs.uris], ['domain', iocs.domains], ['ip', iocs.publicIps], ['email', iocs.emails]] as const) {
    for (const v of set) if (!before.has(`${kind}:${v}`)) iocs.defanged.set(v, defangedForm(text, v));
  }
}

function snapshot(iocs: Iocs): Set<string> {
  const s = new Set<string>();
  for (const v of iocs.uris) s.add(`uri:${v}`);
  for (const v of iocs.domains) s.add(`domain:${v}`);
  for (const v of iocs.publicIps) s.add(`ip:${v}`);
  for (const v of iocs.emails) s.add(`email:${v}`);
  return s;
}

/** The defanged spelling in the original text, for display; falls back to the line holding it. */
function defangedForm(text: string, value: string): string {
  const words = text.split(/\s+/).filter((w) => DEFANG_HINT.test(w));
  return words.find((w) => refang(w).toLowerCase().includes(value.toLowerCase())) ?? words[0] ?? value;
}

function scan(text: string, iocs: Iocs): void {
  const urlSpans: Array<[number, number]> = [];
  for (const m of text.matchAll(URL_RE)) {
    addUrl(iocs, m[0]);
    urlSpans.push([m.index!, m.index! + m[0].length]);
  }
  for (const m of text.matchAll(EMAIL_RE)) {
    if (isDomain(m[1]!)) {
      iocs.emails.add(m[0].toLowerCase());
      iocs.domains.add(m[1]!.toLowerCase());
    }
  }
  for (const m of text.matchAll(DOMAIN_RE)) {
    // Parts of a URL were handled with the URL (its path may hold "index.html" that is no host).
    const at = m.index!;
    if (urlSpans.some(([s, e]) => at >= s && at < e)) continue;
    if (isDomain(m[0], true)) iocs.domains.add(m[0].replace(/\.$/, '').toLowerCase());
  }
  for (const m of text.matchAll(IPV4_RE)) addIp(iocs, m[0]);
  if (text.includes(':')) {
    for (const m of text.matchAll(IPV6_RE)) {
      // Hex-and-colon runs also occur in hashes, MAC addresses and C++ names; require a real address with at
      // least three groups so "a::b"-like fragments do not count.
      if (m[0].split(':').filter(Boolean).length >= 3) addIp(iocs, m[0]);
    }
  }
  if (text.includes('\\')) {
    for (const m of text.matchAll(WIN_PATH_RE)) {
      const p = m[0].trimEnd();
      // One short component ("B:\\6ohR") is as likely noise in binary data as a path.
      const parts = p.split('\\').slice(1).filter(Boolean);
      if (parts.length >= 2 || (parts.length === 1 && /^[\w -]{2,}\.[a-z0-9]{1,4}$/i.test(parts[0]!))) iocs.paths.add(p);
    }
    for (const re of [REG_RE, REG_BARE_RE]) for (const m of text.matchAll(re)) iocs.registryKeys.add(m[0].trimEnd().replace(/\\+$/, ''));
  }
}
