// PE analyser: headers, sections, imports (imphash), exports, resources, rich header, debug, TLS, .NET,
// overlay and Authenticode of Windows executables, with heuristics for packing, injection and keylogging API
// sets, signature problems and timestamp anomalies. Embedded PE resources, large opaque resources and the
// overlay are extracted for analysis of their own.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractedFile, OutputSection, ServiceContext, ServiceManifest, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { type Bytes, entropy, hex } from './bytes.js';
import { evaluate, HEURISTICS, type Hit } from './heuristics.js';
import { parsePe, type PeInfo } from './parse.js';
import {
  debugSection, exportsSection, headerSection, importsSection, miscSections, resourcesSections, richSection,
  sectionsSection, signatureSections,
} from './report.js';
import { resourceData, typeName } from './resources.js';

export { parsePe } from './parse.js';

export const manifest: ServiceManifest = {
  name: 'PE',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'Windows PE analysis: headers, sections, imports and imphash, exports, resources, rich header, debug, TLS, .NET, overlay and Authenticode.',
  accepts: 'executable/windows/',
  rejects: 'executable/windows/(dos|com|coff)',
  timeoutSeconds: 60,
  memoryMb: 1024,
  config: {
    max_section_entropy: 7.5,
    /** Resources of opaque types at least this large are extracted. */
    resource_extract_min_size: 32768,
    max_extracted: 20,
  },
  heuristics: HEURISTICS,
};

/** Resource types whose content is presentation data, never worth extracting as a file of its own. */
const PRESENTATION_TYPES = new Set([1, 2, 3, 4, 5, 6, 9, 12, 14, 16, 24]);

const MAX_RESOURCES_EXAMINED = 1000;

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || '_';

function hitSection(h: Hit): OutputSection {
  return {
    title: h.title, body: h.body, bodyFormat: 'TEXT', depth: 1,
    heuristic: { id: h.id, ...(h.signatures ? { signatures: h.signatures } : {}) },
    ...(h.tags ? { tags: h.tags } : {}),
  };
}

async function extractChildren(pe: PeInfo, data: Bytes, task: ServiceTask, ctx: ServiceContext, cfg: Record<string, unknown>):
    Promise<{ extracted: ExtractedFile[]; hits: Hit[] }> {
  const extracted: ExtractedFile[] = [];
  const hits: Hit[] = [];
  const limit = Math.max(0, Math.min(Number(cfg.max_extracted ?? 20), task.maxFiles));
  const minSize = Number(cfg.resource_extract_min_size ?? 32768);
  const add = async (name: string, bytes: Bytes, description: string) => {
    if (extracted.length >= limit) return;
    const path = join(ctx.workDir, name);
    await writeFile(path, bytes);
    extracted.push({ name, path, description, parentRelation: 'EXTRACTED' });
  };

  const embedded: string[] = [];
  // Entries may all point at the same bytes: each distinct blob is examined once, and only so many of them.
  const seen = new Set<string>();
  for (const [i, r] of (pe.resources?.resources ?? []).entries()) {
    ctx.signal.throwIfAborted();
    const key = `${r.offset}:${r.size}`;
    if (seen.has(key) || seen.size >= MAX_RESOURCES_EXAMINED) continue;
    seen.add(key);
    const bytes = resourceData(data, r);
    if (bytes.length < 2) continue;
    const label = `${typeName(r.type)}/${r.name ?? '?'}/${r.language ?? '?'}`;
    const name = `resource_${i}_${safeName(typeName(r.type))}_${safeName(String(r.name ?? ''))}`;
    if (bytes[0] === 0x4d && bytes[1] === 0x5a && parsePe(bytes).isPe) {
      embedded.push(`${label} (${bytes.length} bytes)`);
      await add(`${name}.exe`, bytes, `PE file embedded as resource ${label}`);
    } else if (bytes.length >= minSize && !(typeof r.type === 'number' && PRESENTATION_TYPES.has(r.type))) {
      await add(`${name}.bin`, bytes, `Resource ${label}, ${bytes.length} bytes, entropy ${entropy(bytes).toFixed(2)}`);
    }
  }
  if (embedded.length) hits.push({ id: 12, title: 'Executable in resources', body: embedded.join('\n') });

  if (pe.overlay) {
    // The certificate table usually sits at the end of the file: it is the signature, not a payload.
    let end = pe.overlay.offset + pe.overlay.size;
    const cert = pe.certificateTable;
    if (cert && cert.offset >= pe.overlay.offset && cert.offset + cert.size >= end) end = cert.offset;
    const size = end - pe.overlay.offset;
    if (size > 0) {
      const bytes = data.subarray(pe.overlay.offset, end);
      hits.push({ id: 109, title: 'Overlay present', body: `${size} bytes at ${hex(pe.overlay.offset)}, entropy ${entropy(bytes).toFixed(2)}` });
      await add(`overlay_${hex(pe.overlay.offset)}.bin`, bytes, `Overlay: ${size} bytes after the last section`);
    }
  }
  return { extracted, hits };
}

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const cfg = { ...manifest.config, ...task.serviceConfig };
  const data = new Uint8Array(await readFile(ctx.filePath));
  const pe = parsePe(data);
  if (!pe.isPe) {
    return {
      sections: [{ title: 'Invalid PE look-alike', body: `The file cannot be read as a PE: ${pe.reason}.`, heuristic: { id: 7 } }],
    };
  }
  const sections: OutputSection[] = [headerSection(pe, data)];
  for (const s of [sectionsSection(pe), importsSection(pe), exportsSection(pe), ...resourcesSections(pe), richSection(pe), debugSection(pe)]) {
    if (s) sections.push(s);
  }
  sections.push(...signatureSections(pe), ...miscSections(pe));

  const { extracted, hits: childHits } = await extractChildren(pe, data, task, ctx, cfg);
  const hits = [
    ...evaluate(pe, { maxSectionEntropy: Number(cfg.max_section_entropy ?? 7.5), fileName: task.fileName, now: Date.now() }),
    ...childHits,
  ];
  if (hits.length) {
    sections.push({ title: 'PE: Heuristics', body: `${hits.length} finding(s)`, bodyFormat: 'TEXT' });
    sections.push(...hits.map(hitSection));
  }
  return { sections, extracted, partial: pe.errors.length > 0 || undefined };
}
