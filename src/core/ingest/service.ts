// The ingest path as its callers meet it: a request checked, given the ingest defaults that keep a flood of
// sensor traffic cheap, and queued durably; then the completion messages of a notification queue, and how many
// are still to come.
import type { Collection } from '../../store/datastore.js';
import { badRequest } from '../errors.js';
import type { Reader } from '../submission/access.js';
import type { SubmissionRequest } from '../submission/init.js';
import { checkRequestFields } from '../submission/request-fields.js';
import type { Submitter } from '../submission/params.js';
import type { SubmissionService } from '../submission/service.js';
import { isoDate } from '../util/time.js';
import type { Ingester } from './ingester.js';
import type { IngestMessage, IngestRecord } from './message.js';
import type { NotificationQueues } from './notifications.js';
import { countOutstanding } from './outstanding.js';
import { isPlainObject } from '../util/plain.js';

/** The longest notification queue name: get_message takes names up to this length. */
export const NOTIFICATION_QUEUE_MAX = 256;

// Ingest defaults, unless the request says otherwise.
const INGEST_DEFAULTS = { deep_scan: false, priority: 150, ignore_cache: false, ignore_recursion_prevention: false, ignore_filtering: false };
const INGEST_MAX_PRIORITY = 250;
const DEFAULT_MAX_EXTRACTED = 100;
const DEFAULT_MAX_SUPPLEMENTARY = 100;

export class IngestService {
  constructor(
    private readonly submissions: Pick<SubmissionService, 'prepare'>,
    private readonly ingester: Pick<Ingester, 'accept'>,
    private readonly notifications: Pick<NotificationQueues<IngestMessage>, 'take'>,
    private readonly ingests: Pick<Collection<IngestRecord>, 'count'>,
  ) {}

  /** Check an ingest request, store its file and queue it; resolves to its ingest id once the queueing is durable. */
  async ingest(request: SubmissionRequest, submitter: Submitter, reader: Reader): Promise<string> {
    const data = request.data;
    checkRequestFields(data);
    const threshold = data.notification_threshold;
    if (threshold !== undefined && threshold !== null && !Number.isInteger(threshold)) {
      throw badRequest('notification_threshold should be and int', {});
    }
    const queue = data.notification_queue;
    if (typeof queue === 'string' && queue.length > NOTIFICATION_QUEUE_MAX) {
      // Its messages could not be read.
      throw badRequest(`notification_queue is longer than the ${NOTIFICATION_QUEUE_MAX} characters a queue name may have`, {});
    }
    // The defaults apply only where the request did not set the value, and only to params that are an object:
    // anything else (null included) is passed on as it came, to be refused as on the submit path.
    const params = data.params === undefined ? { ...INGEST_DEFAULTS } : isPlainObject(data.params) ? { ...INGEST_DEFAULTS, ...data.params } : data.params;
    const init = await this.submissions.prepare({ data: { ...data, params, type: data.type ?? 'INGEST' }, upload: request.upload }, submitter, reader, 'ingest');
    const s = init.params;
    s.generate_alert = Boolean(data.generate_alert ?? s.generate_alert);
    s.max_extracted = DEFAULT_MAX_EXTRACTED;
    s.max_supplementary = DEFAULT_MAX_SUPPLEMENTARY;
    s.priority = Math.min(s.priority, INGEST_MAX_PRIORITY);
    s.description = `[${s.type}] ${s.description}`;
    const metadata: Record<string, string> = { ...init.metadata, type: s.type };
    metadata.ts ??= isoDate();
    return this.ingester.accept({
      uname: submitter.uname,
      files: [init.file],
      content: init.content,
      params: s,
      metadata,
      notification: typeof queue === 'string' && queue ? { queue, threshold: typeof threshold === 'number' ? threshold : null } : {},
    });
  }

  /** Take up to `max` messages (-1: all) from one of the user's notification queues, oldest first. */
  messages(uname: string, queue: string, max: number): Promise<IngestMessage[]> {
    return this.notifications.take(uname, queue, max);
  }

  /** Accepted ingests of the user for that queue whose completion message is not delivered yet. */
  outstanding(uname: string, queue: string): Promise<number> {
    return countOutstanding(this.ingests, uname, queue);
  }
}
