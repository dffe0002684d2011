// Badlist: flags files known to be malicious, with the attribution recorded on the badlist item. Like the
// Safelist service it reads the snapshot the host writes (src/sdk/list-snapshot.ts) from `snapshot_path`, here
// the one its manifest asks for as `badlistSnapshot`.
import type { ServiceContext, ServiceManifest, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { ATTRIBUTION_KEYS, badlistVerdict, readListSnapshot } from '../../sdk/list-snapshot.js';

export const manifest: ServiceManifest = {
  name: 'Badlist',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'Checks the file hashes against the badlist and marks badlisted files as malicious.',
  accepts: '.*',
  rejects: 'empty',
  timeoutSeconds: 10,
  memoryMb: 256,
  config: { snapshot_path: '' },
  host: { badlistSnapshot: 'snapshot_path' },
  heuristics: [
    { id: 1, name: 'Badlisted File', score: 1000, filetype: '.*', description: 'This file is in the list of known bad files.', maxScore: 1000 },
  ],
};

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const path = String(task.serviceConfig.snapshot_path ?? '');
  if (!path) return { sections: [] };
  const match = badlistVerdict(task.fileInfo, readListSnapshot(path, 'badlist').items);
  if (!match) return { sections: [] };
  const { item, hash } = match;
  ctx.log(`${task.sha256} is badlisted by its ${hash}`);
  const tags: Record<string, string[]> = {};
  for (const key of ATTRIBUTION_KEYS) {
    const values = item.attribution?.[key];
    if (values?.length) tags[`attribution.${key}`] = values;
  }
  return {
    sections: [{
      title: 'This file is badlisted',
      bodyFormat: 'KEY_VALUE',
      body: {
        matched_hash: hash,
        sources: item.sources.map((s) => s.name).join(', '),
        reasons: [...new Set(item.sources.flatMap((s) => s.reason))].join('; '),
      },
      heuristic: { id: 1 },
      tags,
      classification: item.classification,
    }],
  };
}
