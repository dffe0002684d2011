// How many of a user's ingests for one notification queue are still outstanding: accepted, and not yet
// answered. The ingester keeps a durable record of every ingest from acceptance until its message is delivered
// (it delivers first, then deletes the record), so counting the records is exact across processes and restarts,
// and a count of zero taken before a read of the queue means that read sees every message still to come.
import type { Collection, Filter } from '../../store/datastore.js';
import type { IngestRecord } from './message.js';

export function outstandingFilter(uname: string, queue: string): Filter {
  return {
    op: 'and',
    items: [
      { op: 'eq', field: 'uname', value: uname },
      { op: 'eq', field: 'task.submission.notification.queue', value: queue },
    ],
  };
}

export function countOutstanding(ingests: Pick<Collection<IngestRecord>, 'count'>, uname: string, queue: string): Promise<number> {
  return ingests.count(outstandingFilter(uname, queue));
}
