// Header-level reading shared by .eml and .msg: the raw header block (unfolded), Received hops, authentication
// results, and address domains. Values are attacker-written text: everything here is regex over bounded strings.
import { getDomain } from 'tldts';

export interface HeaderField { name: string; value: string }

const MAX_HEADERS = 2000;
const MAX_VALUE = 8192;

/** The header block of a message (up to the first empty line), unfolded. */
export function parseHeaderBlock(text: string): HeaderField[] {
  const end = text.search(/\r?\n\r?\n/);
  const block = end >= 0 ? text.slice(0, end) : text;
  const out: HeaderField[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (out.length >= MAX_HEADERS) break;
    if (/^[ \t]/.test(line) && out.length) {
      const last = out[out.length - 1];
      if (last.value.length < MAX_VALUE) last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[!-9;-~]+$/.test(line.slice(0, colon).trimEnd())) continue;
    out.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return out;
}

export function headerValues(headers: HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

export interface ReceivedHop { hop: number; from: string | null; by: string | null; ip: string | null; with: string | null; date: string | null }

const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])/;

/** Received headers, oldest first (each relay adds its own on top). */
export function parseReceived(values: string[]): ReceivedHop[] {
  return values.slice().reverse().map((raw, i) => {
    const v = raw.slice(0, MAX_VALUE);
    const semi = v.lastIndexOf(';');
    const date = semi >= 0 ? v.slice(semi + 1).trim() || null : null;
    const clauses = semi >= 0 ? v.slice(0, semi) : v;
    const word = (kw: string) => new RegExp(`(?:^|\\s)${kw}\\s+([^\\s;()]+)`, 'i').exec(clauses)?.[1] ?? null;
    // The relay's address is in the "from" clause, usually bracketed: "from host (helo [203.0.113.5])".
    const fromClause = /(?:^|\s)from\s+([\s\S]*?)(?:\s(?:by|with|id|for|via)\s|$)/i.exec(clauses)?.[1] ?? '';
    const v6 = /\[(?:IPv6:)?([0-9a-f]*:[0-9a-f:.]+)\]/i.exec(fromClause)?.[1];
    // The parenthesised part is what the receiving relay saw; the bare part is the sender's own HELO claim.
    const seen = [...fromClause.matchAll(/\(([^()]*)\)/g)].map((p) => p[1]).join(' ');
    const ip = IPV4.exec(seen)?.[0] ?? IPV4.exec(fromClause)?.[0] ?? v6 ?? null;
    return { hop: i + 1, from: word('from'), by: word('by'), ip, with: word('with'), date };
  });
}

export interface AuthResult { method: string; result: string; source: string }

const AUTH_METHODS = /\b(spf|dkim|dmarc|arc|compauth|dkim-atps|auth|iprev)=([A-Za-z]+)/gi;

/** Method results of Authentication-Results headers (RFC 8601) and Received-SPF (RFC 7208 §9.1). */
export function parseAuthResults(headers: HeaderField[]): AuthResult[] {
  const out: AuthResult[] = [];
  for (const [i, v] of headerValues(headers, 'Authentication-Results').entries()) {
    // Comments may contain "x=y" text of their own.
    const clean = v.slice(0, MAX_VALUE).replace(/\([^()]*\)/g, ' ');
    const authserv = clean.split(';')[0].trim();
    for (const m of clean.matchAll(AUTH_METHODS)) {
      out.push({ method: m[1].toLowerCase(), result: m[2].toLowerCase(), source: `Authentication-Results #${i + 1} (${authserv})` });
    }
  }
  for (const [i, v] of headerValues(headers, 'Received-SPF').entries()) {
    const m = /^\s*(pass|fail|softfail|neutral|none|temperror|permerror)\b/i.exec(v);
    if (m) out.push({ method: 'spf', result: m[1].toLowerCase(), source: `Received-SPF #${i + 1}` });
  }
  return out;
}

/** Bare address of "Name <a@b>", "<a@b>" or "a@b"; null for the null path "<>" and for non-addresses. */
export function bareAddress(v: string | null | undefined): string | null {
  if (!v) return null;
  const inAngle = /<([^<>]*)>/.exec(v);
  const a = (inAngle ? inAngle[1] : v).trim().replace(/^mailto:/i, '');
  return /^[^\s@]+@[^\s@]+$/.test(a) ? a : null;
}

/** The organisational domain of an address, so mail.example.com and example.com compare equal. */
export function addressDomain(address: string | null): string | null {
  if (!address) return null;
  const host = address.slice(address.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
  return getDomain(host, { allowPrivateDomains: false }) ?? host;
}
