// PDF: keyword counts in the manner of PDFiD, over the raw bytes and over the objects unpacked from object streams
// (where a byte scan sees nothing), then the object graph through pdf-lib: JavaScript with what triggers it,
// automatic and Launch actions, embedded files, URIs, encryption and metadata. JavaScript and embedded files are
// extracted as children so the script and file analysers see them.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { ExtractedFile, OutputSection, ServiceContext, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { readHead } from '../../sdk/read-head.js';
import { addCounts, countKeywords, emptyCounts, type KeywordCounts } from './keywords.js';
import { HEUR, manifest } from './manifest.js';
import { dropEncryptedContent, readObjects, type ObjectFindings } from './objects.js';
import {
  actionSections, embeddedSection, encryptionSection, keywordSection, metadataSection, scriptSections, sha1, structureSections, uriSection,
  type ScriptFile,
} from './report.js';
import { blankJunk, readStructure } from './structure.js';

export { manifest };

const TOOL_VERSION = 'pdf-lib 1.17.1';

function num(cfg: Record<string, unknown>, key: string, dflt: number): number {
  const v = Number(cfg[key]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

interface Loaded { found: ObjectFindings | null; error: string | null; warnings: string[] }

/**
 * Parses with pdf-lib and walks the objects. pdf-lib reports what it repairs (invalid objects, bad
 * references, broken Flate data) on the console; those lines are collected instead, as they describe the
 * file's damage, and the console is restored afterwards.
 */
async function loadObjects(data: Buffer, topLevel: Set<string>, limits: Parameters<typeof readObjects>[2]): Promise<Loaded> {
  const warnings: string[] = [];
  const collect = (...args: unknown[]) => {
    if (warnings.length < 1000) warnings.push(args.map(String).join(' ').slice(0, 200));
  };
  const { warn, log } = console;
  console.warn = collect;
  console.log = collect;
  try {
    const doc = await PDFDocument.load(data, { ignoreEncryption: true, throwOnInvalidObject: false, updateMetadata: false });
    return { found: readObjects(doc, topLevel, limits), error: null, warnings };
  } catch (e) {
    return { found: null, error: e instanceof Error ? e.message.split('\n')[0].slice(0, 300) : String(e), warnings };
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

/** A name for a child file that cannot collide with another child or leave the work directory. */
function childPath(dir: string, n: number, name: string): string {
  return join(dir, `${String(n).padStart(4, '0')}_${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'file'}`);
}

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const cfg = { ...manifest.config, ...task.serviceConfig };
  const maxBytes = Math.max(1024, Math.floor(num(cfg, 'max_pdf_size_mb', 50) * 1024 * 1024));
  const maxExtracted = num(cfg, 'max_extracted', 50);
  const limits = { maxScriptBytes: num(cfg, 'max_js_bytes', 5 * 1024 * 1024), maxScripts: maxExtracted, maxEmbedded: maxExtracted, maxUris: 1000 };
  const size = (await stat(ctx.filePath)).size;
  const sections: OutputSection[] = [];
  let partial = false;

  // Past the size limit only the head is read and counted: the object graph needs the whole file.
  const buf = size > maxBytes ? (await readHead(ctx.filePath, maxBytes)).buf : await readFile(ctx.filePath);
  const text = buf.toString('latin1');
  const structure = readStructure(text);
  const raw = countKeywords(text);
  ctx.signal.throwIfAborted();

  let found: ObjectFindings | null = null;
  let parserWarnings: string[] = [];
  if (size > maxBytes) {
    partial = true;
    sections.push({ title: 'PDF too large for object analysis', body: `${size} bytes; only keyword counts of the first ${maxBytes} bytes are reported.` });
  } else {
    const loaded = await loadObjects(blankJunk(buf, text, structure.headerOffset).data, structure.topLevelObjects, limits);
    found = loaded.found;
    parserWarnings = loaded.warnings;
    if (loaded.error !== null) {
      partial = true;
      sections.push({ title: 'PDF objects could not be parsed', body: loaded.error, heuristic: { id: HEUR.UNPARSABLE } });
    }
  }
  ctx.signal.throwIfAborted();
  const encrypted = Boolean(found?.encryption && found.encryption.algorithm !== 'none (identity)');
  const dropped = found && encrypted ? dropEncryptedContent(found) : null;

  // pdf-lib normalises names when it parses, so escapes inside object streams are already undone: that view
  // adds keyword occurrences, never obfuscation counts.
  let inStreams: KeywordCounts | null = null;
  if (found && found.fromObjectStreams > 0) {
    inStreams = countKeywords(found.objectStreamText);
    inStreams.obfuscated = {};
    inStreams.obfuscatedSpellings = [];
  }
  const total = inStreams ? addCounts(raw, inStreams) : raw;
  sections.push(keywordSection(raw, inStreams, total));
  sections.push(...structureSections(structure, raw, found));
  if (parserWarnings.length) {
    sections.push({
      title: `Parser repairs (${parserWarnings.length}${parserWarnings.length >= 1000 ? '+' : ''})`, depth: 1, bodyFormat: 'TEXT',
      body: [...new Set(parserWarnings)].slice(0, 50).join('\n'),
    });
  }

  // Children: scripts first, then embedded files.
  const extracted: ExtractedFile[] = [];
  const scriptFiles: Array<ScriptFile | null> = [];
  const embeddedNames: string[] = [];
  if (found && (found.scripts.length || found.embedded.length)) {
    const dir = join(ctx.workDir, 'extracted');
    await mkdir(dir, { recursive: true });
    for (const [i, s] of found.scripts.entries()) {
      if (!s.code) {
        scriptFiles.push(null);
        continue;
      }
      const name = `javascript_${i + 1}.js`;
      const data = Buffer.from(s.code, 'utf8');
      const path = childPath(dir, extracted.length, name);
      await writeFile(path, data);
      extracted.push({ name, path, description: `JavaScript (${s.trigger}) from ${s.where}`, parentRelation: 'EXTRACTED' });
      scriptFiles.push({ name, sha1: sha1(data), size: data.length });
    }
    for (const f of found.embedded) {
      const path = childPath(dir, extracted.length, f.name);
      await writeFile(path, f.data);
      extracted.push({ name: f.name, path, description: `Embedded file (${f.source}) from ${f.where}`, parentRelation: 'EXTRACTED' });
      embeddedNames.push(f.name);
    }
  }

  sections.push(...scriptSections(found, total, scriptFiles));
  sections.push(...actionSections(found, total));
  for (const s of [
    embeddedSection(found, total, embeddedNames),
    uriSection(found?.uris ?? []),
    encryptionSection(found, total),
    metadataSection(found?.info ?? {}),
  ]) if (s) sections.push(s);

  if (dropped && Object.values(dropped).some((n) => n > 0)) {
    // Shown right under the encryption section.
    const section: OutputSection = { title: 'Encrypted content not shown', bodyFormat: 'KEY_VALUE', body: dropped, depth: 1 };
    const at = sections.findIndex((x) => x.title === 'Encrypted document');
    sections.splice(at >= 0 ? at + 1 : sections.length, 0, section);
  }

  const out: ServiceOutput = { sections, serviceToolVersion: TOOL_VERSION };
  if (extracted.length) out.extracted = extracted;
  if (found && (found.scriptsSkipped > 0 || found.embeddedErrors.some((e) => e.includes('limit of')))) {
    sections.push({ title: 'Extraction limit reached', body: `Scripts not extracted: ${found.scriptsSkipped}. Limit: ${maxExtracted} scripts and ${maxExtracted} embedded files.` });
    partial = true;
  }
  if (partial) out.partial = true;
  return out;
}
