// What every route module receives, and the route options Assay adds to Fastify.
import type { FastifyBaseLogger } from 'fastify';
import type { AssayConfig } from '../config.js';
import type { Storage } from '../store/index.js';
import type { Accounts } from '../core/auth/accounts.js';
import type { Authenticator, Principal } from '../core/auth/authenticator.js';
import type { Sessions } from '../core/auth/sessions.js';
import type { Role } from '../core/auth/roles.js';
import type { FileIntake } from '../core/files/file-intake.js';

export interface AppContext {
  config: AssayConfig;
  storage: Storage;
  accounts: Accounts;
  sessions: Sessions;
  authenticator: Authenticator;
  intake: FileIntake;
  logger: FastifyBaseLogger;
}

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

export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new Error('route reached without authentication');
  return req.principal;
}
