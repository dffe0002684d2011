// /api/v4/live/: follow a running submission (watch queues) and see which services are still working on it.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, forbidden, notFound } from '../core/errors.js';
import { isWatchQueueId, TIMEOUT_MESSAGE } from '../core/dispatch/watch.js';
import { canReadSubmission, readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';

const view = { auth: { roles: ['submission_view' as const] } };
const Wq = Type.Object({ wq_id: Type.String() });
const Sid = Type.Object({ sid: Type.String() });

export default async function liveRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const wqOf = (req: { params: unknown }) => {
    const { wq_id } = req.params as { wq_id: string };
    if (!isWatchQueueId(wq_id)) throw badRequest('invalid watch queue', {});
    return wq_id;
  };
  /** The sid in the path, once the caller is known to be allowed to follow that submission. */
  const sidOf = async (req: FastifyRequest) => {
    const { sid } = req.params as { sid: string };
    const sub = await ctx.submissions.get(sid);
    if (sub && !canReadSubmission(readerOf(principalOf(req)), sub)) throw forbidden('You are not allowed to view the data of this submission', {});
    return sid;
  };

  app.get(
    '/api/v4/live/setup_watch_queue/:sid/',
    { schema: { tags: ['live'], summary: 'Start following a running submission', params: Sid, response: { 200: Enveloped(Type.Object({ wq_id: Type.String() })) } }, config: view },
    async (req, res) => {
      const wq = await ctx.watch.setup(await sidOf(req));
      if (!wq) throw notFound('No dispatchers are processing this submission.', {});
      return reply(res, { wq_id: wq });
    },
  );

  app.get(
    '/api/v4/live/get_message/:wq_id/',
    { schema: { tags: ['live'], summary: 'The next message of a watch queue (a timeout message when none is waiting)', params: Wq, response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => reply(res, (await ctx.watch.take(wqOf(req), 1))[0] ?? TIMEOUT_MESSAGE),
  );

  app.get(
    '/api/v4/live/get_message_list/:wq_id/',
    { schema: { tags: ['live'], summary: 'Every waiting message of a watch queue', params: Wq, response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => reply(res, await ctx.watch.take(wqOf(req), -1)),
  );

  app.get(
    '/api/v4/live/outstanding_services/:sid/',
    { schema: { tags: ['live'], summary: 'Services still working on a submission, with their file counts', params: Sid, response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => reply(res, ctx.dispatcher.outstanding(await sidOf(req))),
  );
}
