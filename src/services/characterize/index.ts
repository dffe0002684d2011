// Characterize: the file's entropy map (one Shannon entropy value per partition, drawn as a colour map) and
// file-name anomalies that disguise what a file really is: a bait extension followed by a launchable one, a
// Unicode bidirectional control that makes the real extension display reversed, and an extension that
// contradicts the identified type. Names and scores of the name checks follow Assemblyline's MetaPeek; their
// ids are offset by 100 so they never collide with Characterize's own shortcut heuristics (1-9).
import { open } from 'node:fs/promises';
import type { OutputSection, ServiceContext, ServiceManifest, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { shannonEntropy } from '../../sdk/hashes/file-hasher.js';
import { checkFileName, extensionTypeMismatch } from './names.js';

export const manifest: ServiceManifest = {
  name: 'Characterize',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'Partitions the file and calculates visual entropy for each partition; checks the file name for anomalies.',
  accepts: '.*',
  rejects: 'empty|metadata/.*',
  timeoutSeconds: 60,
  memoryMb: 256,
  config: { partitions: 50 },
  heuristics: [
    {
      id: 101, name: 'Too Many Whitespaces', score: 500, filetype: '.*',
      description: 'File name has too many whitespaces, possibly masking its actual extension.',
    },
    { id: 102, name: 'Double File Extension', score: 500, filetype: '.*', description: 'File name has two extensions.' },
    {
      id: 103, name: 'Hidden Launchable File Extension', score: 500, filetype: '.*', attack: ['T1036.002'],
      description: 'Launchable file extension is hidden using a Unicode bidirectional control.',
    },
    { id: 104, name: 'Empty Filename', score: 500, filetype: '.*', description: 'File name is empty or all whitespaces.' },
    {
      id: 105, name: 'Extension Type Mismatch', score: 250, filetype: '.*', attack: ['T1036.008'],
      description: 'The file extension announces one kind of file but the content is another (e.g. an executable named .pdf).',
      signatureScoreMap: { executable_disguised: 500 },
    },
  ],
};

/** Smallest partition: below 256 bytes a partition cannot hold every byte value, so its entropy reads low. */
const MIN_PARTITION = 256;
const CHUNK = 1 << 20;


/** Overall entropy and per-partition entropies, reading the file in chunks so large files stay cheap. */
export async function partitionEntropy(path: string, size: number, partitions: number, signal?: AbortSignal):
    Promise<{ entropy: number; parts: number[] }> {
  if (size === 0) return { entropy: 0, parts: [0] };
  const partSize = Math.max(MIN_PARTITION, Math.ceil(size / partitions));
  const total = new Uint32Array(256);
  let part = new Uint32Array(256);
  let inPart = 0;
  const parts: number[] = [];
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(CHUNK, size));
    let pos = 0;
    while (pos < size) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        const b = buf[i]!;
        total[b]!++;
        part[b]!++;
        if (++inPart === partSize) {
          parts.push(shannonEntropy(part, inPart));
          part = new Uint32Array(256);
          inPart = 0;
        }
      }
      pos += bytesRead;
    }
    if (inPart > 0) parts.push(shannonEntropy(part, inPart));
    return { entropy: shannonEntropy(total, pos), parts };
  } finally {
    await fh.close();
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const partitions = Number(task.serviceConfig.partitions ?? manifest.config!.partitions) || 50;
  const { entropy, parts } = await partitionEntropy(ctx.filePath, task.fileInfo.size, partitions, ctx.signal);
  const sections: OutputSection[] = [{
    title: `File entropy: ${round(entropy)}`,
    bodyFormat: 'GRAPH_DATA',
    body: { type: 'colormap', data: { domain: [0, 8], values: parts.map(round) } },
    promoteTo: 'ENTROPY',
  }];

  const { anomalies, visible } = checkFileName(task.fileName);
  const mismatch = extensionTypeMismatch(task.fileName, task.fileType);
  if (anomalies.length || mismatch) {
    sections.push({
      title: 'File Name Anomalies',
      body: visible === undefined ? `File name: ${task.fileName}` : `Displayed file name: ${visible}`,
      tags: { 'file.name.extracted': [task.fileName] },
    });
    for (const a of anomalies) {
      sections.push({
        title: a.title, body: a.detail, depth: 1, heuristic: { id: a.heuristic },
        tags: { 'file.name.anomaly': [a.anomaly], 'file.behavior': [a.behavior] },
      });
    }
    if (mismatch) {
      sections.push({
        title: 'Extension does not match the file type',
        body: `Extension .${mismatch.extension} announces ${mismatch.expected}, content identified as ${task.fileType}`,
        depth: 1,
        heuristic: { id: 105, signatures: { [mismatch.executable ? 'executable_disguised' : 'type_mismatch']: 1 } },
        tags: { 'file.name.anomaly': ['EXTENSION_TYPE_MISMATCH'], 'file.behavior': ['File extension does not match its content'] },
      });
    }
  }
  return { sections };
}
