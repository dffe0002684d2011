// Queues: durable priority queues (submissions waiting for the ingester, tasks waiting for workers) and named
// message lists (notification queues that clients drain). Embedded engine = SQLite tables with in-process
// wake-ups; scale-out engine = Redis sorted sets and lists.

export interface PriorityQueue<T> {
  readonly name: string;
  /** Higher priority is served first; equal priorities are first-in first-out. */
  push(item: T, priority?: number): Promise<void>;
  /** Take the best item, waiting up to `timeoutMs` for one to arrive (0 = don't wait). */
  pop(timeoutMs?: number): Promise<T | null>;
  popBatch(max: number): Promise<T[]>;
  length(): Promise<number>;
  /** Count of items with priority in [min, max]. */
  countRange(min: number, max: number): Promise<number>;
  clear(): Promise<void>;
}

export interface MessageLists<T> {
  push(list: string, message: T): Promise<void>;
  /**
   * Push unless a message with this id was pushed before (to any list of this namespace), atomically, so a
   * sender that retries after a crash delivers exactly once. Resolves false for a repeat. Ids are remembered
   * for `rememberSeconds`.
   */
  pushOnce(list: string, id: string, message: T, rememberSeconds?: number): Promise<boolean>;
  /** Oldest message first, or null when the list is empty. */
  pop(list: string): Promise<T | null>;
  /** Up to `max` oldest messages (all when max < 0). */
  popMany(list: string, max: number): Promise<T[]>;
  length(list: string): Promise<number>;
  delete(list: string): Promise<void>;
}

export interface QueueStore {
  readonly engine: string;
  priorityQueue<T>(name: string): PriorityQueue<T>;
  messageLists<T>(namespace: string): MessageLists<T>;
  close(): Promise<void>;
}
