// Email: parses .eml (postal-mime) and Outlook .msg (msgreader) messages into one model, reports headers,
// Received hops, authentication results, sender consistency, body and links, and extracts the HTML body and
// every attachment (attached messages included) as children. Passwords written in the body are shared with
// later services as `passwords`, and the body as `email_body`, so Extract can open protected attachments.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractedFile, OutputSection, ServiceContext, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { HEUR, manifest } from './manifest.js';
import { parseEml, type Message } from './message.js';
import { parseMsg } from './msg.js';
import { findPasswords } from './passwords.js';
import {
  attachmentSection, authSection, bodySections, headerSection, htmlToText, isArchive, mismatchSections, passwordSection, receivedSection,
} from './report.js';

export { manifest };

const TOOL_VERSION = 'postal-mime 4, @kenjiuno/msgreader 1.28';
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

function num(cfg: Record<string, unknown>, key: string, dflt: number): number {
  const v = Number(cfg[key]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

/** The last path component, without control characters; names come from the sender. */
function safeName(raw: string, fallback: string): string {
  const base = (raw.split(/[\\/]/).pop() ?? '').replace(/[\x00-\x1f\x7f]/g, '').trim().slice(0, 200);
  return base && base !== '.' && base !== '..' ? base : fallback;
}

function childPath(dir: string, n: number, name: string): string {
  return join(dir, `${String(n).padStart(4, '0')}_${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'file'}`);
}

async function parse(buf: Buffer, fileType: string): Promise<Message> {
  const ole = buf.subarray(0, 8).equals(OLE_MAGIC);
  if (ole || fileType === 'document/office/email') return parseMsg(buf);
  return parseEml(buf);
}

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const cfg = { ...manifest.config, ...task.serviceConfig };
  const maxAttachments = num(cfg, 'max_attachments', 200);
  const buf = await readFile(ctx.filePath);

  let m: Message;
  try {
    m = await parse(buf, task.fileType);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0].slice(0, 300) : String(e);
    return { sections: [{ title: 'The message could not be parsed', body: why, heuristic: { id: HEUR.UNPARSABLE } }], partial: true, serviceToolVersion: TOOL_VERSION };
  }
  ctx.signal.throwIfAborted();

  const sections: OutputSection[] = [headerSection(m)];
  for (const s of [receivedSection(m), authSection(m)]) if (s) sections.push(s);
  sections.push(...mismatchSections(m));
  sections.push(...bodySections(m, num(cfg, 'body_text_chars', 5000)));

  // Children: the HTML body (a page of its own for the HTML and script analysers), then the attachments.
  const extracted: ExtractedFile[] = [];
  const dir = join(ctx.workDir, 'extracted');
  await mkdir(dir, { recursive: true });
  if (m.html && m.html.trim()) {
    const path = childPath(dir, 0, 'body.html');
    await writeFile(path, m.html);
    extracted.push({ name: 'body.html', path, description: 'HTML body of the message', parentRelation: 'EXTRACTED' });
  }
  const parts = m.parts.slice(0, maxAttachments);
  const names: string[] = [];
  for (const [i, p] of parts.entries()) {
    const name = safeName(p.name, `attachment_${i + 1}`);
    names.push(name);
    const path = childPath(dir, extracted.length, name);
    await writeFile(path, p.data);
    const what = p.isMessage ? 'Attached message' : p.inline ? 'Inline attachment' : 'Attachment';
    extracted.push({ name, path, description: `${what} (${p.mimeType})`, parentRelation: 'EXTRACTED' });
  }
  const attachments = attachmentSection(parts, names);
  if (attachments) sections.push(attachments);
  if (m.parts.length > parts.length) {
    sections.push({ title: 'Attachment limit reached', body: `${m.parts.length - parts.length} of ${m.parts.length} attachments were not extracted.` });
  }

  // Passwords matter only for what is attached; the body text also goes along for Extract's own word guesses.
  const bodyText = m.text ?? (m.html ? htmlToText(m.html) : '');
  const passwords = findPasswords(`${m.subject ?? ''}\n${bodyText}`, m.html);
  const archives = parts.filter(isArchive);
  const pwSection = passwordSection(passwords, archives);
  if (pwSection) sections.push(pwSection);

  const out: ServiceOutput = { sections, serviceToolVersion: TOOL_VERSION };
  if (extracted.length) out.extracted = extracted;
  if (parts.length < m.parts.length) out.partial = true;
  if (parts.length) {
    const temp: Record<string, unknown> = {};
    if (passwords.length) temp.passwords = passwords;
    if (bodyText.trim()) temp.email_body = bodyText.slice(0, num(cfg, 'email_body_chars', 20_000));
    if (Object.keys(temp).length) out.tempSubmissionData = temp;
  }
  return out;
}
