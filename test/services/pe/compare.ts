// Field-by-field comparison of our parsePe result with YARA-X's pe module output for the same file. Returns one
// line per disagreement; an empty list means every field both report agrees.
import type { PeInfo } from '../../../src/services/pe/parse.js';
import { MACHINES, SUBSYSTEMS } from '../../../src/services/pe/headers.js';
import { importStrings } from '../../../src/services/pe/imports.js';
import { RESOURCE_TYPES } from '../../../src/services/pe/resources.js';
import { hash } from '../../../src/services/pe/bytes.js';
import type { YMap, YValue } from '../../helpers/yarax-out.js';

const num = (v: YValue | undefined): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
const big = (v: YValue | undefined): bigint | undefined =>
  typeof v === 'number' ? BigInt(v) : typeof v === 'bigint' ? v : undefined;
const list = (v: YValue | undefined): YMap[] => (Array.isArray(v) ? (v as YMap[]) : []);
const str = (v: YValue | undefined): string | undefined => (Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : undefined);

function enumValue(v: YValue | undefined, prefix: string, table: Record<number, string>): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const name = v.startsWith(prefix) ? v.slice(prefix.length) : v;
  const hit = Object.entries(table).find(([, n]) => n === name);
  return hit ? Number(hit[0]) : undefined;
}

const RESOURCE_LANG_OK = (v: YValue | undefined) => num(v);

export function compareWithYarax(pe: PeInfo, y: YMap): { diffs: string[]; checked: number } {
  const diffs: string[] = [];
  let checked = 0;
  const eq = (field: string, ours: unknown, theirs: unknown) => {
    if (theirs === undefined && ours === undefined) return;
    checked++;
    const a = typeof ours === 'bigint' ? ours.toString() : ours;
    const b = typeof theirs === 'bigint' ? theirs.toString() : theirs;
    if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${field}: ours ${JSON.stringify(a)} yara-x ${JSON.stringify(b)}`);
  };
  const o = pe.optional;
  eq('machine', pe.coff.machine, enumValue(y.machine, 'MACHINE_', MACHINES));
  eq('timestamp', pe.coff.timestamp, num(y.timestamp));
  eq('characteristics', pe.coff.characteristics, num(y.characteristics));
  eq('is_dll', pe.isDll, (num(y.characteristics)! & 0x2000) !== 0);
  // YARA-X counts the section headers it could read, not the COFF field.
  eq('number_of_sections', pe.sections.length, num(y.number_of_sections));
  eq('pointer_to_symbol_table', pe.coff.pointerToSymbolTable, num(y.pointer_to_symbol_table));
  eq('number_of_symbols', pe.coff.numberOfSymbols, num(y.number_of_symbols));
  eq('size_of_optional_header', pe.coff.sizeOfOptionalHeader, num(y.size_of_optional_header));
  if (o) {
    eq('opthdr_magic', o.magic, enumValue(y.opthdr_magic, '', { 0x10b: 'IMAGE_NT_OPTIONAL_HDR32_MAGIC', 0x20b: 'IMAGE_NT_OPTIONAL_HDR64_MAGIC', 0x107: 'IMAGE_ROM_OPTIONAL_HDR_MAGIC' }));
    eq('subsystem', o.subsystem, enumValue(y.subsystem, 'SUBSYSTEM_', SUBSYSTEMS));
    eq('entry_point_raw', o.entryPointRva, num(y.entry_point_raw));
    eq('image_base', o.imageBase, big(y.image_base));
    eq('linker_version', o.linkerVersion, y.linker_version);
    eq('os_version', o.osVersion, y.os_version);
    eq('image_version', o.imageVersion, y.image_version);
    eq('subsystem_version', o.subsystemVersion, y.subsystem_version);
    eq('dll_characteristics', o.dllCharacteristics, num(y.dll_characteristics));
    eq('checksum', o.checksum, num(y.checksum));
    eq('size_of_image', o.sizeOfImage, num(y.size_of_image));
    eq('size_of_headers', o.sizeOfHeaders, num(y.size_of_headers));
    eq('section_alignment', o.sectionAlignment, num(y.section_alignment));
    eq('file_alignment', o.fileAlignment, num(y.file_alignment));
    eq('number_of_rva_and_sizes', o.numberOfRvaAndSizes, num(y.number_of_rva_and_sizes));
    eq('size_of_stack_reserve', o.sizeOfStackReserve, big(y.size_of_stack_reserve));
    eq('base_of_data', o.baseOfData, num(y.base_of_data));
  }
  eq('entry_point', pe.entryPoint, num(y.entry_point));
  eq('data_directories', pe.directories.map((d) => [d.virtualAddress, d.size]), list(y.data_directories).map((d) => [num(d.virtual_address), num(d.size)]));

  const ys = list(y.sections);
  eq('sections.count', pe.sections.length, ys.length);
  pe.sections.forEach((s, i) => {
    const t = ys[i];
    if (!t) return;
    const p = `sections[${i}]`;
    eq(`${p}.name`, Buffer.from(s.name, 'latin1').toString('hex'), (t.name as Buffer).toString('hex'));
    eq(`${p}.full_name`, Buffer.from(s.fullName ?? s.name, 'latin1').toString('hex'), (t.full_name as Buffer).toString('hex'));
    eq(`${p}.addresses`, [s.virtualAddress, s.virtualSize, s.rawOffset, s.rawSize], [num(t.virtual_address), num(t.virtual_size), num(t.raw_data_offset), num(t.raw_data_size)]);
    eq(`${p}.characteristics`, s.characteristics, num(t.characteristics));
    eq(`${p}.relocs`, [s.pointerToRelocations, s.pointerToLineNumbers, s.numberOfRelocations, s.numberOfLineNumbers],
      [num(t.pointer_to_relocations), num(t.pointer_to_line_numbers), num(t.number_of_relocations), num(t.number_of_line_numbers)]);
  });

  const imports = (dlls: PeInfo['imports']) => dlls.map((d) => ({ dll: d.dll, f: d.functions.map((f) => [f.name ?? null, f.ordinal ?? null, f.rva]) }));
  const yImports = (v: YValue | undefined) => list(v).map((d) => ({
    dll: str(d.library_name), f: list(d.functions).map((f) => [str(f.name) ?? null, num(f.ordinal) ?? null, num(f.rva)]),
  }));
  eq('number_of_imports', pe.imports.length, num(y.number_of_imports));
  eq('number_of_imported_functions', pe.imports.reduce((n, d) => n + d.functions.length, 0), num(y.number_of_imported_functions));
  eq('import_details', imports(pe.imports), yImports(y.import_details));
  eq('number_of_delayed_imports', pe.delayImports.length, num(y.number_of_delayed_imports));
  eq('delayed_import_details', imports(pe.delayImports), yImports(y.delayed_import_details));
  // YARA-X does not print the import hash; pefile's algorithm applied to YARA-X's import list must give ours.
  const theirStrings = importStrings(yImports(y.import_details).map((d) => ({
    dll: d.dll ?? '', functions: d.f.map(([name, ordinal, rva]) => ({ name: (name as string | null) ?? undefined, ordinal: (ordinal as number | null) ?? undefined, rva: rva as number })),
  })));
  eq('imphash', pe.imphash, theirStrings.length ? hash('md5', theirStrings.join(',')) : undefined);

  const ex = pe.exports;
  eq('number_of_exports', ex?.functions.length ?? 0, num(y.number_of_exports));
  eq('dll_name', ex?.dllName, str(y.dll_name));
  eq('export_timestamp', ex?.timestamp, num(y.export_timestamp));
  eq('export_details', (ex?.functions ?? []).map((f) => [f.name ?? null, f.ordinal, f.rva, f.offset ?? null, f.forwarder ?? null]),
    list(y.export_details).map((f) => [str(f.name) ?? null, num(f.ordinal), num(f.rva), num(f.offset) ?? null, str(f.forward_name) ?? null]));

  const rich = y.rich_signature as YMap | undefined;
  eq('rich.offset', pe.rich?.offset, num(rich?.offset));
  eq('rich.length', pe.rich?.length, num(rich?.length));
  eq('rich.key', pe.rich?.key, num(rich?.key));
  eq('rich.hash', pe.rich?.hash, rich ? hash('md5', rich.clear_data as Buffer) : undefined);
  eq('rich.tools', pe.rich?.tools.map((t) => [t.toolId, t.version, t.times]), rich ? list(rich.tools).map((t) => [num(t.toolid), num(t.version), num(t.times)]) : undefined);

  const res = pe.resources?.resources ?? [];
  eq('number_of_resources', res.length, num(y.number_of_resources));
  if (y.resource_timestamp !== undefined) eq('resource_timestamp', pe.resources?.timestamp, num(y.resource_timestamp));
  const idOf = (v: number | string | undefined) => (typeof v === 'string' ? `s:${Buffer.from(v, 'utf16le').toString('hex')}` : v === undefined ? null : v);
  eq('resources', res.map((r) => [idOf(r.type), idOf(r.name), idOf(r.language), r.rva, r.size, r.offset ?? null]),
    list(y.resources).map((r) => [
      r.type_string ? `s:${(r.type_string as Buffer).toString('hex')}` : enumValue(r.type, 'RESOURCE_TYPE_', RESOURCE_TYPES) ?? null,
      r.name_string ? `s:${(r.name_string as Buffer).toString('hex')}` : num(r.id) ?? null,
      r.language_string ? `s:${(r.language_string as Buffer).toString('hex')}` : RESOURCE_LANG_OK(r.language) ?? null,
      num(r.rva), num(r.length), num(r.offset) ?? null,
    ]));
  const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (y.version_info) eq('version_info', sorted(pe.versionInfo), sorted(Object.fromEntries(Object.entries(y.version_info as YMap).map(([k, v]) => [k, str(v)]))));

  eq('pdb_path', pe.debug?.pdbPath !== undefined ? Buffer.from(pe.debug.pdbPath, 'latin1').toString('hex') : undefined,
    y.pdb_path !== undefined ? (y.pdb_path as Buffer).toString('hex') : undefined);
  const ov = y.overlay as YMap | undefined;
  if (ov) eq('overlay', [pe.overlay?.offset ?? 0, pe.overlay?.size ?? 0], [num(ov.offset), num(ov.size)]);

  eq('is_signed', pe.signatures.some((s) => s.digestMatches && s.signatureValid === true), y.is_signed);
  eq('number_of_signatures', pe.signatures.length, num(y.number_of_signatures));
  list(y.signatures).forEach((t, i) => {
    const s = pe.signatures[i];
    const p = `signatures[${i}]`;
    eq(`${p}.subject`, s?.signer?.subject, str(t.subject));
    eq(`${p}.issuer`, s?.signer?.issuer, str(t.issuer));
    eq(`${p}.thumbprint`, s?.signer?.thumbprint, str(t.thumbprint));
    eq(`${p}.serial`, s?.signer?.serial, str(t.serial));
    eq(`${p}.not_before/after`, [s?.signer?.notBefore, s?.signer?.notAfter], [num(t.not_before), num(t.not_after)]);
    eq(`${p}.digest_alg`, s?.digestAlgorithm, str(t.digest_alg));
    eq(`${p}.digest`, s?.digest, str(t.digest));
    eq(`${p}.file_digest`, s?.fileDigest, str(t.file_digest));
    eq(`${p}.number_of_certificates`, s?.certificates.length, num(t.number_of_certificates));
    eq(`${p}.verified`, s ? s.digestMatches && s.signatureValid === true : undefined, t.verified);
  });
  return { diffs, checked };
}
