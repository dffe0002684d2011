// /api/v4/ingest/: asynchronous submission with notification queues, the sensor path of Assemblyline.
import { Type } from '@sinclair/typebox';
import { NOTIFICATION_QUEUE_MAX } from '../core/ingest/service.js';
import { readerOf } from '../core/submission/access.js';
import { principalOf, submitterOf, type ApiApp, type AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { IngestMessage } from './schemas/ingest.js';
import { Nullable } from './schemas/common.js';
import { readSubmissionRequest } from './upload.js';

const Queue = Type.Object({ nq: Type.String({ minLength: 1, maxLength: NOTIFICATION_QUEUE_MAX }) });
const create = { auth: { roles: ['submission_create' as const] } };

export default async function ingestRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const ingest = ctx.ingest;

  app.post(
    '/api/v4/ingest/',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Queue a file (multipart `json` + `bin`, or JSON with sha256/url/plaintext/base64) for asynchronous analysis',
        description:
          'Answers once the ingest is durably queued. With `notification_queue`, the completion message is delivered to that ' +
          'queue (read it with get_message or get_message_list).',
        response: { 200: Enveloped(Type.Object({ ingest_id: Type.String() })) },
      },
      config: create,
    },
    async (req, res) => {
      const p = principalOf(req);
      // No body schema: the body is a multipart upload or a JSON object (a route with a body schema takes JSON
      // only), and readSubmissionRequest narrows it; its fields are checked one by one, with messages naming them.
      const parsed = await readSubmissionRequest(req, ctx.tmpDir, ctx.config);
      try {
        return reply(res, { ingest_id: await ingest.ingest(parsed, await submitterOf(ctx, p), readerOf(p)) });
      } finally {
        await parsed.cleanup();
      }
    },
  );

  app.get(
    '/api/v4/ingest/get_message/:nq/',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Take one message from a notification queue (null when empty)',
        params: Queue,
        response: { 200: Enveloped(Nullable(IngestMessage)) },
      },
      config: create,
    },
    async (req, res) => {
      const [msg] = await ingest.messages(principalOf(req).user.uname, req.params.nq, 1);
      return reply(res, msg ?? null);
    },
  );

  app.get(
    '/api/v4/ingest/get_message_list/:nq/',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Take the messages of a notification queue, oldest first',
        params: Queue,
        querystring: Type.Object({ page_size: Type.Optional(Type.Integer({ minimum: -1, description: 'how many (default -1: all)' })) }),
        response: { 200: Enveloped(Type.Array(IngestMessage)) },
      },
      config: create,
    },
    async (req, res) => reply(res, await ingest.messages(principalOf(req).user.uname, req.params.nq, req.query.page_size ?? -1)),
  );

  // An Assay addition (Assemblyline has no such route): a listener that stops when its queue is empty needs to
  // know whether messages are still to come. Read it before reading the queue: zero then means that read sees
  // every remaining message.
  app.get(
    '/api/v4/ingest/outstanding/:nq/',
    {
      schema: {
        tags: ['ingest'],
        summary: "How many of the caller's ingests for a notification queue are not answered yet",
        description: 'Accepted ingests whose completion message is not delivered yet (queued or being analysed), kept across restarts.',
        params: Queue,
        response: { 200: Enveloped(Type.Object({ outstanding: Type.Integer() })) },
      },
      config: create,
    },
    async (req, res) => reply(res, { outstanding: await ingest.outstanding(principalOf(req).user.uname, req.params.nq) }),
  );
}
