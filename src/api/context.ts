// What every route module receives, and the route options Assay adds to Fastify.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { AssayConfig } from '../config.js';
import type { AlertService } from '../core/alerts/service.js';
import type { Workflows } from '../core/alerts/workflows.js';
import type { Principal } from '../core/auth/authenticator.js';
import type { Role } from '../core/auth/roles.js';
import type { ServiceCatalogue } from '../core/catalogue/services.js';
import type { Dispatcher } from '../core/dispatch/dispatcher.js';
import type { ServiceRegistry } from '../core/dispatch/registry.js';
import type { WatchQueues } from '../core/dispatch/watch.js';
import type { HeuristicService } from '../core/heuristics/service.js';
import type { Ingester } from '../core/ingest/ingester.js';
import type { IngestMessage } from '../core/ingest/message.js';
import type { NotificationQueues } from '../core/ingest/notifications.js';
import type { ListService } from '../core/lists/service.js';
import type { ListSync } from '../core/lists/sync.js';
import type { SearchEngine } from '../core/search/engine.js';
import type { SignatureStore } from '../core/signatures/store.js';
import type { InitOptions } from '../core/submission/init.js';
import type { SubmissionViews } from '../core/submission/views.js';
import type { Health } from '../core/system/health.js';
import type { ApikeyService } from '../core/users/apikey-service.js';
import type { UserService } from '../core/users/user-service.js';
import type { Core } from '../core/core.js';
import type { FileService } from '../core/files/service.js';
import type { IngestService } from '../core/ingest/service.js';
import type { OntologyService } from '../core/ontology/service.js';
import type { ResultService } from '../core/results/service.js';
import type { Visibility } from '../core/search/visibility.js';
import type { SubmissionService } from '../core/submission/service.js';

/**
 * The account services (see app.ts), plus the configuration, the analysis pipeline and the core services the
 * routes call. Storage itself is not here: route modules reach records only through core services.
 */
export interface AppContext extends Omit<Core, 'close' | 'storage'> {
  config: AssayConfig;
  registry: ServiceRegistry;
  dispatcher: Dispatcher;
  watch: WatchQueues;
  ingester: Ingester;
  notifications: NotificationQueues<IngestMessage>;
  /** Safelist and badlist stores; edits go through `changed` so the analysis sees them at once. */
  lists: ListSync;
  /** The safelist and badlist items as the API reads and edits them (edits pass through `lists`). */
  listItems: ListService;
  views: SubmissionViews;
  /** Lucene search over every index, with the deployment's query limits. */
  search: SearchEngine;
  /** Alert listings and triage, within what each caller may see. */
  alerts: AlertService;
  /** Saved alert queries that triage alerts; their queries are held to the same limits as searches. */
  workflows: Workflows;
  /** Detection rules; every change is written out for the YARA analyser before it is answered. */
  signatures: SignatureStore;
  /** The services this deployment runs, as the service API and help pages present them. */
  catalogue: ServiceCatalogue;
  /** Heuristics with statistics of the results that raised them. */
  heuristics: HeuristicService;
  /** Options of the submission checks, for the ingest or the submit endpoint. */
  submitOptions(endpoint: 'ingest' | 'submit'): InitOptions;
  /** Account management: users, their settings and the whoami document. */
  users: UserService;
  /** API keys: who may make, read or delete whose. */
  apikeys: ApikeyService;
  /** Readiness of this process (storage answering). */
  health: Health;
  /** Whether a reader may see a file, result, error or alert by id: through a submission they may read. */
  visibility: Visibility;
  /** Submissions: reading, creating, resubmitting, deleting, verdicts and listings. */
  submissions: SubmissionService;
  /** The ingest path and its notification queues. */
  ingest: IngestService;
  /** Results and errors by key, and a file's results across submissions. */
  results: ResultService;
  /** Stored files: their records, views, downloads and purges. */
  files: FileService;
  /** Ontology records of submissions, alerts and files. */
  ontology: OntologyService;
  logger: FastifyBaseLogger;
}

/**
 * The Fastify instance route modules register on. With the TypeBox type provider, a route's schema types its
 * handler's params, query and body, so handlers read checked values without casts.
 */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Who may call a route. Every /api route must declare one. */
export interface RouteAuth {
  /** Any one of these roles is enough. An empty list means any signed-in user. */
  roles: Role[];
  /** Reachable without signing in (login, health). */
  anonymous?: boolean;
  /** Enforce the XSRF header for password sessions on state-changing methods (default true). */
  xsrf?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Accept a body that is not JSON even when it is labelled application/json (YAML, raw bytes). */
    rawBody?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The caller as a submitter: identity, roles and their saved submission settings. */
export async function submitterOf(ctx: AppContext, p: Principal) {
  const settings = await ctx.settings.get(p.user.uname);
  return { ...p.user, roles: p.roles, profiles: settings.submission_profiles, defaultMetadata: settings.default_metadata };
}

export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new Error('route reached without authentication');
  return req.principal;
}
