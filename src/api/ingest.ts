// /api/v4/ingest/: asynchronous submission with notification queues, the sensor path of Assemblyline.
import { Type } from '@sinclair/typebox';
import { badRequest } from '../core/errors.js';
import { countOutstanding } from '../core/ingest/outstanding.js';
import { initSubmission } from '../core/submission/init.js';
import { checkRequestFields } from '../core/submission/request-fields.js';
import { isoDate } from '../core/util/time.js';
import { principalOf, submitterOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';
import { readSubmissionRequest } from './upload.js';
import { submitOptionsFor } from './visibility.js';

const QUEUE_NAME_MAX = 256;
const Queue = Type.Object({ nq: Type.String({ minLength: 1, maxLength: QUEUE_NAME_MAX }) });

// Ingest defaults that keep a flood of sensor traffic cheap, unless the request says otherwise.
const INGEST_DEFAULTS = { deep_scan: false, priority: 150, ignore_cache: false, ignore_recursion_prevention: false, ignore_filtering: false };
const INGEST_MAX_PRIORITY = 250;
const DEFAULT_MAX_EXTRACTED = 100;
const DEFAULT_MAX_SUPPLEMENTARY = 100;

export default async function ingestRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
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
      config: { auth: { roles: ['submission_create'] } },
    },
    async (req, res) => {
      const p = principalOf(req);
      const parsed = await readSubmissionRequest(req, ctx.tmpDir, ctx.config);
      try {
        const data = parsed.data;
        checkRequestFields(data);
        const threshold = data.notification_threshold;
        if (threshold !== undefined && threshold !== null && !Number.isInteger(threshold)) {
          throw badRequest('notification_threshold should be and int', {});
        }
        if (typeof data.notification_queue === 'string' && data.notification_queue.length > QUEUE_NAME_MAX) {
          // Its messages could not be read: get_message takes names up to this length.
          throw badRequest(`notification_queue is longer than the ${QUEUE_NAME_MAX} characters a queue name may have`, {});
        }
        // Defaults apply only where the request did not set the value.
        const params = { ...INGEST_DEFAULTS, ...((data.params as object | undefined) ?? {}) };
        const init = await initSubmission({ data: { ...data, params, type: data.type ?? 'INGEST' }, upload: parsed.upload }, await submitterOf(ctx, p), submitOptionsFor(ctx, 'ingest', p));
        const s = init.params;
        s.generate_alert = Boolean(data.generate_alert ?? s.generate_alert);
        s.max_extracted = DEFAULT_MAX_EXTRACTED;
        s.max_supplementary = DEFAULT_MAX_SUPPLEMENTARY;
        s.priority = Math.min(s.priority, INGEST_MAX_PRIORITY);
        s.description = `[${s.type}] ${s.description}`;
        const metadata: Record<string, string> = { ...init.metadata, type: s.type };
        metadata.ts ??= isoDate();
        const ingestId = await ctx.ingester.accept({
          uname: p.user.uname,
          files: [init.file],
          content: init.content,
          params: s,
          metadata,
          notification: typeof data.notification_queue === 'string' && data.notification_queue ? { queue: data.notification_queue, threshold: (threshold as number | undefined) ?? null } : {},
        });
        return reply(res, { ingest_id: ingestId });
      } finally {
        await parsed.cleanup();
      }
    },
  );

  app.get(
    '/api/v4/ingest/get_message/:nq/',
    {
      schema: { tags: ['ingest'], summary: 'Take one message from a notification queue (null when empty)', params: Queue, response: { 200: Enveloped(AnyJson) } },
      config: { auth: { roles: ['submission_create'] } },
    },
    async (req, res) => {
      const { nq } = req.params as { nq: string };
      const [msg] = await ctx.notifications.take(principalOf(req).user.uname, nq, 1);
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
        response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: ['submission_create'] } },
    },
    async (req, res) => {
      const { nq } = req.params as { nq: string };
      const { page_size } = req.query as { page_size?: number };
      return reply(res, await ctx.notifications.take(principalOf(req).user.uname, nq, page_size ?? -1));
    },
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
      config: { auth: { roles: ['submission_create'] } },
    },
    async (req, res) => {
      const { nq } = req.params as { nq: string };
      return reply(res, { outstanding: await countOutstanding(ctx.storage.datastore, principalOf(req).user.uname, nq) });
    },
  );
}
