// Safelist: stops the analysis of files known to be safe. The worker has no datastore, so the service reads a
// snapshot of the safelisted files (see src/sdk/list-snapshot.ts) that the host writes and passes as
// `snapshot_path` (the manifest asks for `safelistSnapshot`); without one it lets every file through.
import type { ServiceContext, ServiceManifest, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { readListSnapshot, safelistVerdict } from '../../sdk/list-snapshot.js';

export const manifest: ServiceManifest = {
  name: 'Safelist',
  version: '1.0.0',
  stage: 'FILTER',
  category: 'Filtering',
  description: 'Checks the file hashes against the safelist and stops the analysis of safelisted files.',
  accepts: '.*',
  rejects: 'empty',
  timeoutSeconds: 10,
  memoryMb: 256,
  config: { snapshot_path: '' },
  host: { safelistSnapshot: 'snapshot_path' },
  heuristics: [],
};

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const path = String(task.serviceConfig.snapshot_path ?? '');
  if (!path) return { sections: [] };
  const match = safelistVerdict(task.fileInfo, readListSnapshot(path, 'safelist').items);
  if (!match) return { sections: [] };
  const { item, hash } = match;
  ctx.log(`${task.sha256} is safelisted by its ${hash}`);
  return {
    dropFile: true,
    sections: [{
      title: 'This file is safelisted',
      bodyFormat: 'KEY_VALUE',
      body: {
        matched_hash: hash,
        sources: item.sources.map((s) => s.name).join(', '),
        reasons: [...new Set(item.sources.flatMap((s) => s.reason))].join('; '),
      },
      classification: item.classification,
    }],
  };
}
