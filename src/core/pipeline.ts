// The analysis pipeline of one process: discovered services, the isolated worker pool that runs them, the
// dispatcher, and the ingester with its notification queues.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssayConfig } from '../config.js';
import type { Storage } from '../store/index.js';
import { Alerter } from './alerts/alerter.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { discoverServices } from './dispatch/discover.js';
import { DISPATCHER_SERVICE } from './dispatch/limit-report.js';
import { ServiceRegistry } from './dispatch/registry.js';
import { configureServices, hostDataValues, prepareHostData, type HostDataProviders } from './dispatch/service-config.js';
import { WatchQueues, type WatchMessage } from './dispatch/watch.js';
import type { FileIntake } from './files/file-intake.js';
import { DEFAULT_INGESTER_CONFIG, Ingester } from './ingest/ingester.js';
import type { IngestMessage } from './ingest/message.js';
import { NotificationQueues } from './ingest/notifications.js';
import { heuristicRecords } from './results/heuristics.js';
import type { HeuristicRecord } from './results/model.js';
import { analysisRecords } from './records.js';
import { queryLimits } from './search/limits.js';
import { ListSync } from './lists/sync.js';
import { ServicePool } from './runtime/index.js';
import { rulesDir, SignatureStore } from './signatures/store.js';

/** Built-in analysers live next to this file's sibling folder, in sources and in the compiled tree alike. */
export const BUILTIN_SERVICES_DIR = fileURLToPath(new URL('../services/', import.meta.url));

interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface Pipeline {
  registry: ServiceRegistry;
  dispatcher: Dispatcher;
  watch: WatchQueues;
  ingester: Ingester;
  notifications: NotificationQueues<IngestMessage>;
  pool: ServicePool;
  lists: ListSync;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function openPipeline(config: AssayConfig, storage: Storage, intake: FileIntake, tmpDir: string, log: Logger): Promise<Pipeline> {
  const ds = storage.datastore;
  const lists = new ListSync(ds, join(config.dataDir, 'lists'), config.lists.tagSafelist);
  // What the host keeps current for the services that declare they need it (`host` in their manifests).
  const hostData: HostDataProviders = {
    // Deployed YARA rules are written out here, and again by the signature API on every change.
    yaraRules: { value: rulesDir(config.dataDir), prepare: () => new SignatureStore(ds).exportActive(rulesDir(config.dataDir)) },
    // The list snapshots are rewritten on every list change (see ListSync), and written below in any case.
    safelistSnapshot: { value: lists.snapshotPath('safelist') },
    badlistSnapshot: { value: lists.snapshotPath('badlist') },
  };
  const found = await discoverServices([...(config.services.builtin ? [BUILTIN_SERVICES_DIR] : []), ...config.services.paths]);
  // The deployment's settings of each service go over its manifest's defaults.
  const registry = new ServiceRegistry(configureServices(found, config.services.config, hostDataValues(hostData)));
  for (const name of Object.keys(config.services.config)) {
    if (!registry.get(name)) log.warn({ service: name }, 'configuration given for a service that is not loaded');
  }
  await prepareHostData(hostData, registry.all().map((s) => s.manifest));
  await lists.refreshAll();
  const heuristics = new Map<string, HeuristicRecord>();
  const records = analysisRecords(ds);
  const heurCol = records.heuristics;
  // The dispatcher's own heuristic (a limit cut the analysis short) is scored like any analyser's.
  for (const manifest of [...registry.all().map((s) => s.manifest), DISPATCHER_SERVICE]) {
    for (const h of heuristicRecords(manifest)) {
      heuristics.set(h.heur_id, h);
      // Keep hit statistics gathered so far; the definition itself follows the manifest.
      await heurCol.update(h.heur_id, (cur) => ({ ...h, stats: cur?.stats ?? h.stats }));
    }
  }
  // Analysers parse hostile input: they get no credentials from this process's environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^ASSAY_ADMIN_|SECRET|PASSWORD|TOKEN|APIKEY/i.test(k)));
  const pool = new ServicePool({
    size: config.services.workers ?? undefined,
    defaultMemoryMb: config.services.defaultMemoryMb,
    memoryCeilingMb: config.services.memoryCeilingMb,
    idleWorkerMs: config.services.workerIdleSeconds * 1000,
    logger: log,
    env,
  });
  const dispatcher = new Dispatcher(
    ds,
    registry,
    {
      results: records.results,
      emptyResults: records.emptyResults,
      errors: records.errors,
      files: intake.files,
      filestore: storage.filestore,
      intake,
      executor: pool,
      heuristics,
      safelist: () => lists.resultSafelist(),
      tmpDir,
    },
    { maxExtractionDepth: config.submission.maxExtractionDepth, maxExtractedBytes: config.submission.maxExtractedBytes },
    log,
  );
  const notifications = new NotificationQueues<IngestMessage>(storage.queues.messageLists<IngestMessage>('nq'));
  const alerter = new Alerter(ds, config.submission.verdicts, queryLimits(config));
  const ingester = new Ingester(
    ds,
    notifications,
    dispatcher,
    {
      // Sensors send the same file again and again: asking first is cheaper than writing it again.
      storeContent: async (sha256, bytes) => {
        if (!(await storage.filestore.exists(sha256))) await storage.filestore.put(sha256, bytes, { verified: true });
      },
      prepareFile: async (file, p) => {
        await intake.recordStored(file.sha256, { name: file.name, classification: p.classification, ttlDays: p.ttl, ignoreSize: true });
      },
      onFinalized: async (msg, sub) => {
        await alerter.onIngestFinalized(msg, sub);
      },
    },
    { ...DEFAULT_INGESTER_CONFIG, ...config.ingester, maxFileSize: config.submission.maxFileSize },
    log,
  );
  const watch = new WatchQueues(storage.queues.messageLists<WatchMessage>('wq'), dispatcher, (sid) => dispatcher.isRunning(sid));
  return {
    registry,
    dispatcher,
    watch,
    ingester,
    notifications,
    pool,
    lists,
    async start() {
      await ingester.start();
      // Submissions interrupted by a stop: the ingester resumes its own; the rest are resumed here.
      const resumed = await dispatcher.resumeUnfinished((sid) => ingester.owns(sid));
      if (resumed) log.info({ resumed }, 'resumed unfinished submissions');
    },
    async stop() {
      // Interrupted analyses are left unfinished (not failed) so the next start resumes them.
      const settled = ingester.stop();
      dispatcher.stop();
      await pool.close();
      await settled;
    },
  };
}
