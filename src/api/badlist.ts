// /api/v4/badlist/: hashes and tags known to be malicious, with their attribution, plus lookups of files that
// are similar to badlisted ones by ssdeep or TLSH.
import { Type } from '@sinclair/typebox';
import type { ApiApp, AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { registerListRoutes } from './safelist.js';
import { SsdeepMatches, TlshMatches } from './schemas/lists.js';

const Threshold = Type.Object({ threshold: Type.Optional(Type.String({ description: 'ssdeep: minimum score 0-100; tlsh: maximum distance' })) });

export default async function badlistRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const lists = ctx.listItems;

  // ssdeep digests are base64 and may contain '/', so the digest is the rest of the path.
  app.get(
    '/api/v4/badlist/ssdeep/*',
    {
      schema: {
        tags: ['badlist'], summary: 'Badlisted files whose ssdeep is similar to the given one, most similar first',
        params: Type.Object({ '*': Type.String() }), querystring: Threshold, response: { 200: Enveloped(SsdeepMatches) },
      },
      config: { auth: { roles: ['badlist_view'] } },
    },
    async (req, res) => {
      // The route is written with a trailing slash; it is not part of the digest.
      const digest = req.params['*'].replace(/\/$/, '');
      return reply(res, await lists.similarSsdeep(digest, req.query.threshold));
    },
  );

  app.get(
    '/api/v4/badlist/tlsh/:hash/',
    {
      schema: {
        tags: ['badlist'], summary: 'Badlisted files whose TLSH is close to the given one, closest first',
        params: Type.Object({ hash: Type.String() }), querystring: Threshold, response: { 200: Enveloped(TlshMatches) },
      },
      config: { auth: { roles: ['badlist_view'] } },
    },
    async (req, res) => reply(res, await lists.similarTlsh(req.params.hash, req.query.threshold)),
  );

  registerListRoutes(app, ctx.listItems, 'badlist');
}
