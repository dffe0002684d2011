// The table of every route the server registered, with who may call it, read at run time: the authorization
// tests walk it so that a route added later is checked without anyone listing it, and operators can audit it.
import type { FastifyInstance } from 'fastify';
import type { RouteAuth } from './context.js';

export interface RouteEntry {
  method: string;
  url: string;
  /** The route's declared access; undefined for routes outside /api (docs, health). */
  auth: RouteAuth | undefined;
}

const tables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Start recording; call before any route is registered (routes added earlier are not seen). */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      table.push({ method, url: route.url, auth: route.config?.auth });
    }
  });
}

/** Every recorded route, in registration order (HEAD twins of GET routes included). */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  const table = tables.get(app);
  if (!table) throw new Error('routes were not recorded for this server');
  return table;
}
