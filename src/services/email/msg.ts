// Outlook .msg (MS-OXMSG) through msgreader, into the common message model. The transport headers an Outlook
// item keeps (PR_TRANSPORT_MESSAGE_HEADERS) give the Received chain and authentication results; the rest comes
// from MAPI properties. Embedded Outlook items are rebuilt by msgreader as standalone .msg files.
import MsgReaderModule from '@kenjiuno/msgreader';
import { decodeWords } from 'postal-mime';
import { bareAddress, headerValues, parseHeaderBlock } from './headers.js';
import type { Message, Part } from './message.js';

// The package is CommonJS with its class on `default`; Node's ESM loader hands over module.exports.
type MsgReaderClass = typeof MsgReaderModule.default;
const MsgReader: MsgReaderClass = MsgReaderModule.default ?? (MsgReaderModule as unknown as MsgReaderClass);

const MAX_ATTACHMENTS = 500;

function person(name: string | undefined, email: string | undefined): string | null {
  if (email && name && name !== email) return `${name} <${email}>`;
  return email || name || null;
}

export function parseMsg(buf: Buffer): Message {
  const reader = new MsgReader(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer);
  const data = reader.getFileData();
  if (data.error) throw new Error(`not an Outlook message: ${data.error}`);
  const headers = data.headers ? parseHeaderBlock(data.headers) : [];
  const header = (name: string) => {
    const v = headerValues(headers, name)[0];
    return v ? decodeWords(v) : null;
  };
  const recipients = (kind: 'to' | 'cc' | 'bcc') => (data.recipients ?? [])
    .filter((r) => (r.recipType ?? 'to') === kind)
    .map((r) => person(r.name, r.smtpAddress || r.email))
    .filter((x): x is string => x !== null);

  const parts: Part[] = [];
  for (const [i, a] of (data.attachments ?? []).entries()) {
    if (i >= MAX_ATTACHMENTS) break;
    try {
      const att = reader.getAttachment(a);
      const isMessage = a.innerMsgContent === true;
      const name = (att.fileName || a.fileName || a.fileNameShort || a.name || `attachment_${i + 1}`) + (isMessage && !/\.msg$/i.test(att.fileName ?? '') ? '.msg' : '');
      parts.push({
        name, mimeType: isMessage ? 'application/vnd.ms-outlook' : (a.attachMimeTag || 'application/octet-stream'),
        data: att.content, disposition: a.attachmentHidden ? 'inline' : 'attachment', isMessage,
        inline: Boolean(a.attachmentHidden || a.pidContentId),
      });
    } catch {
      // An attachment whose data streams are missing or damaged is skipped; the others still come out.
    }
  }

  const html = data.bodyHtml ?? (data.html ? Buffer.from(data.html).toString('utf8') : null);
  const from = person(data.senderName, data.senderSmtpAddress || data.senderEmail);
  return {
    format: 'msg',
    headers,
    from: header('From') ? [header('From')!] : from ? [from] : [],
    sender: [],
    to: recipients('to'),
    cc: recipients('cc'),
    bcc: recipients('bcc'),
    replyTo: header('Reply-To') ? [header('Reply-To')!] : [],
    returnPath: bareAddress(headerValues(headers, 'Return-Path')[0]),
    subject: data.subject ?? header('Subject'),
    date: data.clientSubmitTime ?? data.messageDeliveryTime ?? header('Date'),
    messageId: data.messageId ?? header('Message-ID'),
    xMailer: header('X-Mailer'),
    text: data.body ?? null,
    html,
    parts,
  };
}
