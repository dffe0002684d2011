// Result sections of a parsed message: headers, Received hops, authentication, sender consistency, body,
// links, attachments and passwords. Tags go through the taxonomy validators (see cleanTags).
import ipaddr from 'ipaddr.js';
import type { OutputSection } from '../../sdk/index.js';
import { addressDomain, bareAddress, parseAuthResults, parseReceived, headerValues } from './headers.js';
import { HEUR } from './manifest.js';
import type { Message, Part } from './message.js';
import { cleanTags, findLinks, urlHost } from './urls.js';

const list = (v: string[]) => (v.length ? v.join(', ') : null);

function isoDate(v: string | null): string | null {
  if (!v) return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? new Date(t).toISOString() : v;
}

function isPublicIp(ip: string): boolean {
  try {
    return ipaddr.parse(ip).range() === 'unicast';
  } catch {
    return false;
  }
}

export function headerSection(m: Message): OutputSection {
  const addresses = [...m.from, ...m.sender, ...m.to, ...m.cc, ...m.bcc, ...m.replyTo, m.returnPath ?? '']
    .map((a) => bareAddress(a)).filter((a): a is string => a !== null).map((a) => a.toLowerCase());
  return {
    title: 'Email headers', bodyFormat: 'KEY_VALUE',
    body: {
      from: list(m.from), sender: list(m.sender), to: list(m.to), cc: list(m.cc), bcc: list(m.bcc), subject: m.subject,
      date: m.date, message_id: m.messageId, reply_to: list(m.replyTo), return_path: m.returnPath, x_mailer: m.xMailer,
      format: m.format,
    },
    tags: cleanTags({
      'network.email.address': addresses,
      'network.email.subject': [m.subject ?? ''],
      'network.email.msg_id': [m.messageId ?? ''],
      'network.email.date': [isoDate(m.date) ?? ''],
    }),
  };
}

export function receivedSection(m: Message): OutputSection | null {
  const hops = parseReceived(headerValues(m.headers, 'Received').slice(0, 100));
  if (!hops.length) return null;
  return {
    title: `${hops.length} Received hop(s), oldest first`, depth: 1, bodyFormat: 'TABLE', body: hops,
    tags: cleanTags({ 'network.static.ip': hops.map((h) => h.ip).filter((ip): ip is string => ip !== null && isPublicIp(ip)) }),
  };
}

export function authSection(m: Message): OutputSection | null {
  const results = parseAuthResults(m.headers);
  if (!results.length) return null;
  // The topmost Authentication-Results was written by the receiving server; lower ones may come from the sender.
  const firstSource = results[0].source;
  const trusted = results.filter((r) => r.source === firstSource || r.source.startsWith('Received-SPF #1'));
  const signatures: Record<string, number> = {};
  for (const r of trusted) {
    if (!['spf', 'dkim', 'dmarc'].includes(r.method)) continue;
    if (r.result === 'fail' || r.result === 'permerror' || (r.method === 'spf' && r.result === 'softfail')) {
      signatures[`${r.method}_${r.result === 'permerror' ? 'fail' : r.result}`] = 1;
    }
  }
  const section: OutputSection = { title: 'Authentication results', depth: 1, bodyFormat: 'TABLE', body: results };
  if (Object.keys(signatures).length) section.heuristic = { id: HEUR.AUTH_FAILED, signatures };
  return section;
}

export function mismatchSections(m: Message): OutputSection[] {
  const out: OutputSection[] = [];
  const fromAddr = bareAddress(m.from[0]);
  const fromDomain = addressDomain(fromAddr);
  if (!fromDomain) return out;
  const replyDomains = [...new Set(m.replyTo.map((r) => addressDomain(bareAddress(r))).filter((d): d is string => d !== null))];
  const foreign = replyDomains.filter((d) => d !== fromDomain);
  if (foreign.length) {
    out.push({
      title: 'Reply-To domain differs from From domain', depth: 1, bodyFormat: 'KEY_VALUE',
      body: { from: fromAddr, reply_to: list(m.replyTo), from_domain: fromDomain, reply_to_domains: foreign.join(', ') },
      heuristic: { id: HEUR.REPLY_TO_MISMATCH },
    });
  }
  const rpDomain = addressDomain(m.returnPath);
  if (rpDomain && rpDomain !== fromDomain) {
    out.push({
      title: 'Return-Path domain differs from From domain', depth: 1, bodyFormat: 'KEY_VALUE',
      body: { from: fromAddr, return_path: m.returnPath, from_domain: fromDomain, return_path_domain: rpDomain },
      heuristic: { id: HEUR.RETURN_PATH_MISMATCH },
    });
  }
  return out;
}

/** Plain text of an HTML body, for display when the message has no text part. */
export function htmlToText(html: string): string {
  return html.slice(0, 1_000_000)
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/tr>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ').replace(/&amp;/gi, '&').replace(/&lt;/gi, '<').replace(/&gt;/gi, '>').replace(/&quot;/gi, '"')
    .replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n\n').trim();
}

export function bodySections(m: Message, maxChars: number): OutputSection[] {
  const out: OutputSection[] = [];
  const text = m.text ?? (m.html ? htmlToText(m.html) : null);
  if (text && text.trim()) {
    out.push({
      title: m.text ? 'Body text' : 'Body text (from the HTML part)', bodyFormat: 'TEXT',
      body: text.length > maxChars ? `${text.slice(0, maxChars)}\n[... ${text.length - maxChars} more characters]` : text,
    });
  }
  const links = findLinks(m.text, m.html);
  if (links.urls.length || links.emails.length) {
    const hosts = links.urls.map(urlHost).filter((h) => h !== null);
    out.push({
      title: `Links in the body (${links.urls.length} URL(s), ${links.emails.length} address(es))`, depth: 1, bodyFormat: 'KEY_VALUE',
      body: { urls: links.urls, email_addresses: links.emails },
      tags: cleanTags({
        'network.static.uri': links.urls,
        'network.static.domain': hosts.map((h) => h.domain),
        'network.static.ip': hosts.map((h) => h.ip),
        'network.email.address': links.emails,
      }),
    });
  }
  return out;
}

const ARCHIVE_EXT = /\.(zip|7z|rar|r\d\d|ace|arj|cab|gz|tgz|bz2|xz|tar|iso|img|lzh|lha|z)$/i;
const ARCHIVE_MIME = /(zip|compressed|rar|7z|x-tar|gzip|x-iso9660|x-ace|x-arj|vnd\.ms-cab)/i;

export function isArchive(p: Part): boolean {
  const d = p.data;
  const magic = d.length > 6 && ((d[0] === 0x50 && d[1] === 0x4b && d[2] === 0x03 && d[3] === 0x04)
    || (d[0] === 0x37 && d[1] === 0x7a && d[2] === 0xbc && d[3] === 0xaf) || (d[0] === 0x52 && d[1] === 0x61 && d[2] === 0x72 && d[3] === 0x21));
  return magic || ARCHIVE_EXT.test(p.name) || ARCHIVE_MIME.test(p.mimeType);
}

export function attachmentSection(parts: Part[], names: string[]): OutputSection | null {
  if (!parts.length) return null;
  return {
    title: `${parts.length} attachment(s)`, bodyFormat: 'TABLE',
    body: parts.map((p, i) => ({
      name: names[i] ?? p.name, type: p.mimeType, size: p.data.length, disposition: p.disposition,
      kind: p.isMessage ? 'attached message' : p.inline ? 'inline' : 'file',
    })),
    tags: cleanTags({ 'file.name.extracted': parts.map((p) => p.name) }),
  };
}

export function passwordSection(passwords: string[], archives: Part[]): OutputSection | null {
  if (!passwords.length) return null;
  const section: OutputSection = {
    title: 'Passwords found in the body', bodyFormat: 'TEXT',
    body: `${passwords.join('\n')}\n\nThese are passed on to the analysis of the attachments${archives.length ? ` (archives: ${archives.map((a) => a.name).join(', ')})` : ''}.`,
    tags: cleanTags({ 'info.password': passwords }),
  };
  if (archives.length) section.heuristic = { id: HEUR.PASSWORD_ARCHIVE };
  return section;
}
