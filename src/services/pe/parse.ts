// parsePe: every structure of a PE file this analyser reads, as one plain object. Each part is parsed on its
// own and a failure in one (a corrupt resource tree, a broken signature) is recorded and leaves the rest intact.
import { type Bytes, slice } from './bytes.js';
import { parseSignatures, certificateTable, type CertificateTable, type Signature } from './authenticode.js';
import { parseDebug, type DebugInfo } from './debug.js';
import { parseDotnet, type DotnetInfo } from './dotnet.js';
import { type Exports, parseExports } from './exports.js';
import { type CoffHeader, type DataDirectory, IMAGE_FILE_DLL, type OptionalHeader, parseHeaders } from './headers.js';
import { type ImportedDll, imphash, parseDelayImports, parseImports, sortedImportsSha1 } from './imports.js';
import { parseResources, parseVersionInfo, resourceData, type ResourceTree } from './resources.js';
import { parseRich, type RichHeader } from './rich.js';
import { addressMap, parseSections, type Section } from './sections.js';
import { parseTls, type TlsInfo } from './tls.js';

export interface Overlay { offset: number; size: number }

export interface PeInfo {
  isPe: true;
  lfanew: number;
  coff: CoffHeader;
  optional?: OptionalHeader;
  is64: boolean;
  isDll: boolean;
  directories: DataDirectory[];
  /** File offset of the entry point, when the RVA maps into the file. */
  entryPoint?: number;
  sections: Section[];
  imports: ImportedDll[];
  delayImports: ImportedDll[];
  imphash?: string;
  importsSortedSha1?: string;
  exports?: Exports;
  resources?: ResourceTree;
  versionInfo: Record<string, string>;
  rich?: RichHeader;
  debug?: DebugInfo;
  tls?: TlsInfo;
  dotnet?: DotnetInfo;
  /** Bytes after the end of the last section's raw data (the certificate table included, as YARA reports it). */
  overlay?: Overlay;
  certificateTable?: CertificateTable;
  signatures: Signature[];
  /** Parts that could not be read, with the reason. */
  errors: string[];
}

export type ParseResult = PeInfo | { isPe: false; reason: string };

function attempt<T>(errors: string[], what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    errors.push(`${what}: ${(e as Error).message}`);
    return undefined;
  }
}

export function parsePe(b: Bytes): ParseResult {
  const hr = parseHeaders(b);
  if (!hr.ok) return { isPe: false, reason: hr.reason };
  const h = hr.headers;
  const errors: string[] = [];
  if (!h.optional) errors.push('optional header truncated');
  const sections = attempt(errors, 'sections', () => parseSections(b, h)) ?? [];
  const map = addressMap(sections, h.optional?.fileAlignment ?? 0x200, h.optional?.sectionAlignment ?? 0x1000);
  const imports = attempt(errors, 'imports', () => parseImports(b, h, map)) ?? [];
  const resources = attempt(errors, 'resources', () => parseResources(b, h, map));
  // Every version resource (one per language) is read; a later one overrides keys of an earlier one.
  const versions = resources?.resources.filter((r) => r.type === 16) ?? [];
  let overlay: Overlay | undefined;
  if (sections.length) {
    const end = Math.max(...sections.map((s) => s.rawOffset + s.rawSize));
    if (b.length > end) overlay = { offset: end, size: b.length - end };
  }
  return {
    isPe: true,
    lfanew: h.lfanew,
    coff: h.coff,
    optional: h.optional,
    is64: h.optional?.magic === 0x20b,
    isDll: (h.coff.characteristics & IMAGE_FILE_DLL) !== 0,
    directories: h.directories,
    entryPoint: h.optional ? map.toOffset(h.optional.entryPointRva) : undefined,
    sections,
    imports,
    delayImports: attempt(errors, 'delay imports', () => parseDelayImports(b, h, map)) ?? [],
    imphash: imphash(imports),
    importsSortedSha1: sortedImportsSha1(imports),
    exports: attempt(errors, 'exports', () => parseExports(b, h, map)),
    resources,
    versionInfo: Object.assign({}, ...versions.slice(0, 16).map((v) => attempt(errors, 'version info', () => parseVersionInfo(resourceData(b, v))) ?? {})),
    rich: attempt(errors, 'rich header', () => parseRich(slice(b, 0, h.lfanew))),
    debug: attempt(errors, 'debug directory', () => parseDebug(b, h, map)),
    tls: attempt(errors, 'TLS directory', () => parseTls(b, h, map)),
    dotnet: attempt(errors, 'CLR header', () => parseDotnet(b, h, map)),
    overlay,
    certificateTable: certificateTable(h, b.length),
    signatures: attempt(errors, 'signatures', () => parseSignatures(b, h, sections)) ?? [],
    errors,
  };
}
