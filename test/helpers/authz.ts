// Support for the authorization tests: principals (users and keys with chosen roles and groups), concrete paths
// for the route table's patterns, and the Assemblyline envelope checks of a refusal.
import assert from 'node:assert/strict';
import { Uint8ArrayWriter, TextReader, ZipWriter } from '@zip.js/zip.js';
import { ROLES } from '../../src/core/auth/roles.js';
import type { RouteEntry } from '../../src/api/route-table.js';
import type { Res, TestServer } from './server.js';

export type Headers = Record<string, string>;

/** A user in the given groups, with an API key holding exactly `roles` (all but administration by default). */
export async function principal(s: TestServer, uname: string, groups: string[], roles?: readonly string[]): Promise<Headers> {
  const all = ROLES.filter((r) => r !== 'administration');
  if (!(await s.ctx.accounts.getUser(uname))) {
    await s.ctx.accounts.createUser({ uname, name: uname, type: ['custom'], roles: [...all], groups, password: null } as never);
  }
  return keyFor(s, uname, roles ?? all);
}

let keys = 0;
export async function keyFor(s: TestServer, uname: string, roles: readonly string[]): Promise<Headers> {
  const key = await s.ctx.accounts.createApikey({ uname, keyName: `k${++keys}`, acl: ['C'], roles: [...roles] });
  return { 'x-user': uname, 'x-apikey': key.keypassword };
}

/** A concrete path for a route pattern: parameters get placeholders that pass the routes' schemas. */
export function concrete(url: string, values: Record<string, string> = {}): string {
  const fill: Record<string, string> = {
    sha256: '0'.repeat(64), qhash: '0'.repeat(64), hash: 'T1' + '0'.repeat(70), verdict: 'malicious', status: 'DEPLOYED',
    index: 'submission', field: 'id', username: 'zz-nobody', uname: 'zz-nobody', profile: 'default', nq: 'zz-queue', wq_id: 'D-zznone-WQ',
    ...values,
  };
  return url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => fill[name] ?? 'zz-none').replace(/\*$/, 'zz-none');
}

/** The API routes of a route table, without the HEAD twins of GET routes. */
export function apiRoutes(table: readonly RouteEntry[]): RouteEntry[] {
  return table.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD' && r.method !== 'OPTIONS');
}

export function assertEnvelope(r: Res, status: number, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.text.slice(0, 300)}`);
  assert.ok(r.body && typeof r.body === 'object', `${what}: not JSON`);
  assert.deepEqual(Object.keys(r.body).sort(), ['api_error_message', 'api_response', 'api_server_version', 'api_status_code'], what);
  assert.equal(r.body.api_status_code, status, what);
}

/** A zip whose one member Scorer finds evil (score 1000), so an ingest of it raises an alert. */
export async function evilZip(marker: string): Promise<Buffer> {
  const writer = new ZipWriter(new Uint8ArrayWriter());
  await writer.add('payload.txt', new TextReader(`EVIL payload ${marker} calling home to c2-${marker}.example\n`));
  return Buffer.from(await writer.close());
}
