// File identification with Assemblyline type labels. libmagic (compiled to WebAssembly) supplies
// the description and MIME type; the label comes from, in order: Assemblyline's own signatures,
// header parsing for executables, OLE, disk images and xar, libmagic's answer mapped through
// Assemblyline's tables, and finally content rules for text and unrecognised data.
import { WASMagic, WASMagicFlags } from 'wasmagic';
import { dmgLabel, udfLabel, xarLabel, zipEntryNames, zipLabel } from './archives.js';
import { elfLabel, machoLabel, parsePeHeader, peLabel } from './executables.js';
import { labelFromMagic, UNTRUSTED_MIMES } from './magic-map.js';
import { OLE_SIGNATURE, oleLabel } from './ole.js';
import { ScriptContext, scriptLabel } from './scripts.js';
import { certificateLabel, signatureLabel } from './signatures.js';
import { FileView, hasBytes, indexOfBytes } from './source.js';
import { decodeText, isCsv, isIni, isJson } from './text.js';

/**
 * How many leading bytes of a file identification wants. Everything it checks lives in the first
 * 1 MiB (ISO/UDF descriptors sit at 32 KiB); structures stored elsewhere (OLE directories, zip
 * central directories, disk-image trailers) are read through `info.path` when it is given.
 */
export const IDENTIFY_HEADER_BYTES = 1024 * 1024;

// Content rules look at no more than this much text; AL's rules are about openings and endings.
const TEXT_SCAN_BYTES = 256 * 1024;
// Unrecognised binaries are only scanned for embedded scripts at their start.
const BINARY_SCAN_BYTES = 64 * 1024;
const TAIL_BYTES = 512;

export interface IdentifyInfo {
  /** Size of the whole file in bytes. */
  size: number;
  /** Original file name (informational; identification is content-based). */
  name?: string;
  /** Path of the file on disk, used to read structures beyond the header. */
  path?: string;
}

export interface IdentifyResult {
  /** Assemblyline file type label, e.g. `executable/windows/pe32` or `document/office/word`. */
  type: string;
  /** libmagic description. */
  magic: string;
  /** libmagic MIME type. */
  mime: string;
}

export interface IdentifierOptions {
  /**
   * Label .NET assemblies `executable/windows/dotnet`. Assemblyline has no such label (it uses the
   * PE width/DLL labels for managed code too), so this is off by default.
   */
  dotnetLabel?: boolean;
}

export interface Identifier {
  /** `header`: the first bytes of the file (up to IDENTIFY_HEADER_BYTES, or all of a smaller file). */
  identify(header: Uint8Array, info: IdentifyInfo): IdentifyResult;
  /**
   * Resolves once libmagic is usable: at once, except while it is being reloaded after it failed on a file;
   * identify() meanwhile describes every file as plain data. Callers that can wait should, before identify().
   */
  ready(): Promise<void>;
}

const EMPTY: IdentifyResult = Object.freeze({ type: 'empty', magic: 'empty', mime: 'application/x-empty' });
/** A trap in WebAssembly code (absent from the TypeScript libraries this project compiles with). */
const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError;
/** What a file libmagic trapped on is described as: data it could not name. */
const UNDESCRIBED = Object.freeze({ magic: 'data', mime: 'application/octet-stream' });

/** libmagic: one instance answering descriptions, one MIME types. */
interface Libmagic {
  describer: WASMagic;
  mimer: WASMagic;
}

async function loadLibmagic(): Promise<Libmagic> {
  const [describer, mimer] = await Promise.all([
    WASMagic.create({ flags: WASMagicFlags.NONE }),
    WASMagic.create({ flags: WASMagicFlags.MIME_TYPE }),
  ]);
  return { describer, mimer };
}

/**
 * Loads libmagic. Detection is synchronous afterwards; an Identifier is not meant to be shared between
 * threads.
 */
export async function createIdentifier(opts: IdentifierOptions = {}): Promise<Identifier> {
  let libmagic: Libmagic | undefined = await loadLibmagic();
  let reloading: Promise<void> | undefined;
  const dotnetLabel = opts.dotnetLabel ?? false;

  // libmagic traps (a WebAssembly RuntimeError) on some malformed files. A trapped call never returns, so the
  // instance's C stack is not unwound and its state is unknown: later calls fail, or never return. The file
  // is described as plain data (the rules below still label it) and the instances are replaced.
  const reload = () => {
    reloading ??= loadLibmagic()
      .then((fresh) => {
        libmagic = fresh;
      }, () => undefined) // Tried again on the next file.
      .finally(() => {
        reloading = undefined;
      });
  };
  const describe = (head: Uint8Array): { magic: string; mime: string } => {
    if (!libmagic) {
      reload();
      return { ...UNDESCRIBED };
    }
    try {
      return { magic: libmagic.describer.detect(head), mime: libmagic.mimer.detect(head) };
    } catch (err) {
      if (!(err instanceof WasmRuntimeError)) throw err;
      libmagic = undefined;
      reload();
      return { ...UNDESCRIBED };
    }
  };

  return {
    ready: () => reloading ?? Promise.resolve(),
    identify(header: Uint8Array, info: IdentifyInfo): IdentifyResult {
      if (info.size === 0) return { ...EMPTY };
      const head = header.length > IDENTIFY_HEADER_BYTES ? header.subarray(0, IDENTIFY_HEADER_BYTES) : header;
      const { magic, mime } = describe(head);
      const view = new FileView(head, info.size, info.path);
      let type: string;
      try {
        type = classify(view, magic, mime, dotnetLabel);
      } catch {
        // Malformed input must not abort the pipeline; libmagic's answer is the safe fallback.
        type = labelFromMagic(magic, mime);
      } finally {
        view.close();
      }
      return { type, magic, mime };
    },
  };
}

function classify(view: FileView, magic: string, mime: string, dotnetLabel: boolean): string {
  const h = view.header;
  if (h.length === 0) return 'unknown';

  const custom = signatureLabel(view);
  if (custom) return custom;
  const structural = structuralLabel(view, mime, dotnetLabel);
  if (structural) return structural;

  let type = labelFromMagic(magic, mime);
  if (type === 'unknown' && mime.startsWith('text/')) type = 'text/plain';

  // Zip-based formats libmagic names but Assemblyline has no table entry for are still zips.
  const zipLike = type === 'archive/zip' || type === 'java/jar' || type === 'document/office/unknown' || type === 'unknown';
  if (zipLike && hasBytes(h, 0, 'PK\x03\x04')) {
    return zipLabel(zipEntryNames(view), type === 'unknown' ? 'archive/zip' : type);
  } else if (type === 'document/pdf') {
    return pdfLabel(view);
  }
  if (type === 'unknown') {
    const binary = udfLabel(h) ?? certificateLabel(h, view.size);
    if (binary) return binary;
  }
  if (type === 'unknown' || type === 'text/plain') return contentLabel(view, magic, mime, type);
  return type;
}

/** Formats recognised from their headers, before and regardless of libmagic's wording. */
function structuralLabel(view: FileView, mime: string, dotnetLabel: boolean): string | undefined {
  const h = view.header;
  switch (h[0]) {
    case 0x4d: {
      // "MZ": a PE when the NT headers are there; plain DOS programs are left to libmagic.
      const pe = parsePeHeader(view);
      if (pe) return peLabel(pe, dotnetLabel);
      break;
    }
    case 0x7f:
      return elfLabel(view);
    case 0xd0:
      if (hasBytes(h, 0, OLE_SIGNATURE)) return oleLabel(view, mime);
      break;
    case 0x78:
      if (hasBytes(h, 0, 'xar!')) return xarLabel(h);
      break;
  }
  return machoLabel(h) ?? dmgLabel(view);
}

// Password-protected PDFs carry an /Encrypt dictionary (normally in the trailer, hence the tail);
// portfolios declare a /Collection in their catalog.
function pdfLabel(view: FileView): string {
  const tail = view.complete ? undefined : view.tail(64 * 1024);
  const has = (needle: string) => indexOfBytes(view.header, needle) >= 0 || (!!tail && indexOfBytes(tail, needle) >= 0);
  if (has('/Encrypt')) return 'document/pdf/passwordprotected';
  if (has('/Type/Catalog/Collection')) return 'document/pdf/portfolio';
  return 'document/pdf';
}

/** Text formats and script languages, for data libmagic left as text or could not name. */
function contentLabel(view: FileView, magic: string, mime: string, type: string): string {
  const limit = type === 'unknown' ? BINARY_SCAN_BYTES : TEXT_SCAN_BYTES;
  const { text, wide } = decodeText(view.header, limit);
  if (type === 'text/plain' || magic.startsWith('CSV')) {
    // libmagic's CSV guess is only accepted when the records really line up.
    if ((magic.startsWith('CSV text') || mime === 'text/csv' || mime === 'application/csv') && isCsv(text)) {
      return 'text/csv';
    }
    if (isJson(text, view.complete && view.size <= limit)) return 'text/json';
  }

  const tailText =
    (view.complete && view.size <= limit ? undefined : decodeTail(view, wide)) ?? text.slice(-TAIL_BYTES);
  const script = scriptLabel(new ScriptContext(text, tailText, mime, view.size, wide));
  if (script) return script;

  const fallback = UNTRUSTED_MIMES.get(mime);
  if (fallback) return fallback;
  if (type === 'text/plain' && isIni(text)) return 'text/ini';
  return type;
}

function decodeTail(view: FileView, wide: boolean): string | undefined {
  const tail = view.tail(TAIL_BYTES);
  if (!tail) return undefined;
  if (!wide) return Buffer.from(tail.buffer, tail.byteOffset, tail.length).toString('latin1');
  const even = tail.subarray((view.size - tail.length) % 2, tail.length);
  return Buffer.from(even.buffer, even.byteOffset, even.length & ~1).toString('utf16le');
}
