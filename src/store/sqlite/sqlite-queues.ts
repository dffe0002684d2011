// Durable queues in the SQLite file. Blocking pops wait on in-process wake-ups, with a slow poll as a fallback
// for items pushed by another process (the CLI, say) on the same file.
import { EventEmitter } from 'node:events';
import type BetterSqlite3 from 'better-sqlite3';
import type { MessageLists, PriorityQueue, QueueStore } from '../queues.js';
import type { SqliteHandle } from './database.js';

const POLL_MS = 500;

class SqlitePriorityQueue<T> implements PriorityQueue<T> {
  private readonly s: Record<'push' | 'pop' | 'len' | 'range' | 'clear', BetterSqlite3.Statement>;

  constructor(
    private readonly db: SqliteHandle,
    readonly name: string,
    private readonly wake: EventEmitter,
  ) {
    this.s = {
      push: db.prepare('INSERT INTO q_priority (queue, priority, payload) VALUES (?, ?, ?)'),
      pop: db.prepare(
        `DELETE FROM q_priority WHERE seq IN (
           SELECT seq FROM q_priority WHERE queue = ? ORDER BY priority DESC, seq LIMIT ?
         ) RETURNING seq, priority, payload`,
      ),
      len: db.prepare('SELECT count(*) FROM q_priority WHERE queue = ?').pluck(),
      range: db.prepare('SELECT count(*) FROM q_priority WHERE queue = ? AND priority BETWEEN ? AND ?').pluck(),
      clear: db.prepare('DELETE FROM q_priority WHERE queue = ?'),
    };
  }

  async push(item: T, priority = 0): Promise<void> {
    this.s.push.run(this.name, Math.trunc(priority), JSON.stringify(item));
    this.wake.emit(this.name);
  }

  private take(max: number): T[] {
    const rows = this.s.pop.all(this.name, max) as Array<{ seq: number; priority: number; payload: string }>;
    // RETURNING gives no order guarantee; restore the queue order.
    rows.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
    return rows.map((r) => JSON.parse(r.payload) as T);
  }

  async popBatch(max: number): Promise<T[]> {
    return max > 0 ? this.take(max) : [];
  }

  async pop(timeoutMs = 0): Promise<T | null> {
    const first = this.take(1);
    if (first.length || timeoutMs <= 0) return first[0] ?? null;
    const deadline = Date.now() + timeoutMs;
    return new Promise<T | null>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (v: T | null) => {
        this.wake.off(this.name, attempt);
        clearTimeout(timer);
        resolve(v);
      };
      const attempt = () => {
        const got = this.take(1);
        if (got.length) return done(got[0]!);
        const left = deadline - Date.now();
        if (left <= 0) return done(null);
        clearTimeout(timer);
        timer = setTimeout(attempt, Math.min(POLL_MS, left));
      };
      this.wake.on(this.name, attempt);
      timer = setTimeout(attempt, Math.min(POLL_MS, timeoutMs));
    });
  }

  async length(): Promise<number> {
    return this.s.len.get(this.name) as number;
  }

  async countRange(min: number, max: number): Promise<number> {
    return this.s.range.get(this.name, min, max) as number;
  }

  async clear(): Promise<void> {
    this.s.clear.run(this.name);
  }
}

class SqliteMessageLists<T> implements MessageLists<T> {
  private readonly s: Record<'push' | 'pop' | 'popAll' | 'len' | 'del' | 'seen' | 'forget', BetterSqlite3.Statement>;

  constructor(
    private readonly db: SqliteHandle,
    private readonly ns: string,
  ) {
    this.s = {
      push: db.prepare('INSERT INTO q_list (list, payload) VALUES (?, ?)'),
      seen: db.prepare('INSERT INTO q_list_sent (id, expires) VALUES (?, ?) ON CONFLICT(id) DO NOTHING'),
      forget: db.prepare('DELETE FROM q_list_sent WHERE expires < ?'),
      pop: db.prepare(
        `DELETE FROM q_list WHERE seq IN (SELECT seq FROM q_list WHERE list = ? ORDER BY seq LIMIT ?)
         RETURNING seq, payload`,
      ),
      popAll: db.prepare('DELETE FROM q_list WHERE list = ? RETURNING seq, payload'),
      len: db.prepare('SELECT count(*) FROM q_list WHERE list = ?').pluck(),
      del: db.prepare('DELETE FROM q_list WHERE list = ?'),
    };
  }

  private key(list: string): string {
    return `${this.ns}:${list}`;
  }

  async push(list: string, message: T): Promise<void> {
    this.s.push.run(this.key(list), JSON.stringify(message));
  }

  async pushOnce(list: string, id: string, message: T, rememberSeconds = 14 * 86_400): Promise<boolean> {
    const now = Date.now();
    return this.db.transaction(() => {
      if (this.s.seen.run(`${this.ns}:${id}`, now + rememberSeconds * 1000).changes === 0) return false;
      this.s.push.run(this.key(list), JSON.stringify(message));
      // Old ids are forgotten now and then, on the write path, to keep the table small.
      if (Math.random() < 0.001) this.s.forget.run(now);
      return true;
    })();
  }

  async pop(list: string): Promise<T | null> {
    return (await this.popMany(list, 1))[0] ?? null;
  }

  async popMany(list: string, max: number): Promise<T[]> {
    if (max === 0) return [];
    const rows = (max < 0 ? this.s.popAll.all(this.key(list)) : this.s.pop.all(this.key(list), max)) as Array<{
      seq: number;
      payload: string;
    }>;
    rows.sort((a, b) => a.seq - b.seq);
    return rows.map((r) => JSON.parse(r.payload) as T);
  }

  async length(list: string): Promise<number> {
    return this.s.len.get(this.key(list)) as number;
  }

  async delete(list: string): Promise<void> {
    this.s.del.run(this.key(list));
  }
}

export class SqliteQueueStore implements QueueStore {
  readonly engine = 'sqlite';
  private readonly wake = new EventEmitter().setMaxListeners(0);

  constructor(private readonly db: SqliteHandle) {}

  priorityQueue<T>(name: string): PriorityQueue<T> {
    return new SqlitePriorityQueue<T>(this.db, name, this.wake);
  }

  messageLists<T>(namespace: string): MessageLists<T> {
    return new SqliteMessageLists<T>(this.db, namespace);
  }

  async close(): Promise<void> {
    this.wake.removeAllListeners();
  }
}
