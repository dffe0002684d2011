// /api/v4/live/: follow a running submission (watch queues) and see which services are still working on it.
import { Type } from '@sinclair/typebox';
import { isWatchQueueId, TIMEOUT_MESSAGE } from '../core/dispatch/watch.js';
import { badRequest, notFound } from '../core/errors.js';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { OutstandingServices, WatchMessage } from './schemas/live.js';

const view = { auth: { roles: ['submission_view' as const] } };
// Both are checked by hand: a malformed queue id has Assemblyline's own message, and an unknown sid is not an
// error (its analysis may simply not be running).
const Wq = Type.Object({ wq_id: Type.String() });
const Sid = Type.Object({ sid: Type.String() });

/** A watch queue id from the path, or a 400. */
function watchQueue(id: string): string {
  if (!isWatchQueueId(id)) throw badRequest('invalid watch queue', {});
  return id;
}

export default async function liveRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  /** The sid, once the caller is known to be allowed to follow that submission (if it exists). */
  const followed = async (sid: string, req: Parameters<typeof principalOf>[0]) => {
    await ctx.submissions.find(sid, readerOf(principalOf(req)));
    return sid;
  };

  app.get(
    '/api/v4/live/setup_watch_queue/:sid/',
    { schema: { tags: ['live'], summary: 'Start following a running submission', params: Sid, response: { 200: Enveloped(Type.Object({ wq_id: Type.String() })) } }, config: view },
    async (req, res) => {
      const wq = await ctx.watch.setup(await followed(req.params.sid, req));
      if (!wq) throw notFound('No dispatchers are processing this submission.', {});
      return reply(res, { wq_id: wq });
    },
  );

  app.get(
    '/api/v4/live/get_message/:wq_id/',
    {
      schema: { tags: ['live'], summary: 'The next message of a watch queue (a timeout message when none is waiting)', params: Wq, response: { 200: Enveloped(WatchMessage) } },
      config: view,
    },
    async (req, res) => reply(res, (await ctx.watch.take(watchQueue(req.params.wq_id), 1))[0] ?? TIMEOUT_MESSAGE),
  );

  app.get(
    '/api/v4/live/get_message_list/:wq_id/',
    { schema: { tags: ['live'], summary: 'Every waiting message of a watch queue', params: Wq, response: { 200: Enveloped(Type.Array(WatchMessage)) } }, config: view },
    async (req, res) => reply(res, await ctx.watch.take(watchQueue(req.params.wq_id), -1)),
  );

  app.get(
    '/api/v4/live/outstanding_services/:sid/',
    {
      schema: { tags: ['live'], summary: 'Services still working on a submission, with their file counts', params: Sid, response: { 200: Enveloped(OutstandingServices) } },
      config: view,
    },
    async (req, res) => reply(res, ctx.dispatcher.outstanding(await followed(req.params.sid, req))),
  );
}
