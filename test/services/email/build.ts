// Messages the tests build: an .eml with a password-protected zip (the password written in the body), and an
// Outlook .msg written with cfb following MS-OXMSG (property streams, __substg1.0_ streams, recipient and
// attachment storages), optionally with another .msg embedded as an attached message.
import * as CFB from 'cfb';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';

export const ZIP_PASSWORD = 'Xy7!k2';
export const INNER_NAME = 'invoice_8841.txt';
export const INNER_TEXT = 'Pay to IBAN XX00 0000 0000 0000 before Friday.\n';

export async function protectedZip(): Promise<Buffer> {
  const zw = new ZipWriter(new Uint8ArrayWriter(), { password: ZIP_PASSWORD, zipCrypto: true });
  await zw.add(INNER_NAME, new Uint8ArrayReader(Buffer.from(INNER_TEXT)));
  return Buffer.from(await zw.close());
}

export function emlWithZip(zip: Buffer): Buffer {
  const b64 = zip.toString('base64').replace(/.{76}/g, '$&\r\n');
  const lines = [
    'Return-Path: <bounce@mailer.bad-sender.example.net>',
    'Received: from relay.example.org (relay.example.org [198.51.100.7]) by mx.corp.example.com with ESMTPS id 12345; Mon, 01 Jun 2026 10:00:05 +0000',
    'Received: from [10.0.0.5] (unknown [203.0.113.9]) by relay.example.org with ESMTPSA; Mon, 01 Jun 2026 10:00:01 +0000',
    'Authentication-Results: mx.corp.example.com; spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=bank.example.com; dkim=none; dmarc=fail action=quarantine header.from=bank.example.com',
    'Received-SPF: Fail (mx.corp.example.com: domain of bank.example.com does not designate 203.0.113.9 as permitted sender)',
    'From: "Accounts Payable" <billing@bank.example.com>',
    'Reply-To: <pay.desk@collect.example.net>',
    'To: Victim <victim@corp.example.com>',
    'Subject: =?UTF-8?B?T3ZlcmR1ZSBpbnZvaWNlIOKAkyBhY3Rpb24gcmVxdWlyZWQ=?=',
    'Date: Mon, 01 Jun 2026 10:00:00 +0000',
    'Message-ID: <overdue-8841@bank.example.com>',
    'X-Mailer: BulkSender 2.1',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: multipart/alternative; boundary="b2"',
    '',
    '--b2',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Dear customer,',
    'your invoice is attached. Pay at https://collect.example.net/pay?id=8841 today.',
    `The password is: ${ZIP_PASSWORD}`,
    '',
    '--b2',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<html><body><p>Dear customer,</p><p>Pay at <a href="https://collect.example.net/pay?id=8841&amp;src=mail">our portal</a>.</p><p>Archive password: <b>${ZIP_PASSWORD}</b></p></body></html>`,
    '--b2--',
    '',
    '--b1',
    'Content-Type: application/zip; name="invoice_8841.zip"',
    'Content-Disposition: attachment; filename="invoice_8841.zip"',
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    '--b1--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

// --- Outlook .msg (MS-OXMSG) ---

const utf16 = (s: string) => Buffer.from(`${s}\0`, 'utf16le');
const PT_UNICODE = 0x001f, PT_BINARY = 0x0102, PT_LONG = 0x0003, PT_OBJECT = 0x000d;

interface Prop { id: number; type: number; value: Buffer | number }

/** A property stream: header, then 16-byte entries (tag, flags, value or size). */
function propertyStream(props: Prop[], header: Buffer): Buffer {
  const entries = props.map((p) => {
    const e = Buffer.alloc(16);
    e.writeUInt32LE(((p.id << 16) | p.type) >>> 0, 0);
    e.writeUInt32LE(6, 4); // readable | writable
    if (typeof p.value === 'number') e.writeUInt32LE(p.value >>> 0, 8);
    else e.writeUInt32LE(p.value.length, 8);
    return e;
  });
  return Buffer.concat([header, ...entries]);
}

function streamName(p: Prop): string {
  return `__substg1.0_${p.id.toString(16).toUpperCase().padStart(4, '0')}${p.type.toString(16).toUpperCase().padStart(4, '0')}`;
}

function addProps(cfb: CFB.CFB$Container, dir: string, props: Prop[], header: Buffer): void {
  for (const p of props) if (typeof p.value !== 'number') CFB.utils.cfb_add(cfb, `${dir}${streamName(p)}`, p.value);
  CFB.utils.cfb_add(cfb, `${dir}__properties_version1.0`, propertyStream(props, header));
}

export interface MsgSpec {
  subject: string;
  senderName: string;
  senderEmail: string;
  body: string;
  to: Array<{ name: string; email: string }>;
  headers?: string;
  attachments: Array<{ name: string; data: Buffer }>;
}

function topHeader(recipients: number, attachments: number, embedded: boolean): Buffer {
  // Top-level messages have a 32-byte header; embedded messages a 24-byte one (MS-OXMSG 2.4.1).
  const h = Buffer.alloc(embedded ? 24 : 32);
  h.writeUInt32LE(recipients, 8);
  h.writeUInt32LE(attachments, 12);
  h.writeUInt32LE(recipients, 16);
  h.writeUInt32LE(attachments, 20);
  return h;
}

function messageProps(m: MsgSpec): Prop[] {
  const props: Prop[] = [
    { id: 0x001a, type: PT_UNICODE, value: utf16('IPM.Note') },
    { id: 0x0037, type: PT_UNICODE, value: utf16(m.subject) },
    { id: 0x0c1a, type: PT_UNICODE, value: utf16(m.senderName) },
    { id: 0x0c1f, type: PT_UNICODE, value: utf16(m.senderEmail) },
    { id: 0x0c1e, type: PT_UNICODE, value: utf16('SMTP') },
    { id: 0x1000, type: PT_UNICODE, value: utf16(m.body) },
  ];
  if (m.headers) props.push({ id: 0x007d, type: PT_UNICODE, value: utf16(m.headers) });
  return props;
}

function addMessage(cfb: CFB.CFB$Container, dir: string, m: MsgSpec, embedded: MsgSpec | null, isEmbedded: boolean): void {
  const nAttach = m.attachments.length + (embedded ? 1 : 0);
  addProps(cfb, dir, messageProps(m), topHeader(m.to.length, nAttach, isEmbedded));
  if (!isEmbedded) CFB.utils.cfb_add(cfb, `${dir}__nameid_version1.0/__substg1.0_00020102`, Buffer.alloc(0));
  m.to.forEach((r, i) => {
    const d = `${dir}__recip_version1.0_#${i.toString(16).toUpperCase().padStart(8, '0')}/`;
    addProps(cfb, d, [
      { id: 0x3001, type: PT_UNICODE, value: utf16(r.name) },
      { id: 0x3003, type: PT_UNICODE, value: utf16(r.email) },
      { id: 0x39fe, type: PT_UNICODE, value: utf16(r.email) },
      { id: 0x0c15, type: PT_LONG, value: 1 }, // MAPI_TO
    ], Buffer.alloc(8));
  });
  m.attachments.forEach((a, i) => {
    const d = `${dir}__attach_version1.0_#${i.toString(16).toUpperCase().padStart(8, '0')}/`;
    addProps(cfb, d, [
      { id: 0x3707, type: PT_UNICODE, value: utf16(a.name) },
      { id: 0x3704, type: PT_UNICODE, value: utf16(a.name.slice(0, 12)) },
      { id: 0x3001, type: PT_UNICODE, value: utf16(a.name) },
      { id: 0x3701, type: PT_BINARY, value: a.data },
      { id: 0x3705, type: PT_LONG, value: 1 }, // ATTACH_BY_VALUE
    ], Buffer.alloc(8));
  });
  if (embedded) {
    const d = `${dir}__attach_version1.0_#${m.attachments.length.toString(16).toUpperCase().padStart(8, '0')}/`;
    addProps(cfb, d, [
      { id: 0x3001, type: PT_UNICODE, value: utf16(embedded.subject) },
      { id: 0x3705, type: PT_LONG, value: 5 }, // ATTACH_EMBEDDED_MSG
      { id: 0x3701, type: PT_OBJECT, value: 0xffffffff },
    ], Buffer.alloc(8));
    addMessage(cfb, `${d}__substg1.0_3701000D/`, embedded, null, true);
  }
}

export function buildMsg(m: MsgSpec, embedded: MsgSpec | null = null): Buffer {
  const cfb = CFB.utils.cfb_new();
  // The root CLSID of an Outlook item (what type identification keys on besides the stream names).
  cfb.FileIndex[0].clsid = '0B0D020000000000C000000000000046';
  addMessage(cfb, '/', m, embedded, false);
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
}

/** A message forwarding another message as a message/rfc822 part (no file name), which carries a file. */
export function emlWithAttachedMessage(): Buffer {
  const inner = [
    'From: Alice <alice@partner.example.org>',
    'To: Eve <eve@evil.example.com>',
    'Subject: Original request',
    'Message-ID: <inner-1@partner.example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="in"',
    '',
    '--in',
    'Content-Type: text/plain',
    '',
    'see attached',
    '--in',
    'Content-Type: text/plain; name="notes.txt"',
    'Content-Disposition: attachment; filename="notes.txt"',
    '',
    'inner attachment',
    '--in--',
    '',
  ].join('\r\n');
  return Buffer.from([
    'From: Eve <eve@evil.example.com>',
    'To: Bob <bob@corp.example.com>',
    'Subject: FW: Original request',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="out"',
    '',
    '--out',
    'Content-Type: text/plain',
    '',
    'forwarding',
    '--out',
    'Content-Type: message/rfc822',
    '',
    inner,
    '--out--',
    '',
  ].join('\r\n'));
}

/** A message carrying an Outlook item as an ordinary attachment. */
export function emlWithMsg(msg: Buffer, name: string): Buffer {
  return Buffer.from([
    'From: Eve <eve@evil.example.com>',
    'To: Bob <bob@corp.example.com>',
    'Subject: the original, as an Outlook item',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="m"',
    '',
    '--m',
    'Content-Type: text/plain',
    '',
    'attached',
    '--m',
    `Content-Type: application/vnd.ms-outlook; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    msg.toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--m--',
    '',
  ].join('\r\n'));
}
