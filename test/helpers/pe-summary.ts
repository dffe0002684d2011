// What the PE parser itself reads from a file, in one fixed shape, recorded by the golden runner next to the
// analyser's output: the report reformats the parser's result and shows only what an analyst needs, and a
// parser change should show in the golden diff even where the report does not.
import { parsePe } from '../../src/services/pe/index.js';
import { languageName } from '../../src/services/pe/report.js';
import { typeName } from '../../src/services/pe/resources.js';

const hex = (n: number | bigint) => `0x${n.toString(16)}`;

export function peSummary(bytes: Buffer): unknown {
  const pe = parsePe(bytes);
  if (!pe.isPe) return { isPe: false, reason: pe.reason };
  return {
    machine: hex(pe.coff.machine), is64: pe.is64, isDll: pe.isDll, timestamp: pe.coff.timestamp,
    entryPointRva: pe.optional ? hex(pe.optional.entryPointRva) : null, entryPoint: pe.entryPoint ?? null,
    imageBase: pe.optional ? hex(pe.optional.imageBase) : null, subsystem: pe.optional?.subsystem ?? null,
    linker: pe.optional ? `${pe.optional.linkerVersion.major}.${pe.optional.linkerVersion.minor}` : null,
    sections: pe.sections.map((s) => ({
      name: s.fullName ?? s.name, va: hex(s.virtualAddress), vsize: hex(s.virtualSize), raw: hex(s.rawOffset),
      rawSize: hex(s.rawSize), characteristics: hex(s.characteristics), entropy: Math.round(s.entropy * 1000) / 1000, md5: s.md5,
    })),
    imports: Object.fromEntries(pe.imports.map((d) => [d.dll, d.functions.map((f) => f.name ?? `ord${f.ordinal}`)])),
    delayImports: Object.fromEntries(pe.delayImports.map((d) => [d.dll, d.functions.map((f) => f.name ?? `ord${f.ordinal}`)])),
    imphash: pe.imphash ?? null, importsSortedSha1: pe.importsSortedSha1 ?? null,
    exports: pe.exports ? { dll: pe.exports.dllName ?? null, functions: pe.exports.functions.map((f) => [f.ordinal, f.name ?? null]) } : null,
    resources: (pe.resources?.resources ?? []).map((r) => ({ type: typeName(r.type), name: r.name ?? null, language: languageName(r.language), size: r.size })),
    versionInfo: pe.versionInfo,
    rich: pe.rich ? { hash: pe.rich.hash, tools: pe.rich.tools.length } : null,
    pdb: pe.debug?.pdbPath ?? null,
    tlsCallbacks: pe.tls?.callbacks.length ?? null,
    dotnet: pe.dotnet?.metadataVersion ?? null,
    overlay: pe.overlay ?? null,
    signatures: pe.signatures.map((s) => ({ subject: s.signer?.subject ?? null, digestMatches: s.digestMatches })),
    errors: pe.errors,
  };
}
