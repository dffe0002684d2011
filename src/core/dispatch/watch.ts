// Live watch queues: a client follows a running submission and receives each result or error key as it is
// stored, then a stop message. Queue ids look like "D-<id>-WQ", as Assemblyline's do.
import type { MessageLists } from '../../store/queues.js';
import { randomId } from '../util/ids.js';
import type { Dispatcher } from './dispatcher.js';

export interface WatchMessage {
  type: 'start' | 'cachekey' | 'cachekeyerr' | 'stop' | 'timeout';
  err_msg: string;
  status_code: number;
  msg: string | null;
}

const WQ_RE = /^D-[0-9A-Za-z]+-WQ$/;
const message = (type: WatchMessage['type'], msg: string | null): WatchMessage => ({ type, err_msg: '', status_code: 200, msg });
export const TIMEOUT_MESSAGE: WatchMessage = { type: 'timeout', err_msg: 'Timeout waiting for a message.', status_code: 408, msg: null };

export function isWatchQueueId(id: string): boolean {
  return WQ_RE.test(id);
}

export class WatchQueues {
  private readonly watchers = new Map<string, Set<string>>();

  constructor(
    private readonly lists: MessageLists<WatchMessage>,
    dispatcher: Dispatcher,
    private readonly isRunning: (sid: string) => boolean,
  ) {
    dispatcher.events.on('result', (sid, key) => void this.publish(sid, message('cachekey', key)));
    dispatcher.events.on('error', (sid, key) => void this.publish(sid, message('cachekeyerr', key)));
    dispatcher.events.on('done', (sid) => {
      void this.publish(sid, message('stop', 'All messages received, closing queue...'));
      this.watchers.delete(sid);
    });
  }

  private async publish(sid: string, msg: WatchMessage): Promise<void> {
    for (const wq of this.watchers.get(sid) ?? []) await this.lists.push(wq, msg);
  }

  /** A new queue following `sid`, or null when no analysis of it is running. */
  async setup(sid: string): Promise<string | null> {
    if (!this.isRunning(sid)) return null;
    const wq = `D-${randomId()}-WQ`;
    await this.lists.push(wq, message('start', 'Start listening...'));
    let set = this.watchers.get(sid);
    if (!set) this.watchers.set(sid, (set = new Set()));
    set.add(wq);
    return wq;
  }

  take(wq: string, max: number): Promise<WatchMessage[]> {
    return this.lists.popMany(wq, max);
  }
}
