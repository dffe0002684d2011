// /api/v4/badlist/: hashes and tags known to be malicious, with their attribution, plus lookups of files that
// are similar to badlisted ones by ssdeep or TLSH.
import { Type } from '@sinclair/typebox';
import { badRequest } from '../core/errors.js';
import type { ApiApp, AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';
import { registerListRoutes } from './safelist.js';

const Threshold = Type.Object({ threshold: Type.Optional(Type.String({ description: 'ssdeep: minimum score 0-100; tlsh: maximum distance' })) });

function threshold(raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest(`threshold must be an integer between ${min} and ${max}`, {});
  return n;
}

export default async function badlistRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const store = ctx.lists.badlist;

  // ssdeep digests are base64 and may contain '/', so the digest is the rest of the path.
  app.get(
    '/api/v4/badlist/ssdeep/*',
    {
      schema: {
        tags: ['badlist'], summary: 'Badlisted files whose ssdeep is similar to the given one, most similar first',
        querystring: Threshold, response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: ['badlist_view'] } },
    },
    async (req, res) => {
      let digest = (req.params as { '*': string })['*'] ?? '';
      // The route is written with a trailing slash; it is not part of the digest.
      if (digest.endsWith('/')) digest = digest.slice(0, -1);
      if (!digest) throw badRequest('You must provide an ssdeep value', {});
      const min = threshold((req.query as { threshold?: string }).threshold, 0, 100);
      return reply(res, await store.similarSsdeep(digest, min));
    },
  );

  app.get(
    '/api/v4/badlist/tlsh/:hash/',
    {
      schema: {
        tags: ['badlist'], summary: 'Badlisted files whose TLSH is close to the given one, closest first',
        params: Type.Object({ hash: Type.String() }), querystring: Threshold, response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: ['badlist_view'] } },
    },
    async (req, res) => {
      const max = threshold((req.query as { threshold?: string }).threshold, 0, 2000);
      return reply(res, await store.similarTlsh((req.params as { hash: string }).hash, max));
    },
  );

  registerListRoutes(app, ctx.lists, 'badlist');
}
