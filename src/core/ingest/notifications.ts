// Notification queues: where ingest completion messages wait for the client that asked for them. Queues are
// per user ("nq-<UNAME IN UPPER HEX>-<name>"); the older shared name "nq-<name>" is read first when the name
// cannot be mistaken for a per-user one, as Assemblyline does.
import type { MessageLists } from '../../store/queues.js';

export function userQueueName(uname: string, queue: string): string {
  return `nq-${Buffer.from(uname, 'utf8').toString('hex').toUpperCase()}-${queue}`;
}

/** A legacy name is safe unless its first '-' segment is even-length upper-case hex (a user prefix). */
export function isSafeLegacyName(queue: string): boolean {
  const i = queue.indexOf('-');
  if (i <= 0) return true;
  const head = queue.slice(0, i);
  return !(head.length % 2 === 0 && /^[0-9A-F]+$/.test(head));
}

export class NotificationQueues<T> {
  constructor(private readonly lists: MessageLists<T>) {}

  /** Deliver once per id, even if called again after a crash. */
  deliver(uname: string, queue: string, id: string, message: T): Promise<boolean> {
    return this.lists.pushOnce(userQueueName(uname, queue), id, message);
  }

  /** Messages for a legacy shared queue (written by other tools). */
  pushLegacy(queue: string, message: T): Promise<void> {
    return this.lists.push(`nq-${queue}`, message);
  }

  async take(uname: string, queue: string, max: number): Promise<T[]> {
    const out: T[] = [];
    const want = (n: number) => (max < 0 ? -1 : n);
    if (isSafeLegacyName(queue)) out.push(...(await this.lists.popMany(`nq-${queue}`, want(max))));
    if (max < 0 || out.length < max) out.push(...(await this.lists.popMany(userQueueName(uname, queue), want(max - out.length))));
    return out;
  }

  length(uname: string, queue: string): Promise<number> {
    return this.lists.length(userQueueName(uname, queue));
  }
}
