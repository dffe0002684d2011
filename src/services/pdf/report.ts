// Turning counts, structure and object findings into result sections. Heuristics fire on what the object graph
// shows and, when the graph could not be read (or the feature sits in unreadable encrypted data), on keyword
// counts, so a document that defeats the parser still scores on what a byte scan sees.
import { createHash } from 'node:crypto';
import type { OutputSection } from '../../sdk/index.js';
import { validateTags } from '../../sdk/tags/validate.js';
import { ALL_KEYWORDS, COLORS_KEY, type KeywordCounts } from './keywords.js';
import { HEUR } from './manifest.js';
import type { ObjectFindings } from './objects.js';
import type { Structure } from './structure.js';

/** Drops values the tag taxonomy would reject (a bad domain in a URI must not fail the whole result). */
export function cleanTags(tags: Record<string, string[]>): Record<string, string[]> | undefined {
  const { tags: valid } = validateTags(tags);
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(valid)) if (v.length) out[k] = v.map(String);
  return Object.keys(out).length ? out : undefined;
}

export function sha1(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

export function keywordSection(raw: KeywordCounts, inStreams: KeywordCounts | null, total: KeywordCounts): OutputSection {
  const rows = ALL_KEYWORDS.map((k) => ({
    keyword: k, raw: raw.counts[k], object_streams: inStreams ? inStreams.counts[k] : null, total: total.counts[k],
    obfuscated: total.obfuscated[k] ?? 0,
  }));
  const section: OutputSection = { title: 'PDFiD keyword counts', body: rows, bodyFormat: 'TABLE' };
  if (total.counts['/ObjStm'] > 0) section.heuristic = { id: HEUR.OBJSTM, frequency: total.counts['/ObjStm'] };
  return section;
}

export function structureSections(s: Structure, raw: KeywordCounts, found: ObjectFindings | null): OutputSection[] {
  const sections: OutputSection[] = [{
    title: 'Document structure', bodyFormat: 'KEY_VALUE',
    body: {
      version: s.version, header_offset: s.headerOffset, eof_markers: s.eofCount, bytes_after_last_eof: s.trailingBytes,
      startxref: s.startxref, objects: found?.objectCount ?? null, objects_from_object_streams: found?.fromObjectStreams ?? null,
      pages: found?.pageCount ?? null,
    },
  }];
  const sub = (title: string, body: string, id: number) => sections.push({ title, body, depth: 1, heuristic: { id } });
  if (s.headerOffset > 0) sub('Header not at start of file', `%PDF- found at offset ${s.headerOffset}.`, HEUR.HEADER_OFFSET);
  if (s.eofCount > 1) sub('Incremental updates', `${s.eofCount} %%EOF markers: the file was updated ${s.eofCount - 1} time(s).`, HEUR.INCREMENTAL);
  if (s.trailingNonBlank > 0) sub('Data after last %%EOF', `${s.trailingBytes} bytes follow the last %%EOF (${s.trailingNonBlank} other than whitespace).`, HEUR.AFTER_EOF);
  if (s.brokenXref) {
    sub('Broken cross-reference', s.startxref === null ? 'No startxref keyword.' : `startxref ${s.startxref} does not point at a cross-reference section.`, HEUR.BROKEN_XREF);
  }
  const c = raw.counts;
  if (c.obj !== c.endobj || c.stream !== c.endstream) {
    sub('Unbalanced keywords', `obj ${c.obj} / endobj ${c.endobj}, stream ${c.stream} / endstream ${c.endstream}`, HEUR.UNBALANCED);
  }
  if (raw.obfuscatedSpellings.length) {
    const keywords = Object.entries(raw.obfuscated);
    sections.push({
      title: keywords.length ? 'Obfuscated keywords' : 'Names with #xx escapes', depth: 1, bodyFormat: 'KEY_VALUE',
      body: { keywords: Object.fromEntries(keywords), spellings: raw.obfuscatedSpellings },
      // Fonts legitimately escape spaces ("/Times#20New#20Roman"); only hidden keywords are suspicious.
      ...(keywords.length ? { heuristic: { id: HEUR.OBFUSCATED_NAMES, signatures: Object.fromEntries(keywords.map(([k]) => [`obfuscated_${k.slice(1)}`, 1])) } } : {}),
    });
  }
  return sections;
}

export interface ScriptFile { name: string; sha1: string; size: number }

export function scriptSections(found: ObjectFindings | null, total: KeywordCounts, files: Array<ScriptFile | null>): OutputSection[] {
  const sections: OutputSection[] = [];
  const scripts = found?.scripts ?? [];
  if (scripts.length === 0 && total.counts['/JS'] + total.counts['/JavaScript'] === 0) return sections;
  sections.push({
    title: scripts.length ? `${scripts.length} JavaScript block(s)` : 'JavaScript keywords found but no script could be read',
    bodyFormat: scripts.length ? 'TABLE' : 'TEXT',
    body: scripts.length
      ? scripts.map((s, i) => ({
        file: files[i]?.name ?? null, trigger: s.trigger, where: s.where, size: s.code.length, truncated: s.truncated,
        preview: s.code ? s.code.slice(0, 200) : '(unreadable: encrypted or not decodable)',
      }))
      : `/JS ${total.counts['/JS']}, /JavaScript ${total.counts['/JavaScript']}`,
    heuristic: { id: HEUR.JAVASCRIPT },
    tags: cleanTags({ 'file.pdf.javascript.sha1': files.flatMap((f) => (f ? [f.sha1] : [])) }),
  });
  const onOpen = scripts.filter((s) => /^(OpenAction|AA\/|Names\/JavaScript)/.test(s.trigger));
  if (onOpen.length) {
    const signatures: Record<string, number> = {};
    for (const s of onOpen) {
      const sig = s.trigger.startsWith('AA/') ? 'aa_javascript' : s.trigger.startsWith('Names') ? 'document_javascript' : 'openaction_javascript';
      signatures[sig] = (signatures[sig] ?? 0) + 1;
    }
    sections.push({
      title: 'JavaScript runs without user interaction', depth: 1, bodyFormat: 'TEXT',
      body: onOpen.map((s) => `${s.trigger} (${s.where})`).join('\n'),
      heuristic: { id: HEUR.JS_ON_OPEN, signatures },
    });
  }
  return sections;
}

export function actionSections(found: ObjectFindings | null, total: KeywordCounts): OutputSection[] {
  const sections: OutputSection[] = [];
  const c = total.counts;
  const auto = found ? found.autoActions : [];
  if (auto.length || (!found && c['/OpenAction'] + c['/AA'] > 0)) {
    sections.push({
      title: 'Automatic actions', bodyFormat: 'TEXT',
      body: auto.length ? auto.slice(0, 100).join('\n') : `/OpenAction ${c['/OpenAction']}, /AA ${c['/AA']}`,
      heuristic: { id: HEUR.AUTO_OPEN, frequency: 1 },
    });
  }
  const launches = found?.launches ?? [];
  if (launches.length || c['/Launch'] > 0) {
    sections.push({
      title: 'Launch actions', bodyFormat: launches.length ? 'TABLE' : 'TEXT',
      body: launches.length ? launches.slice(0, 100) : `/Launch ${c['/Launch']}`,
      heuristic: { id: HEUR.LAUNCH },
    });
  }
  const features: Array<[string, number, string]> = [
    ['/AcroForm', HEUR.ACROFORM, 'Interactive form'],
    ['/JBIG2Decode', HEUR.JBIG2, 'JBIG2 compression'],
    ['/RichMedia', HEUR.RICH_MEDIA, 'Rich media (Flash or video)'],
    ['/XFA', HEUR.XFA, 'XML Forms Architecture'],
    [COLORS_KEY, HEUR.COLORS, 'Colors value above 2^24'],
  ];
  for (const [key, id, title] of features) {
    if (c[key] > 0) sections.push({ title: `${title} (${key}: ${c[key]})`, body: `${key} occurs ${c[key]} time(s).`, heuristic: { id } });
  }
  return sections;
}

export function uriSection(uris: string[]): OutputSection | null {
  if (!uris.length) return null;
  const hosts: string[] = [];
  const ips: string[] = [];
  for (const u of uris) {
    try {
      const host = new URL(u).hostname.replace(/^\[|\]$/g, '');
      if (/^[\d.]+$/.test(host) || host.includes(':')) ips.push(host);
      else if (host) hosts.push(host);
    } catch {
      // not a URL a reader could follow either
    }
  }
  return {
    title: `${uris.length} URI(s)`, body: uris.join('\n'), bodyFormat: 'TEXT', heuristic: { id: HEUR.URI },
    tags: cleanTags({ 'network.static.uri': uris, 'network.static.domain': hosts, 'network.static.ip': ips }),
  };
}

export function embeddedSection(found: ObjectFindings | null, total: KeywordCounts, names: string[]): OutputSection | null {
  const files = found?.embedded ?? [];
  const errors = found?.embeddedErrors ?? [];
  if (!files.length && !errors.length && total.counts['/EmbeddedFile'] === 0) return null;
  return {
    title: files.length ? `${files.length} embedded file(s)` : 'Embedded file keyword found but no file could be read',
    bodyFormat: 'TABLE',
    body: [
      ...files.map((f, i) => ({ name: names[i] ?? f.name, source: f.source, where: f.where, size: f.data.length, error: null })),
      ...errors.map((e) => ({ name: null, source: null, where: null, size: null, error: e })),
    ],
    heuristic: { id: HEUR.EMBEDDED_FILE },
    tags: cleanTags({ 'file.name.extracted': files.map((f) => f.name) }),
  };
}

export function encryptionSection(found: ObjectFindings | null, total: KeywordCounts): OutputSection | null {
  const enc = found?.encryption;
  if (!enc && total.counts['/Encrypt'] === 0) return null;
  return {
    title: 'Encrypted document', bodyFormat: 'KEY_VALUE',
    body: enc ? { filter: enc.filter, version: enc.version, revision: enc.revision, algorithm: enc.algorithm, key_bits: enc.keyBits } : { encrypt_keywords: total.counts['/Encrypt'] },
    heuristic: { id: HEUR.ENCRYPT },
  };
}

/** "D:20221216134852-06'00'" → "2022-12-16T13:48:52-06:00"; other spellings are kept as they are. */
export function pdfDate(v: string): string {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(v.trim());
  if (!m) return v.trim();
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', tz] = m;
  const zone = !tz || tz === 'Z' ? (tz ? 'Z' : '') : `${tz.slice(0, 3)}:${tz.replace(/'/g, '').slice(3, 5) || '00'}`;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`;
}

export function metadataSection(info: Record<string, string>): OutputSection | null {
  const keys = Object.keys(info);
  if (!keys.length) return null;
  const body: Record<string, string> = {};
  for (const k of keys) body[k] = /Date$/.test(k) ? pdfDate(info[k]) : info[k];
  const tags: Record<string, string[]> = {};
  if (body.ModDate) tags['file.pdf.date.modified'] = [body.ModDate];
  if (body.CreationDate) tags['file.date.creation'] = [body.CreationDate];
  if (body.SourceModified) tags['file.pdf.date.source_modified'] = [body.SourceModified];
  return { title: 'Document information', body, bodyFormat: 'KEY_VALUE', tags: cleanTags(tags) };
}
