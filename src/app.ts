// Assembles a running Assay: storage, accounts and authentication, the HTTP server, background chores, and an
// orderly shutdown. The CLI and the tests both start Assay through here.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { AssayConfig } from './config.js';
import { Accounts } from './core/auth/accounts.js';
import { AlertService } from './core/alerts/service.js';
import { Workflows } from './core/alerts/workflows.js';
import { Authenticator } from './core/auth/authenticator.js';
import { ensureFirstAdmin, type FirstStartCredentials } from './core/auth/first-start.js';
import { Sessions } from './core/auth/sessions.js';
import { LoginThrottle } from './core/auth/throttle.js';
import { UserSettingsStore } from './core/auth/user-settings.js';
import { UNRESTRICTED } from './core/auth/accounts.js';
import { ServiceCatalogue } from './core/catalogue/services.js';
import { FileIntake } from './core/files/file-intake.js';
import { HeuristicService } from './core/heuristics/service.js';
import { ListService } from './core/lists/service.js';
import { FileService } from './core/files/service.js';
import { IngestService } from './core/ingest/service.js';
import { OntologyService } from './core/ontology/service.js';
import { ResultService } from './core/results/service.js';
import { Visibility } from './core/search/visibility.js';
import type { InitOptions } from './core/submission/init.js';
import { SubmissionService } from './core/submission/service.js';
import type { Core } from './core/core.js';
import { openPipeline } from './core/pipeline.js';
import { analysisRecords } from './core/records.js';
import { SearchEngine } from './core/search/engine.js';
import { queryLimits } from './core/search/limits.js';
import { rulesDir, SignatureStore } from './core/signatures/store.js';
import { SubmissionViews } from './core/submission/views.js';
import { Health } from './core/system/health.js';
import { ApikeyService } from './core/users/apikey-service.js';
import { UserService } from './core/users/user-service.js';
import { openEmbeddedStorage, type Storage } from './store/index.js';
import type { AppContext } from './api/context.js';
import { buildServer } from './api/server.js';
import { loadOrCreateCertificate } from './api/tls.js';

/** Log lines never carry credentials: key headers, cookies and password fields are masked. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers["x-apikey"]',
          'req.headers.cookie',
          'req.headers.authorization',
          'req.headers["x-xsrf-token"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.apikey',
          '*.new_pass',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Storage and the account services, without HTTP; the CLI's offline commands use this directly. */
export async function openCore(config: AssayConfig): Promise<Core> {
  const storage = await openEmbeddedStorage(config.dataDir);
  const accounts = new Accounts(storage.datastore);
  const sessions = new Sessions(storage.datastore, config.auth.sessionDurationSeconds);
  const throttle = new LoginThrottle(config.auth.maxFailures, config.auth.failureTtlSeconds);
  const authenticator = new Authenticator(accounts, sessions, throttle, config.auth);
  const tmpDir = join(config.dataDir, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const intake = new FileIntake(storage.datastore, storage.filestore, {
    tmpDir,
    maxFileSize: config.submission.maxFileSize,
    defaultClassification: UNRESTRICTED,
    defaultTtlDays: config.submission.dtl,
    describeIdleMs: config.services.workerIdleSeconds * 1000,
  });
  return {
    storage,
    accounts,
    sessions,
    authenticator,
    intake,
    settings: new UserSettingsStore(storage.datastore),
    tmpDir,
    async close() {
      await intake.close();
      await storage.close();
    },
  };
}

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  port: number;
  firstStart: FirstStartCredentials | null;
  /** The open storage, for embedding code and tests that inspect records directly; route modules never see it. */
  storage: Storage;
  certPath?: string;
  close(): Promise<void>;
}

export async function startServer(
  config: AssayConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  /** Extra routes to mount before listening (embedding and tests). */
  extraRoutes?: (app: FastifyInstance, ctx: AppContext) => void | Promise<void>,
): Promise<RunningServer> {
  const core = await openCore(config);
  const firstStart = await ensureFirstAdmin(core.accounts, env);
  const tls = config.server.http
    ? undefined
    : await loadOrCreateCertificate(config.dataDir, config.ui.fqdn, config.server.cert, config.server.key);
  const pipeline = await openPipeline(config, core.storage, core.intake, core.tmpDir, logger);
  const records = analysisRecords(core.storage.datastore);
  const search = new SearchEngine(core.storage.datastore, queryLimits(config));
  const submitOptions = (endpoint: 'ingest' | 'submit'): InitOptions => ({
    endpoint,
    intake: core.intake,
    tmpDir: core.tmpDir,
    maxFileSize: config.submission.maxFileSize,
    ttl: config.submission.dtl,
    maxDtl: config.submission.maxDtl,
    allowUrlSubmissions: config.ui.allowUrlSubmissions,
    urlServices: config.ui.urlSubmissionAutoServiceSelection,
    urlSchemes: config.ui.urlSubmissionSchemes,
    metadata: {
      maxDepth: config.server.maxJsonDepth,
      maxBytes: config.submission.maxMetadataBytes,
      maxValueLength: config.submission.maxMetadataLength,
    },
  });
  const visibility = new Visibility(
    { submissions: records.submissions, guarded: { file: core.intake.files, result: records.results, error: records.errors, alert: records.alerts } },
    pipeline.dispatcher.events,
  );
  // Services get the configuration sections themselves, not copies: they read a setting when they use it.
  const fileService = new FileService(core.intake, core.storage.filestore, visibility, config.ui);
  const resultService = new ResultService(records, visibility, config.submission);
  const views = new SubmissionViews({ results: records.results, errors: records.errors, files: core.intake.files }, config.submission);
  const submissionService = new SubmissionService(
    { submissions: records.submissions, views, files: fileService, visibility, analysis: pipeline.dispatcher },
    { settings: config.submission, initOptions: submitOptions },
  );
  const ctx: AppContext = {
    config,
    accounts: core.accounts,
    sessions: core.sessions,
    authenticator: core.authenticator,
    intake: core.intake,
    settings: core.settings,
    tmpDir: core.tmpDir,
    registry: pipeline.registry,
    dispatcher: pipeline.dispatcher,
    watch: pipeline.watch,
    ingester: pipeline.ingester,
    notifications: pipeline.notifications,
    lists: pipeline.lists,
    listItems: new ListService(pipeline.lists),
    views,
    search,
    alerts: new AlertService(records.alerts, search),
    workflows: new Workflows(records, search.limits),
    signatures: new SignatureStore(core.storage.datastore, { rulesDir: rulesDir(config.dataDir) }),
    catalogue: new ServiceCatalogue(pipeline.registry, core.intake.files),
    heuristics: new HeuristicService(records),
    // Saved default metadata is held to the limits a submission's metadata is.
    users: new UserService(core, config, () => submitOptions('submit').metadata),
    apikeys: new ApikeyService(core.accounts, config.auth.apikeyMaxDtl),
    health: new Health(core.storage.datastore),
    submitOptions,
    visibility,
    submissions: submissionService,
    ingest: new IngestService(submissionService, pipeline.ingester, pipeline.notifications, records.ingests),
    results: resultService,
    files: fileService,
    ontology: new OntologyService(records, submissionService, resultService, fileService, config.ui),
    logger,
  };
  const app = await buildServer(ctx, { logger, https: tls ? { key: tls.key, cert: tls.cert } : undefined });
  await extraRoutes?.(app, ctx);
  await pipeline.start();
  await app.listen({ host: config.server.host, port: config.server.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.server.port;
  const scheme = tls ? 'https' : 'http';
  const shownHost = ['0.0.0.0', '::'].includes(config.server.host) ? 'localhost' : config.server.host;
  const url = `${scheme}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

  const sweeper = setInterval(() => {
    core.sessions.purgeExpired().catch((err) => logger.warn({ err }, 'session sweep failed'));
  }, 60_000);
  sweeper.unref();

  let closing: Promise<void> | undefined;
  return {
    app,
    ctx,
    url,
    port,
    firstStart,
    storage: core.storage,
    certPath: tls?.certPath,
    close: () =>
      (closing ??= (async () => {
        clearInterval(sweeper);
        await app.close();
        await pipeline.stop();
        await core.close();
      })()),
  };
}
