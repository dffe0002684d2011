// parseMacho against YARA-X's macho module: for every corpus sample, our result is rendered with the module's
// field names and compared key by key with its output (header, load-command data, segments and sections,
// dylibs, symbols, dyld tables, exports, imports, fat arch list and each slice).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMacho } from '../../../src/services/macho/parse.js';
import type { MachoFile, MachoInfo } from '../../../src/services/macho/types.js';
import { readSample } from '../../helpers/yarax-samples.js';
import { parseYaraxOutPlain, type Plain, type PlainMap } from '../../helpers/yarax-out.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = resolve(root, '../shared/corpus/yarax-modules/macho');

/** Parsed from the code signature's CMS blob by the module; this parser only reports the signature's presence. */
const NOT_COMPARED = new Set(['entitlements', 'certificates']);

type View = { [k: string]: unknown };
const drop = (o: View): View => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));

function fileView(f: MachoFile): View {
  const d = f.dysymtab;
  return drop({
    magic: f.magic, cputype: f.cputype, cpusubtype: f.cpusubtype, filetype: f.filetype, ncmds: f.ncmds, sizeofcmds: f.sizeofcmds,
    flags: f.flags, reserved: f.reserved, number_of_segments: f.segments.length, dynamic_linker: f.dynamicLinker,
    entry_point: f.entryPoint, stack_size: f.stackSize, source_version: f.sourceVersion,
    symtab: f.symtab && drop({ symoff: f.symtab.symoff, nsyms: f.symtab.nsyms, stroff: f.symtab.stroff, strsize: f.symtab.strsize, entries: f.symtab.entries, nlists: f.symtab.nlists }),
    // The module reads 16 words from iundefsym on under the names tocoff..nlocrel, one pair late; the values are
    // the file's, so ours are laid out the same way for the comparison.
    dysymtab: d && {
      ilocalsym: d.ilocalsym, nlocalsym: d.nlocalsym, iextdefsym: d.iextdefsym, nextdefsym: d.nextdefsym, tocoff: d.iundefsym,
      ntoc: d.nundefsym, modtaboff: d.tocoff, nmodtab: d.ntoc, extrefsymoff: d.modtaboff, nextrefsyms: d.nmodtab,
      indirectsymoff: d.extrefsymoff, nindirectsyms: d.nextrefsyms, extreloff: d.indirectsymoff, nextrel: d.nindirectsyms,
      locreloff: d.extreloff, nlocrel: d.nextrel,
    },
    code_signature_data: f.codeSignatureData,
    segments: f.segments.map((s) => drop({
      segname: s.segname, vmaddr: s.vmaddr, vmsize: s.vmsize, fileoff: s.fileoff, filesize: s.filesize, maxprot: s.maxprot,
      initprot: s.initprot, nsects: s.nsects, flags: s.flags, sections: s.sections.map((x) => drop({ ...x })),
    })),
    dylibs: f.dylibs.map((l) => ({ name: l.name, timestamp: l.timestamp, compatibility_version: l.compatibilityVersion, current_version: l.currentVersion })),
    dyld_info: f.dyldInfo,
    rpaths: f.rpaths,
    uuid: f.uuid,
    build_version: f.buildVersion && drop({ ...f.buildVersion, ntools: f.buildVersion.tools.length }),
    min_version: f.minVersion,
    exports: f.exports,
    imports: f.imports,
    linker_options: f.linkerOptions,
  });
}

function infoView(info: MachoInfo | undefined): View {
  if (!info) return {};
  if (!info.fat) return fileView(info.files[0]!);
  return drop({ fat_magic: info.fat.magic, nfat_arch: info.fat.archs.length, fat_arch: info.fat.archs, file: info.files.map(fileView) });
}

function compare(ours: unknown, theirs: Plain | undefined, path: string, bad: string[]): void {
  if (bad.length > 20) return;
  if (Array.isArray(theirs) || Array.isArray(ours)) {
    const o = (ours ?? []) as unknown[];
    const g = (theirs ?? []) as Plain[];
    if (!Array.isArray(o) || o.length !== g.length) bad.push(`${path}: ours ${Array.isArray(o) ? o.length : typeof o} items, YARA-X ${g.length}`);
    g.forEach((x, i) => compare(o[i], x, `${path}[${i}]`, bad));
    return;
  }
  if (theirs !== null && typeof theirs === 'object') {
    if (ours === undefined || typeof ours !== 'object') {
      bad.push(`${path}: missing`);
      return;
    }
    const keys = new Set([...Object.keys(theirs), ...Object.keys(ours as object)]);
    for (const k of keys) if (!NOT_COMPARED.has(k)) compare((ours as View)[k], theirs[k], path ? `${path}.${k}` : k, bad);
    return;
  }
  if (ours !== theirs) bad.push(`${path}: ours ${JSON.stringify(ours)}, YARA-X ${JSON.stringify(theirs)}`);
}

describe('parseMacho against the YARA-X macho module outputs', () => {
  const samples = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.out')).map((f) => f.slice(0, -4)).sort() : [];

  it('finds the corpus samples', () => {
    assert.ok(samples.length >= 30, `expected the corpus at ${dir}`);
  });

  it('agrees with every compared field YARA-X reports, on every sample', async () => {
    const failures: string[] = [];
    let agree = 0;
    for (const name of samples) {
      const base = join(dir, name);
      const theirs = parseYaraxOutPlain(readFileSync(`${base}.out`, 'utf8'));
      const bad: string[] = [];
      compare(infoView(parseMacho(await readSample(base))), theirs as PlainMap, '', bad);
      if (bad.length) failures.push(`${name}: ${bad.slice(0, 6).join('; ')}`);
      else agree++;
    }
    console.log(`Mach-O agreement with YARA-X: ${agree}/${samples.length} samples`);
    assert.deepEqual(failures, []);
  });
});
