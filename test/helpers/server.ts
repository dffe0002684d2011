// Starts a real Assay server on a loopback port with a throw-away data dir, for tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createLogger, startServer, type RunningServer } from '../../src/app.js';
import type { AppContext } from '../../src/api/context.js';
import { deepMerge, loadConfig, type AssayConfig } from '../../src/config.js';

export const ADMIN_PASSWORD = 'admin-test-password';
export const ADMIN_APIKEY = 'testkey:s3cret-Test-Key-0123456789';

export interface TestServer extends RunningServer {
  config: AssayConfig;
  dataDir: string;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  https?: boolean;
  config?: Record<string, unknown>;
  /** Register extra routes before listening (e.g. a route that throws, or a route module under test). */
  routes?: (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;
  dataDir?: string;
  /** Where log lines go (default: nowhere). */
  logLevel?: string;
  logStream?: NodeJS.WritableStream;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'assay-test-'));
  const config = loadConfig({
    env: {},
    configFile: undefined,
    overrides: deepMerge(
      // Pipeline tests bring their own analysers, so their scores are known; built-in analysers have their own tests.
      // No memory ceiling: this server shares its process with the test runner (and other test servers), whose
      // memory the ceiling would count as the server's; test/pipeline/resource-bounds.test.ts runs one apart.
      {
        dataDir,
        // Every answer is checked against its response schema: a field the schema would drop fails the test.
        server: { host: '127.0.0.1', port: 0, http: !opts.https, logLevel: 'silent', checkResponses: true },
        services: { builtin: false, memoryCeilingMb: 0 },
      },
      opts.config ?? {},
    ),
  });
  const logger = createLogger(opts.logLevel ?? 'silent', opts.logStream as never);
  const server = await startServer(config, logger, {
    ASSAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ASSAY_ADMIN_APIKEY: ADMIN_APIKEY,
  }, opts.routes);
  return {
    ...server,
    config,
    dataDir,
    async stop() {
      await server.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Res {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** fetch + JSON decode, for plain-HTTP test servers. */
export async function call(base: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<Res> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const r = await fetch(base + path, { ...init, headers, body });
  const text = await r.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

export const adminHeaders = { 'x-user': 'admin', 'x-apikey': ADMIN_APIKEY };

/** Polls a submission as the admin until it is completed or `timeoutMs` has passed; returns the last record seen. */
export async function waitForSubmission(base: string, sid: string, timeoutMs: number, pollMs = 200): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const sub = (await call(base, `/api/v4/submission/${sid}/`, { headers: adminHeaders })).body.api_response;
    if (sub?.state === 'completed' || Date.now() >= until) return sub;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
