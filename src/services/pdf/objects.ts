// What the object graph says, read with pdf-lib (which also unpacks object streams): JavaScript and what
// triggers it, URIs, Launch actions, embedded files, encryption and the document information dictionary.
// Every lookup tolerates missing or mistyped entries: hostile files put anything anywhere.
import {
  decodePDFRawStream, PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFObject, PDFRawStream, PDFRef, PDFStream, PDFString,
  type PDFContext, type PDFDocument,
} from 'pdf-lib';

export interface Script { trigger: string; where: string; code: string; truncated: boolean }
export interface Embedded { name: string; source: string; where: string; data: Uint8Array }
export interface Encryption { filter: string; version: number | null; revision: number | null; keyBits: number | null; algorithm: string }

export interface ObjectFindings {
  objectCount: number;
  /** Objects that are not written at top level: they came from object streams. */
  fromObjectStreams: number;
  /** Serialised text of those objects, for keyword counting. */
  objectStreamText: string;
  scripts: Script[];
  /** Scripts beyond the extraction limit (counted, not kept). */
  scriptsSkipped: number;
  uris: string[];
  launches: Array<{ where: string; target: string }>;
  embedded: Embedded[];
  /** Embedded files whose data could not be decoded. */
  embeddedErrors: string[];
  encryption: Encryption | null;
  info: Record<string, string>;
  pageCount: number | null;
  autoActions: string[];
}

export interface ObjectLimits { maxScriptBytes: number; maxScripts: number; maxEmbedded: number; maxUris: number }

const MAX_DEPTH = 32;
const MAX_TREE_NODES = 10_000;
const N = (s: string) => PDFName.of(s);

function text(obj: PDFObject | undefined): string | null {
  if (obj instanceof PDFString || obj instanceof PDFHexString) {
    try {
      return obj.decodeText();
    } catch {
      return null;
    }
  }
  if (obj instanceof PDFName) return obj.decodeText();
  return null;
}

function streamBytes(s: PDFObject | undefined): Uint8Array | null {
  if (!(s instanceof PDFRawStream)) return s instanceof PDFStream ? s.getContents() : null;
  try {
    return decodePDFRawStream(s).decode();
  } catch {
    return null;
  }
}

/** Calls `visit` on a dictionary and on every dictionary nested directly in it (not behind references). */
function eachDirectDict(obj: PDFObject, visit: (d: PDFDict) => void, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  const dict = obj instanceof PDFDict ? obj : obj instanceof PDFStream ? obj.dict : null;
  if (dict) {
    visit(dict);
    for (const [, v] of dict.entries()) if (v instanceof PDFDict || v instanceof PDFArray) eachDirectDict(v, visit, depth + 1);
  } else if (obj instanceof PDFArray) {
    for (const v of obj.asArray()) if (v instanceof PDFDict || v instanceof PDFArray) eachDirectDict(v, visit, depth + 1);
  }
}

/** Visits the leaves of a name tree (PDF 32000-1 §7.9.6), bounded in nodes and depth. */
function walkNameTree(ctx: PDFContext, root: PDFObject | undefined, leaf: (name: string, value: PDFObject) => void): void {
  let budget = MAX_TREE_NODES;
  const seen = new Set<PDFObject>();
  const walk = (ref: PDFObject | undefined, depth: number) => {
    const node = ctx.lookup(ref);
    if (!(node instanceof PDFDict) || depth > MAX_DEPTH || seen.has(node) || budget-- <= 0) return;
    seen.add(node);
    const names = ctx.lookup(node.get(N('Names')));
    if (names instanceof PDFArray) {
      const a = names.asArray();
      for (let i = 0; i + 1 < a.length; i += 2) leaf(text(ctx.lookup(a[i])) ?? '', a[i + 1]);
    }
    const kids = ctx.lookup(node.get(N('Kids')));
    if (kids instanceof PDFArray) for (const k of kids.asArray()) walk(k, depth + 1);
  };
  walk(root, 0);
}

function encryptionOf(ctx: PDFContext, enc: PDFObject | undefined): Encryption | null {
  const d = ctx.lookup(enc);
  if (!(d instanceof PDFDict)) return enc ? { filter: '?', version: null, revision: null, keyBits: null, algorithm: 'unknown' } : null;
  const num = (k: string) => {
    const v = ctx.lookup(d.get(N(k)));
    return v instanceof PDFNumber ? v.asNumber() : null;
  };
  const filter = text(d.get(N('Filter'))) ?? '?';
  const version = num('V');
  const revision = num('R');
  let keyBits = num('Length');
  let algorithm = 'unknown';
  if (version === 1 || version === 0) [algorithm, keyBits] = ['RC4', 40];
  else if (version === 2 || version === 3) algorithm = 'RC4';
  else if (version === 4 || version === 5) {
    // V4/V5 name the cipher in the crypt filter, usually /StdCF.
    const cf = ctx.lookup(d.get(N('CF')));
    const std = cf instanceof PDFDict ? ctx.lookup(cf.get(N(text(d.get(N('StmF'))) ?? 'StdCF'))) : undefined;
    const cfm = std instanceof PDFDict ? text(std.get(N('CFM'))) : null;
    if (cfm === 'AESV3' || version === 5) [algorithm, keyBits] = ['AES', 256];
    else if (cfm === 'AESV2') [algorithm, keyBits] = ['AES', 128];
    else if (cfm === 'V2') [algorithm, keyBits] = ['RC4', keyBits ?? 128];
    else if (cfm === 'None') algorithm = 'none (identity)';
  }
  if (algorithm === 'RC4' && keyBits === null) keyBits = 40;
  return { filter, version, revision, keyBits, algorithm };
}

function safeName(raw: string, fallback: string): string {
  // Keep the last path component only: names come from the document and may hold "../" or drive letters.
  const base = raw.split(/[\\/]/).pop()!.replace(/[\x00-\x1f\x7f]/g, '').trim().slice(0, 200);
  return base && base !== '.' && base !== '..' ? base : fallback;
}

export function readObjects(doc: PDFDocument, topLevel: ReadonlySet<string>, limits: ObjectLimits): ObjectFindings {
  const ctx = doc.context;
  const objects = ctx.enumerateIndirectObjects();
  const out: ObjectFindings = {
    objectCount: objects.length, fromObjectStreams: 0, objectStreamText: '', scripts: [], scriptsSkipped: 0, uris: [], launches: [], embedded: [],
    embeddedErrors: [], encryption: encryptionOf(ctx, ctx.trailerInfo.Encrypt), info: {}, pageCount: null, autoActions: [],
  };

  // 1. Triggers: which action dictionaries run by themselves, and which file specifications come from where.
  const triggers = new Map<PDFDict, string>();
  const markAction = (obj: PDFObject | undefined, trigger: string, depth = 0) => {
    const action = ctx.lookup(obj);
    if (depth > MAX_DEPTH) return;
    if (action instanceof PDFArray) {
      for (const a of action.asArray()) markAction(a, trigger, depth + 1);
      return;
    }
    if (!(action instanceof PDFDict) || triggers.has(action)) return;
    triggers.set(action, trigger);
    markAction(action.get(N('Next')), trigger, depth + 1);
  };
  const sources = new Map<PDFDict, string>();
  const catalog = ctx.lookup(ctx.trailerInfo.Root);
  if (catalog instanceof PDFDict) {
    const open = catalog.get(N('OpenAction'));
    // An /OpenAction array is a destination (a page to show), not an action.
    if (open && ctx.lookup(open) instanceof PDFDict) {
      out.autoActions.push('OpenAction');
      markAction(open, 'OpenAction');
    }
    const names = ctx.lookup(catalog.get(N('Names')));
    if (names instanceof PDFDict) {
      walkNameTree(ctx, names.get(N('JavaScript')), (name, v) => markAction(v, `Names/JavaScript${name ? ` "${name}"` : ''}`));
      walkNameTree(ctx, names.get(N('EmbeddedFiles')), (_, v) => {
        const fs = ctx.lookup(v);
        if (fs instanceof PDFDict) sources.set(fs, 'EmbeddedFiles name tree');
      });
    }
  }

  // 2. One pass over every object, nested dictionaries included.
  const textParts: string[] = [];
  for (const [ref, obj] of objects) {
    const where = `object ${ref.objectNumber} ${ref.generationNumber}`;
    if (!topLevel.has(`${ref.objectNumber} ${ref.generationNumber}`)) {
      out.fromObjectStreams++;
      textParts.push(`${where.slice(7)} obj\n${obj instanceof PDFStream ? obj.dict.toString() : obj.toString()}\nendobj\n`);
    }
    eachDirectDict(obj, (d) => {
      const aa = ctx.lookup(d.get(N('AA')));
      if (aa instanceof PDFDict) {
        for (const [k, v] of aa.entries()) {
          out.autoActions.push(`AA/${k.decodeText()} (${where})`);
          markAction(v, `AA/${k.decodeText()}`);
        }
      }
      if (d.get(N('Subtype')) === N('FileAttachment')) {
        const fs = ctx.lookup(d.get(N('FS')));
        if (fs instanceof PDFDict) sources.set(fs, 'FileAttachment annotation');
      }
    });
  }
  out.objectStreamText = textParts.join('');

  // Action and file specification dictionaries, now that all triggers are known.
  for (const [ref, obj] of objects) {
    const where = `object ${ref.objectNumber} ${ref.generationNumber}`;
    eachDirectDict(obj, (d) => {
      const js = d.get(N('JS'));
      if (js !== undefined) collectScript(ctx, js, triggers.get(d) ?? 'none found', where, limits, out);
      const uri = text(ctx.lookup(d.get(N('URI'))));
      if (uri && out.uris.length < limits.maxUris && !out.uris.includes(uri)) out.uris.push(uri);
      if (d.get(N('S')) === N('Launch')) out.launches.push({ where, target: launchTarget(ctx, d) });
      const ef = ctx.lookup(d.get(N('EF')));
      if (ef instanceof PDFDict) collectEmbedded(ctx, d, ef, sources.get(d) ?? 'file specification', where, limits, out);
    });
  }

  // 3. Document information and pages.
  const info = ctx.lookup(ctx.trailerInfo.Info);
  if (info instanceof PDFDict) {
    for (const [k, v] of info.entries()) {
      const t = text(ctx.lookup(v));
      if (t !== null) out.info[k.decodeText()] = t.slice(0, 1000);
    }
  }
  try {
    out.pageCount = doc.getPageCount();
  } catch {
    out.pageCount = null;
  }
  return out;
}

function collectScript(ctx: PDFContext, js: PDFObject, trigger: string, where: string, limits: ObjectLimits, out: ObjectFindings): void {
  const value = ctx.lookup(js);
  let code = text(value);
  if (code === null) {
    // A stream that cannot be decoded (unknown filter, damage, encryption) is still a script: record it empty.
    const bytes = streamBytes(value);
    code = bytes ? Buffer.from(bytes.subarray(0, limits.maxScriptBytes + 1)).toString('latin1') : '';
  }
  const truncated = code.length > limits.maxScriptBytes;
  if (truncated) code = code.slice(0, limits.maxScriptBytes);
  if (js instanceof PDFRef) where = `${where} (code in object ${js.objectNumber} ${js.generationNumber})`;
  // The same script reached twice (e.g. a shared action) is listed once; unreadable ones are told apart by place.
  if (out.scripts.some((s) => s.code === code && s.trigger === trigger && (code !== '' || s.where === where))) return;
  if (out.scripts.length >= limits.maxScripts) out.scriptsSkipped++;
  else out.scripts.push({ trigger, where, code, truncated });
}

function launchTarget(ctx: PDFContext, d: PDFDict): string {
  const fileOf = (o: PDFObject | undefined): string | null => {
    const v = ctx.lookup(o);
    if (v instanceof PDFDict) return text(ctx.lookup(v.get(N('UF')))) ?? text(ctx.lookup(v.get(N('F'))));
    return text(v);
  };
  const win = ctx.lookup(d.get(N('Win')));
  if (win instanceof PDFDict) {
    const f = fileOf(win.get(N('F'))) ?? '';
    const p = text(ctx.lookup(win.get(N('P')))) ?? '';
    return `${f} ${p}`.trim();
  }
  return fileOf(d.get(N('F'))) ?? '';
}

function collectEmbedded(ctx: PDFContext, fs: PDFDict, ef: PDFDict, source: string, where: string, limits: ObjectLimits, out: ObjectFindings): void {
  const name = safeName(text(ctx.lookup(fs.get(N('UF')))) ?? text(ctx.lookup(fs.get(N('F')))) ?? '', `embedded_${out.embedded.length + 1}.bin`);
  const stream = ctx.lookup(ef.get(N('F')) ?? ef.get(N('UF')));
  if (out.embedded.length >= limits.maxEmbedded) {
    out.embeddedErrors.push(`${name} (${where}): not extracted, limit of ${limits.maxEmbedded} files reached`);
    return;
  }
  const data = streamBytes(stream);
  if (!data) {
    out.embeddedErrors.push(`${name} (${where}): the stream could not be decoded`);
    return;
  }
  out.embedded.push({ name, source, where, data });
}

/**
 * Strings and streams of an encrypted document are ciphertext as read here (the objects are not decrypted):
 * keep what the dictionaries show (which actions exist and what triggers them) and drop the unreadable
 * content, so no garbage reaches the report, the tags or the extracted files. Returns what was dropped.
 */
export function dropEncryptedContent(found: ObjectFindings): Record<string, number> {
  const dropped = {
    javascript: found.scripts.length, embedded_files: found.embedded.length, uris: found.uris.length,
    information_entries: Object.keys(found.info).length,
  };
  found.scripts = found.scripts.map((s) => ({ ...s, code: '', truncated: false }));
  found.embeddedErrors.push(...found.embedded.map((e) => `${e.where}: encrypted, not extracted`));
  found.embedded = [];
  found.uris = [];
  found.info = {};
  found.launches = found.launches.map((l) => ({ ...l, target: '(encrypted)' }));
  return dropped;
}
