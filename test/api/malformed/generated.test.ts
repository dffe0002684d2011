// Malformed requests generated from the server's own route table, so every route added later is covered
// without anyone listing it: an overlong or undecodable path parameter, a method the path does not take, no
// credentials, and a broken or over-deep JSON body for every route that takes one.
import { describe } from 'node:test';
import { routeTable, type RouteEntry } from '../../../src/api/route-table.js';
import { BAD_JSON, JSON_TYPE, malformedServer, nested, table, type Case } from './harness.js';

const MAX_PARAM = 300;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** The route's path with its parameters (and wildcard) filled in; `pick` chooses the value of parameter i. */
function fill(url: string, pick: (i: number) => string): string {
  let i = 0;
  return url.replace(/:[A-Za-z0-9_]+|\*/g, () => pick(i++));
}

/** The paths a route matches: a parameter is one segment, the wildcard the rest of the path. */
function routePattern(url: string): RegExp {
  const parts = url.split(/(:[A-Za-z0-9_]+|\*)/).map((p) => (p === '*' ? '.*' : p.startsWith(':') ? '[^/]+' : p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('')}$`);
}

describe('malformed requests generated from the route table', () => {
  const srv = malformedServer({ config: { server: { maxParamLength: MAX_PARAM, bodyLimit: 256 * 1024 } } });
  const routes = (): RouteEntry[] => routeTable(srv.s.app).filter((r) => r.url.startsWith('/api') && r.method !== 'HEAD' && r.method !== 'OPTIONS');
  const withParams = () => routes().filter((r) => r.url.includes(':'));

  table('every path parameter longer than server.maxParamLength is a 414', srv, () =>
    withParams().map((r): Case => ({
      method: r.method,
      path: fill(r.url, (i) => (i === 0 ? 'a'.repeat(MAX_PARAM + 1) : 'x')),
      status: 414,
      message: `longer than the ${MAX_PARAM} characters allowed (server.maxParamLength)`,
    })),
  );

  table('every path parameter that does not percent-decode is a 400', srv, () =>
    withParams().map((r): Case => ({ method: r.method, path: fill(r.url, (i) => (i === 0 ? '%E0%A4%A' : 'x')), status: 400, message: 'does not decode' })),
  );

  table('every API path answers a method no route takes for it with a 405', srv, () => {
    // A path may match another route's pattern under another method (POST /user/whoami/ is a user update),
    // so the method chosen is one that no route pattern accepts for this path.
    const patterns = routes().map((r) => ({ method: r.method, re: routePattern(r.url) }));
    const paths = new Set(routes().map((r) => fill(r.url, () => 'x')));
    return [...paths].flatMap((path) => {
      const taken = new Set(patterns.filter((p) => p.re.test(path)).map((p) => p.method));
      const other = METHODS.find((m) => !taken.has(m));
      return other ? [{ method: other, path, status: 405, message: `Method ${other} is not allowed` }] : [];
    });
  });

  table('every route that needs a signed-in caller answers 401 without credentials', srv, () =>
    routes()
      .filter((r) => !r.auth?.anonymous)
      .map((r): Case => ({ method: r.method, path: fill(r.url, () => 'x'), as: 'anon', status: 401, message: 'Session not found' })),
  );

  const bodied = () => routes().filter((r) => r.method === 'POST' || r.method === 'PUT');

  table('every route taking a body answers broken JSON with the Assemblyline 400', srv, () =>
    bodied().map((r): Case => ({ method: r.method, path: fill(r.url, () => 'x'), headers: JSON_TYPE, body: '{"a": [1, 2', status: 400, message: BAD_JSON })),
  );

  table('every route taking a body refuses JSON nested past server.maxJsonDepth', srv, () =>
    bodied().map((r): Case => ({ method: r.method, path: fill(r.url, () => 'x'), headers: JSON_TYPE, body: `{"a":${nested(3000)}}`, status: 400, message: 'server.maxJsonDepth' })),
  );

  table('every route taking a body refuses a body larger than server.bodyLimit', srv, () =>
    bodied().map((r): Case => ({
      method: r.method,
      path: fill(r.url, () => 'x'),
      headers: JSON_TYPE,
      body: JSON.stringify({ pad: 'x'.repeat(1 << 20) }),
      status: 413,
      message: 'server.bodyLimit',
    })),
  );
});
