// Turns a parsed PE into result sections and tags (Assemblyline taxonomy: file.pe.*, cert.*).
import type { OutputSection } from '../../sdk/index.js';
import { type Bytes, hex, slice } from './bytes.js';
import type { CertInfo, } from './certificates.js';
import { DEBUG_TYPES } from './debug.js';
import { fileFlags, MACHINES, SUBSYSTEMS } from './headers.js';
import type { PeInfo } from './parse.js';
import { typeName } from './resources.js';
import { flagNames, } from './headers.js';
import { SECTION_FLAGS } from './sections.js';

const MAX_ROWS = 500;

const LANGUAGES: Record<number, string> = {
  0x0: 'neutral', 0x400: 'process default', 0x800: 'system default', 0x409: 'en-US', 0x809: 'en-GB', 0x419: 'ru-RU',
  0x804: 'zh-CN', 0x404: 'zh-TW', 0x407: 'de-DE', 0x40c: 'fr-FR', 0x411: 'ja-JP', 0x412: 'ko-KR', 0x40a: 'es-ES',
  0xc0a: 'es-ES', 0x410: 'it-IT', 0x416: 'pt-BR', 0x816: 'pt-PT', 0x415: 'pl-PL', 0x405: 'cs-CZ', 0x413: 'nl-NL',
  0x41f: 'tr-TR', 0x422: 'uk-UA', 0x429: 'fa-IR', 0x401: 'ar-SA', 0x40d: 'he-IL', 0x41e: 'th-TH', 0x42a: 'vi-VN',
  0x421: 'id-ID', 0x40e: 'hu-HU', 0x418: 'ro-RO', 0x41d: 'sv-SE', 0x406: 'da-DK', 0x414: 'nb-NO', 0x40b: 'fi-FI',
  0x408: 'el-GR', 0x402: 'bg-BG', 0x41a: 'hr-HR', 0x424: 'sl-SI', 0x41b: 'sk-SK', 0x425: 'et-EE', 0x426: 'lv-LV',
  0x427: 'lt-LT', 0x42d: 'eu-ES', 0x403: 'ca-ES', 0x439: 'hi-IN', 0x43f: 'kk-KZ', 0x443: 'uz-UZ', 0x42c: 'az-AZ',
};

export const languageName = (l: number | string | undefined): string =>
  typeof l === 'number' ? LANGUAGES[l] ?? `lcid-${hex(l)}` : typeof l === 'string' ? l : 'unknown';

const iso = (t: number) => (t > 0 && t < 253402300800 ? new Date(t * 1000).toISOString() : String(t));
const uniq = (xs: string[]) => [...new Set(xs.filter((x) => x !== ''))];

export function headerSection(pe: PeInfo, data: Bytes): OutputSection {
  const o = pe.optional;
  const body: Record<string, unknown> = {
    machine: MACHINES[pe.coff.machine] ?? hex(pe.coff.machine),
    format: o ? (pe.is64 ? 'PE32+' : o.magic === 0x10b ? 'PE32' : `unknown optional header magic ${hex(o.magic)}`) : 'no optional header',
    type: pe.isDll ? 'DLL' : 'EXE',
    timestamp: `${pe.coff.timestamp} (${iso(pe.coff.timestamp)})`,
    characteristics: fileFlags(pe.coff.characteristics).join(' | '),
    sections: pe.coff.numberOfSections,
  };
  const tags: Record<string, string[]> = { 'file.pe.linker.timestamp': [String(pe.coff.timestamp)] };
  if (o) {
    Object.assign(body, {
      subsystem: SUBSYSTEMS[o.subsystem] ?? String(o.subsystem),
      entry_point: `${hex(o.entryPointRva)}${pe.entryPoint !== undefined ? ` (file offset ${hex(pe.entryPoint)})` : ' (not in the file)'}`,
      image_base: hex(o.imageBase),
      linker_version: `${o.linkerVersion.major}.${o.linkerVersion.minor}`,
      os_version: `${o.osVersion.major}.${o.osVersion.minor}`,
      subsystem_version: `${o.subsystemVersion.major}.${o.subsystemVersion.minor}`,
      checksum: hex(o.checksum),
      dll_characteristics: hex(o.dllCharacteristics),
      size_of_image: o.sizeOfImage,
    });
  }
  if (pe.entryPoint !== undefined) {
    const oep = slice(data, pe.entryPoint, 16);
    if (oep.length) tags['file.pe.oep.bytes'] = [Buffer.from(oep).toString('hex')];
  }
  return { title: 'PE: Header', bodyFormat: 'KEY_VALUE', body, tags };
}

export function sectionsSection(pe: PeInfo): OutputSection | undefined {
  if (!pe.sections.length) return undefined;
  return {
    title: `PE: Sections (${pe.sections.length})`,
    bodyFormat: 'TABLE',
    body: pe.sections.map((s) => ({
      name: s.fullName ?? s.name, virtual_address: hex(s.virtualAddress), virtual_size: hex(s.virtualSize),
      raw_offset: hex(s.rawOffset), raw_size: hex(s.rawSize), flags: flagNames(s.characteristics, SECTION_FLAGS).join(' | '),
      entropy: Math.round(s.entropy * 1000) / 1000, md5: s.md5,
    })),
    tags: {
      'file.pe.sections.name': uniq(pe.sections.map((s) => s.fullName ?? s.name)),
      'file.pe.sections.hash': uniq(pe.sections.filter((s) => s.rawSize > 0).map((s) => s.md5)),
    },
  };
}

export function importsSection(pe: PeInfo): OutputSection | undefined {
  if (!pe.imports.length && !pe.delayImports.length) return undefined;
  const body: Record<string, string> = {};
  for (const d of pe.imports) body[d.dll] = d.functions.slice(0, MAX_ROWS).map((f) => f.name ?? `ord${f.ordinal}`).join(', ');
  for (const d of pe.delayImports) body[`${d.dll} (delay-loaded)`] = d.functions.slice(0, MAX_ROWS).map((f) => f.name ?? `ord${f.ordinal}`).join(', ');
  const tags: Record<string, string[]> = {};
  if (pe.imphash) tags['file.pe.imports.imphash'] = [pe.imphash];
  if (pe.importsSortedSha1) tags['file.pe.imports.sorted_sha1'] = [pe.importsSortedSha1];
  return { title: `PE: Imports (imphash ${pe.imphash ?? 'none'})`, bodyFormat: 'KEY_VALUE', body, tags };
}

export function exportsSection(pe: PeInfo): OutputSection | undefined {
  const ex = pe.exports;
  if (!ex) return undefined;
  const tags: Record<string, string[]> = {};
  const names = uniq(ex.functions.map((f) => f.name ?? ''));
  if (names.length) tags['file.pe.exports.function_name'] = names.slice(0, MAX_ROWS);
  if (ex.dllName) tags['file.pe.exports.module_name'] = [ex.dllName];
  return {
    title: `PE: Exports (${ex.functions.length})`,
    bodyFormat: 'TABLE',
    body: ex.functions.slice(0, MAX_ROWS).map((f) => ({ ordinal: f.ordinal, name: f.name ?? '', rva: hex(f.rva), forwarder: f.forwarder ?? '' })),
    tags,
  };
}

export function resourcesSections(pe: PeInfo): OutputSection[] {
  const out: OutputSection[] = [];
  const res = pe.resources?.resources ?? [];
  if (res.length) {
    const named = uniq(res.flatMap((r) => [r.type, r.name].filter((x): x is string => typeof x === 'string')));
    const tags: Record<string, string[]> = { 'file.pe.resources.language': uniq(res.map((r) => languageName(r.language))) };
    if (named.length) tags['file.pe.resources.name'] = named.slice(0, MAX_ROWS);
    out.push({
      title: `PE: Resources (${res.length})`,
      bodyFormat: 'TABLE',
      body: res.slice(0, MAX_ROWS).map((r) => ({
        type: typeName(r.type), name: r.name === undefined ? '' : String(r.name), language: languageName(r.language),
        size: r.size, offset: r.offset === undefined ? '' : hex(r.offset),
      })),
      tags,
    });
  }
  const v = pe.versionInfo;
  if (Object.keys(v).length) {
    const tags: Record<string, string[]> = {};
    if (v.FileDescription) tags['file.pe.versions.description'] = [v.FileDescription];
    if (v.OriginalFilename) tags['file.pe.versions.filename'] = [v.OriginalFilename];
    out.push({ title: 'PE: Version information', bodyFormat: 'KEY_VALUE', body: v, depth: res.length ? 1 : 0, tags });
  }
  return out;
}

export function richSection(pe: PeInfo): OutputSection | undefined {
  const r = pe.rich;
  if (!r) return undefined;
  return {
    title: `PE: Rich header (hash ${r.hash})`,
    bodyFormat: 'TABLE',
    body: r.tools.slice(0, MAX_ROWS).map((t) => ({ product_id: t.toolId, build: t.version, count: t.times })),
    tags: { 'file.pe.rich_header.hash': [r.hash] },
  };
}

export function debugSection(pe: PeInfo): OutputSection | undefined {
  const d = pe.debug;
  if (!d || (!d.entries.length && d.pdbPath === undefined)) return undefined;
  const body: Record<string, string> = { entries: d.entries.map((e) => DEBUG_TYPES[e.type] ?? String(e.type)).join(', ') };
  const tags: Record<string, string[]> = {};
  if (d.pdbPath) {
    body.pdb_path = d.pdbPath;
    tags['file.pe.pdb_filename'] = [d.pdbPath];
  }
  if (d.guid) {
    body.guid = d.guid;
    body.age = String(d.age ?? '');
    tags['file.pe.debug.guid'] = [d.guid];
  }
  return { title: 'PE: Debug information', bodyFormat: 'KEY_VALUE', body, tags };
}

export function miscSections(pe: PeInfo): OutputSection[] {
  const out: OutputSection[] = [];
  if (pe.tls) {
    out.push({ title: `PE: TLS callbacks (${pe.tls.callbacks.length})`, bodyFormat: 'TEXT',
      body: pe.tls.callbacks.length ? pe.tls.callbacks.map((c) => hex(c)).join('\n') : 'TLS directory without callbacks' });
  }
  if (pe.dotnet) {
    out.push({ title: 'PE: .NET assembly', bodyFormat: 'KEY_VALUE',
      body: { clr_header_version: pe.dotnet.runtime, metadata_version: pe.dotnet.metadataVersion ?? '', flags: hex(pe.dotnet.flags) },
      tags: { 'file.compiler': ['.NET'] } });
  }
  if (pe.errors.length) out.push({ title: 'PE: Parts that could not be read', bodyFormat: 'TEXT', body: pe.errors.join('\n') });
  return out;
}

function certTags(certs: CertInfo[]): Record<string, string[]> {
  return {
    'cert.subject': uniq(certs.map((c) => c.subject)),
    'cert.issuer': uniq(certs.map((c) => c.issuer)),
    'cert.serial_no': uniq(certs.map((c) => c.serial)),
    'cert.thumbprint': uniq(certs.map((c) => c.thumbprint)),
    'cert.valid.start': uniq(certs.map((c) => iso(c.notBefore))),
    'cert.valid.end': uniq(certs.map((c) => iso(c.notAfter))),
    'cert.version': uniq(certs.map((c) => String(c.version))),
    'cert.signature_algo': uniq(certs.map((c) => c.algorithm)),
  };
}

export function signatureSections(pe: PeInfo): OutputSection[] {
  const out: OutputSection[] = [];
  pe.signatures.forEach((s, i) => {
    const tags = certTags(s.chain.length ? s.chain : s.certificates);
    if (s.programName) tags['file.pe.authenticode.spc_sp_opus_info.program_name'] = [s.programName];
    out.push({
      title: `PE: Authenticode signature ${i + 1}: ${s.signer?.subject ?? 'signer not found'}`,
      bodyFormat: 'KEY_VALUE',
      body: {
        signer: s.signer?.subject ?? '', issuer: s.signer?.issuer ?? '', serial: s.signer?.serial ?? '',
        self_signed: s.selfSigned, digest_algorithm: s.digestAlgorithm ?? '', signed_digest: s.digest ?? '',
        file_digest: s.fileDigest ?? '', digest_matches: s.digestMatches, signer_signature_valid: s.signatureValid ?? 'unknown',
        chain: s.chain.map((c) => c.subject).join(' <- '), certificates: s.certificates.length,
        ...(s.errors.length ? { errors: s.errors.join('; ') } : {}),
      },
      tags,
    });
  });
  return out;
}
