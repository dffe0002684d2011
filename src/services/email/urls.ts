// Links and addresses in message bodies: URLs in the text, href/src targets in the HTML (entity-decoded),
// mailto: addresses. Tags are filtered through the taxonomy's validators so one malformed host cannot fail
// the result.
import { validateTags } from '../../sdk/tags/validate.js';
import { decodeEntities } from './passwords.js';

const MAX_URLS = 500;
const MAX_SCAN = 2_000_000;
const TEXT_URL = /\b(?:https?|ftp):\/\/[^\s<>"'`{}|\\^[\]]{1,2000}/gi;
const ATTR_URL = /\b(?:href|src|action)\s*=\s*(?:"([^"]{1,4000})"|'([^']{1,4000})'|([^\s>]{1,4000}))/gi;
const EMAIL = /(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}(?![\w-])/g;

export interface BodyLinks { urls: string[]; emails: string[] }

function trimUrl(u: string): string {
  // Sentence punctuation and an unbalanced closing bracket are not part of the link.
  let out = u.replace(/[.,;:!?'"]+$/, '');
  if (out.endsWith(')') && !out.includes('(')) out = out.slice(0, -1);
  if (out.endsWith('>')) out = out.slice(0, -1);
  return out;
}

export function findLinks(text: string | null | undefined, html: string | null | undefined): BodyLinks {
  const urls = new Set<string>();
  const emails = new Set<string>();
  const addUrl = (u: string) => {
    if (urls.size < MAX_URLS && u.length > 10) urls.add(trimUrl(u));
  };
  if (text) {
    const t = text.slice(0, MAX_SCAN);
    for (const m of t.matchAll(TEXT_URL)) addUrl(m[0]);
    for (const m of t.matchAll(EMAIL)) if (emails.size < MAX_URLS) emails.add(m[0].toLowerCase());
  }
  if (html) {
    const h = html.slice(0, MAX_SCAN);
    for (const m of h.matchAll(ATTR_URL)) {
      const v = decodeEntities((m[1] ?? m[2] ?? m[3]).trim());
      if (/^(?:https?|ftp):\/\//i.test(v)) addUrl(v);
      else if (/^mailto:/i.test(v)) {
        const a = v.slice(7).split('?')[0];
        if (/^[^\s@]+@[^\s@]+$/.test(a) && emails.size < MAX_URLS) emails.add(a.toLowerCase());
      }
    }
    // Links written as text in the HTML, not only in attributes.
    const plain = decodeEntities(h.replace(/<[^>]*>/g, ' '));
    for (const m of plain.matchAll(TEXT_URL)) addUrl(m[0]);
  }
  return { urls: [...urls], emails: [...emails] };
}

/** Host of a URL: a domain or an IP address; null when it does not parse. */
export function urlHost(u: string): { domain?: string; ip?: string } | null {
  try {
    const host = new URL(u).hostname.replace(/^\[|\]$/g, '');
    if (!host) return null;
    return /^[\d.]+$/.test(host) || host.includes(':') ? { ip: host } : { domain: host };
  } catch {
    return null;
  }
}

export function cleanTags(tags: Record<string, Array<string | null | undefined>>): Record<string, string[]> | undefined {
  const present: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(tags)) {
    const vals = [...new Set(v.filter((x): x is string => typeof x === 'string' && x !== ''))];
    if (vals.length) present[k] = vals;
  }
  const { tags: valid } = validateTags(present);
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(valid)) if (v.length) out[k] = v.map(String);
  return Object.keys(out).length ? out : undefined;
}
