// One model for both formats: an RFC 5322 message parsed by postal-mime, or an Outlook .msg read by msgreader.
// The report only ever sees this model.
import PostalMime, { decodeWords } from 'postal-mime';
import type { Address } from 'postal-mime';
import { bareAddress, headerValues, parseHeaderBlock, type HeaderField } from './headers.js';

export interface Part {
  name: string;
  mimeType: string;
  data: Uint8Array;
  disposition: string | null;
  /** An attached message (message/rfc822 or an embedded Outlook item). */
  isMessage: boolean;
  /** Inline images referenced by the HTML body (cid:), as opposed to files the reader is meant to open. */
  inline: boolean;
}

export interface Message {
  format: 'eml' | 'msg';
  headers: HeaderField[];
  from: string[];
  sender: string[];
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  returnPath: string | null;
  subject: string | null;
  date: string | null;
  messageId: string | null;
  xMailer: string | null;
  text: string | null;
  html: string | null;
  parts: Part[];
}


function addresses(list: Address | Address[] | undefined): string[] {
  const flat: string[] = [];
  for (const a of Array.isArray(list) ? list : list ? [list] : []) {
    if (a.group) for (const m of a.group) flat.push(m.name && m.address ? `${m.name} <${m.address}>` : m.address || m.name);
    else flat.push(a.name && a.address ? `${a.name} <${a.address}>` : a.address || a.name);
  }
  return flat.filter(Boolean);
}

function bytesOf(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

export async function parseEml(buf: Buffer): Promise<Message> {
  // Attached messages stay attachments (children analysed on their own) instead of being merged into this body.
  const email = await PostalMime.parse(buf, { rfc822Attachments: true, forceRfc822Attachments: true });
  const headers = parseHeaderBlock(buf.subarray(0, 4 * 1024 * 1024).toString('latin1'));
  const decoded = (name: string) => {
    const v = email.headers.find((h) => h.key === name.toLowerCase())?.value;
    return v ? decodeWords(v) : null;
  };
  let nMessages = 0;
  const parts: Part[] = email.attachments.map((a, i) => {
    const isMessage = /^message\/(rfc822|global)$/i.test(a.mimeType);
    const name = a.filename || (isMessage ? `attached_message_${++nMessages}.eml` : `attachment_${i + 1}`);
    return {
      name, mimeType: a.mimeType, data: bytesOf(a.content), disposition: a.disposition, isMessage,
      inline: a.disposition === 'inline' || Boolean(a.related),
    };
  });
  return {
    format: 'eml',
    headers,
    from: addresses(email.from),
    sender: addresses(email.sender),
    to: addresses(email.to),
    cc: addresses(email.cc),
    bcc: addresses(email.bcc),
    replyTo: addresses(email.replyTo),
    returnPath: email.returnPath ?? bareAddress(headerValues(headers, 'Return-Path')[0]) ?? null,
    subject: email.subject ?? null,
    date: email.date ?? decoded('date'),
    messageId: email.messageId ?? null,
    xMailer: decoded('x-mailer'),
    text: email.text ?? null,
    html: email.html ?? null,
    parts,
  };
}
