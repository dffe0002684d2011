// What every route module receives, and the route options Assay adds to Fastify.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { AssayConfig } from '../config.js';
import type { Principal } from '../core/auth/authenticator.js';
import type { Role } from '../core/auth/roles.js';
import type { Dispatcher } from '../core/dispatch/dispatcher.js';
import type { ServiceRegistry } from '../core/dispatch/registry.js';
import type { WatchQueues } from '../core/dispatch/watch.js';
import type { Ingester } from '../core/ingest/ingester.js';
import type { IngestMessage } from '../core/ingest/message.js';
import type { NotificationQueues } from '../core/ingest/notifications.js';
import type { ListSync } from '../core/lists/sync.js';
import type { SearchEngine } from '../core/search/engine.js';
import type { InitOptions } from '../core/submission/init.js';
import type { SubmissionRecord } from '../core/submission/record.js';
import type { SubmissionViews } from '../core/submission/views.js';
import type { Collection } from '../store/datastore.js';
import type { Core } from '../core/core.js';
import type { FileService } from '../core/files/service.js';
import type { IngestService } from '../core/ingest/service.js';
import type { OntologyService } from '../core/ontology/service.js';
import type { ResultService } from '../core/results/service.js';
import type { Visibility } from '../core/search/visibility.js';
import type { SubmissionService } from '../core/submission/service.js';

/** The open storage and account services (see app.ts), plus the configuration and the analysis pipeline. */
export interface AppContext extends Omit<Core, 'close'> {
  config: AssayConfig;
  registry: ServiceRegistry;
  dispatcher: Dispatcher;
  watch: WatchQueues;
  ingester: Ingester;
  notifications: NotificationQueues<IngestMessage>;
  /** Safelist and badlist stores; edits go through `changed` so the analysis sees them at once. */
  lists: ListSync;
  submissions: Collection<SubmissionRecord>;
  views: SubmissionViews;
  /** Lucene search over every index, with the deployment's query limits. */
  search: SearchEngine;
  /** Options of the submission checks, for the ingest or the submit endpoint. */
  submitOptions(endpoint: 'ingest' | 'submit'): InitOptions;
  /** Whether a reader may see a file, result, error or alert by id: through a submission they may read. */
  visibility: Visibility;
  /** Submissions: reading, creating, resubmitting, deleting, verdicts and listings. */
  submissionService: SubmissionService;
  /** The ingest path and its notification queues. */
  ingestService: IngestService;
  /** Results and errors by key, and a file's results across submissions. */
  resultService: ResultService;
  /** Stored files: their records, views, downloads and purges. */
  fileService: FileService;
  /** Ontology records of submissions, alerts and files. */
  ontologyService: OntologyService;
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
