// Per-analyser cost: every built-in analyser run in-process on every strelka corpus file it accepts, timed
// around `execute` (the worker-process overhead, about 1 ms a task, is measured by the runtime tests).
//
//   npx tsx bench/services.ts [--passes 3]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { discoverServices } from '../src/core/dispatch/discover.js';
import { ServiceRegistry } from '../src/core/dispatch/registry.js';
import { BUILTIN_SERVICES_DIR } from '../src/core/pipeline.js';
import { defaultParams } from '../src/core/submission/params.js';
import { DescribePool } from '../src/core/files/describe-pool.js';
import type { ServiceModule, ServiceTask } from '../src/sdk/index.js';
import { percentile, ROOT } from './lib.js';

const { values: o } = parseArgs({ options: { passes: { type: 'string', default: '3' } } });
const corpus = join(ROOT, '..', 'shared', 'corpus', 'strelka-fixtures');
const files = readdirSync(corpus).filter((f) => f !== 'LICENSE' && statSync(join(corpus, f)).isFile());
const registry = new ServiceRegistry(await discoverServices([BUILTIN_SERVICES_DIR]));
const describer = new DescribePool();
const facts = new Map(await Promise.all(files.map(async (f) => [f, await describer.describe(join(corpus, f), f)] as const)));
await describer.close();
console.log(`${files.length} corpus files; ${registry.all().length} analysers; ${cpus().length} cores (${cpus()[0]?.model}); node ${process.version}`);

for (const svc of registry.all()) {
  const mod = (await import(svc.modulePath)) as ServiceModule;
  const times: number[] = [];
  let files_ = 0;
  for (let pass = 0; pass <= Number(o.passes); pass++) {
    for (const f of files) {
      const info = facts.get(f)!;
      const params = defaultParams('TLP:C', 1);
      if (!registry.schedule(info.type, { ...params, services: { ...params.services, selected: [svc.manifest.name] } }).length) continue;
      const workDir = mkdtempSync(join(tmpdir(), 'assay-bench-svc-'));
      const task: ServiceTask = {
        sid: 'bench',
        sha256: info.sha256,
        fileType: info.type,
        fileName: f,
        fileInfo: { md5: info.md5, sha1: info.sha1, sha256: info.sha256, size: info.size, type: info.type, magic: info.magic, mime: info.mime, ssdeep: info.ssdeep, tlsh: info.tlsh },
        depth: 0,
        maxFiles: 500,
        deepScan: false,
        ignoreCache: true,
        serviceConfig: { ...(svc.manifest.config ?? {}) },
        tempSubmissionData: {},
        tags: [],
        metadata: {},
      };
      const t0 = performance.now();
      try {
        await mod.execute(task, { filePath: join(corpus, f), workDir, signal: new AbortController().signal, log: () => undefined });
      } catch {
        // a failure still took its time; the analyser's own tests cover its errors
      }
      if (pass > 0) times.push(performance.now() - t0); // pass 0 warms up
      rmSync(workDir, { recursive: true, force: true });
      if (pass === 1) files_++;
    }
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length);
  console.log(
    `${svc.manifest.name.padEnd(16)} ${String(files_).padStart(4)} files  mean ${mean.toFixed(1)} ms  p50 ${percentile(times, 0.5).toFixed(1)} ms  p99 ${percentile(times, 0.99).toFixed(1)} ms per file`,
  );
}
