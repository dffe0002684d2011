// FrankenStrings: indicators of compromise in a file's strings (URLs, domains, IPs, e-mail addresses, Windows
// paths, registry keys, defanged forms included) and payloads hidden in it (base64 PEs and scripts, hex PEs,
// single-byte XOR PEs), which are extracted for analysis in their own right. Heuristic ids, names and scores
// follow Assemblyline's FrankenStrings.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractedFile, Iocs, OutputSection, SectionHeuristic, ServiceContext, ServiceManifest, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { emptyIocs, findIocs } from '../../sdk/iocs.js';
import { readHead } from '../../sdk/read-head.js';
import { asciiStrings, wideStrings } from './strings.js';
import { asText, findBase64, findHexPe, findXorPe, type Decoded } from './decoders.js';

export const manifest: ServiceManifest = {
  name: 'FrankenStrings',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'Finds indicators of compromise in strings and extracts encoded payloads (base64, hex, XOR).',
  accepts: '.*',
  rejects: 'empty|metadata/.*',
  timeoutSeconds: 300,
  memoryMb: 512,
  config: {
    max_size_mb: 3, min_string_length: 6, min_base64_length: 64, min_hex_length: 256, max_extracted: 20, max_iocs: 1000,
  },
  heuristics: [
    { id: 1, name: 'Base64_Decoded', score: 10, filetype: '.*', description: 'Base64-like strings discovered and decoded.' },
    { id: 2, name: 'XOR_decoded', score: 500, filetype: '.*', description: "XOR'd IOC content found and decoded.", attack: ['T1027'] },
    { id: 3, name: 'Embedded_PE', score: 100, filetype: '.*', description: 'Embedded PE extracted.', attack: ['T1027.009'] },
    {
      id: 5, name: 'ASCIIhex_file_decoded', score: 50, filetype: '.*',
      description: 'Possible ASCII hex encoded file decoded in non-executable file.',
    },
  ],
};

interface Config {
  maxBytes: number;
  minString: number;
  minBase64: number;
  minHex: number;
  maxExtracted: number;
  maxIocs: number;
}

function config(task: ServiceTask): Config {
  const c = { ...manifest.config, ...task.serviceConfig } as Record<string, unknown>;
  const n = (k: string, d: number) => (Number.isFinite(Number(c[k])) && Number(c[k]) > 0 ? Number(c[k]) : d);
  return {
    maxBytes: Math.floor(n('max_size_mb', 3) * 1024 * 1024), minString: n('min_string_length', 6),
    minBase64: n('min_base64_length', 64), minHex: n('min_hex_length', 256), maxExtracted: n('max_extracted', 20),
    maxIocs: n('max_iocs', 1000),
  };
}

const cap = (values: Iterable<string>, max: number) => [...values].sort().slice(0, max);

function iocSections(iocs: Iocs, max: number, title: string, depth: number): OutputSection[] {
  const sections: OutputSection[] = [];
  const network: Record<string, string[]> = {};
  const put = (type: string, values: Iterable<string>) => {
    const list = cap(values, max);
    if (list.length) network[type] = list;
  };
  put('network.static.uri', iocs.uris);
  put('network.static.domain', iocs.domains);
  put('network.static.ip', iocs.publicIps);
  put('network.email.address', iocs.emails);
  if (Object.keys(network).length) {
    sections.push({
      title, depth, bodyFormat: 'KEY_VALUE', tags: network,
      body: Object.fromEntries(Object.entries(network).map(([k, v]) => [k.split('.').pop()!, v])),
    });
  }
  // Detail sections nest under the network section when there is one.
  const sub = sections.length ? depth + 1 : depth;
  if (iocs.otherIps.size) {
    // Private, loopback and reserved addresses say something about the sample but nothing to block on.
    sections.push({
      title: 'Non-public IP addresses', depth: sub, bodyFormat: 'KEY_VALUE',
      body: Object.fromEntries([...iocs.otherIps].sort().slice(0, max)),
    });
  }
  if (iocs.defanged.size) {
    sections.push({
      title: 'Defanged indicators', depth: sub, bodyFormat: 'KEY_VALUE',
      body: Object.fromEntries([...iocs.defanged].slice(0, max)),
    });
  }
  const host: Record<string, string[]> = {};
  if (iocs.paths.size) host['file.path'] = cap(iocs.paths, max);
  if (iocs.registryKeys.size) host['dynamic.registry_key'] = cap(iocs.registryKeys, max);
  if (Object.keys(host).length) {
    sections.push({
      title: 'Windows paths and registry keys', depth, bodyFormat: 'KEY_VALUE', tags: host,
      body: { paths: host['file.path'] ?? [], registry_keys: host['dynamic.registry_key'] ?? [] },
    });
  }
  return sections;
}

const EXT: Record<string, string> = {
  powershell: 'ps1', vbscript: 'vbs', javascript: 'js', shell: 'sh', batch: 'bat', html: 'html',
};

function childSection(d: Decoded, name: string, sha256: string): OutputSection {
  const how = d.encoding === 'xor' ? `XOR key 0x${d.key!.toString(16).padStart(2, '0')}` : d.encoding;
  const what = d.kind === 'pe' ? 'PE file' : `${d.language} script`;
  const heuristic: SectionHeuristic = d.encoding === 'xor' ? { id: 2, signatures: { xor_pe: 1 } }
    : d.kind === 'pe' ? (d.encoding === 'hex' ? { id: 5, signatures: { hex_pe: 1 } } : { id: 3, signatures: { base64_pe: 1 } })
      : { id: 1, signatures: { [`base64_${d.language}`]: 1 } };
  return {
    title: `${what} decoded from ${how} at offset 0x${d.offset.toString(16)}`,
    bodyFormat: 'KEY_VALUE',
    body: { name, size: d.data.length, sha256, encoding: d.encoding, ...(d.key ? { key: d.key } : {}) },
    heuristic,
    tags: d.kind === 'pe' ? { 'file.name.extracted': [name] } : undefined,
  };
}

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const cfg = config(task);
  const { buf } = await readHead(ctx.filePath, cfg.maxBytes);
  const truncated = task.fileInfo.size > buf.length;
  ctx.signal.throwIfAborted();

  const strings = [...asciiStrings(buf, cfg.minString), ...wideStrings(buf, cfg.minString)];
  const iocs = emptyIocs();
  for (const s of strings) findIocs(s.value, iocs);
  ctx.signal.throwIfAborted();

  const sections = iocSections(iocs, cfg.maxIocs, 'Indicators found in strings', 0);

  // Encoded payloads: base64 and hex look at the text view of the whole buffer so that wrapped lines stay together.
  const text = buf.toString('latin1');
  const decoded = [
    ...findBase64(text, cfg.minBase64, cfg.maxExtracted * 4),
    ...findHexPe(text, cfg.minHex, cfg.maxExtracted),
    ...findXorPe(buf, cfg.maxExtracted),
  ];
  ctx.signal.throwIfAborted();

  const extracted: ExtractedFile[] = [];
  const seen = new Set<string>([task.sha256]);
  const decodedIocs = emptyIocs();
  let decodedTextCount = 0;
  for (const d of decoded) {
    if (d.kind === 'text') {
      // Plain decoded text is not a file of its own, but the indicators in it are worth having.
      const t = asText(d.data);
      if (t !== undefined) {
        findIocs(t, decodedIocs);
        decodedTextCount++;
      }
      continue;
    }
    const sha256 = createHash('sha256').update(d.data).digest('hex');
    if (seen.has(sha256) || extracted.length >= cfg.maxExtracted) continue;
    seen.add(sha256);
    const ext = d.kind === 'pe' ? 'exe' : EXT[d.language!] ?? 'txt';
    const name = `${sha256.slice(0, 8)}_${d.encoding}_decoded.${ext}`;
    const path = join(ctx.workDir, name);
    await writeFile(path, d.data);
    extracted.push({ name, path, description: `${d.kind === 'pe' ? 'PE' : 'Script'} decoded from ${d.encoding}`, parentRelation: 'EXTRACTED' });
    sections.push(childSection(d, name, sha256));
  }

  const decodedSections = iocSections(decodedIocs, cfg.maxIocs, 'Indicators found in base64-decoded strings', 0);
  if (decodedSections.length) {
    decodedSections[0]!.heuristic = { id: 1, signatures: { base64_ioc: decodedTextCount } };
    sections.push(...decodedSections);
  }

  return {
    sections,
    extracted: extracted.length ? extracted : undefined,
    partial: truncated || undefined,
  };
}
