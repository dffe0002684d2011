// The listener's database: one small async interface over SQLite (better-sqlite3) and PostgreSQL (pg), so the
// migrations and the writer are written once. SQL uses `?` placeholders; PostgreSQL gets `$n`.
import Database from 'better-sqlite3';
import pg from 'pg';

export type SqlValue = string | number | null;
export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly dialect: Dialect;
  /** Where the data lives, for messages (never includes a password). */
  readonly description: string;
  exec(sql: string): Promise<void>;
  run(sql: string, params?: SqlValue[]): Promise<void>;
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** Run `fn` in one transaction. Calls are serialised: the listener shares one connection between tasks. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$1, $2…` outside of string literals. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  let inString = false;
  let out = '';
  for (const ch of sql) {
    if (ch === "'") inString = !inString;
    out += ch === '?' && !inString ? `$${++n}` : ch;
  }
  return out;
}

class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.catch(() => undefined);
    return p;
  }
}

class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly serial = new Serial();
  constructor(
    private readonly db: Database.Database,
    readonly description: string,
  ) {}
  async exec(sql: string) {
    this.db.exec(sql);
  }
  async run(sql: string, params: SqlValue[] = []) {
    this.db.prepare(sql).run(...params);
  }
  async all<T>(sql: string, params: SqlValue[] = []) {
    return this.db.prepare(sql).all(...params) as T[];
  }
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn();
        this.db.exec('COMMIT');
        return out;
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }
  async close() {
    this.db.close();
  }
}

class PgDb implements Db {
  readonly dialect = 'postgres' as const;
  private readonly serial = new Serial();
  constructor(
    private readonly client: pg.Client,
    readonly description: string,
  ) {}
  async exec(sql: string) {
    await this.client.query(sql);
  }
  async run(sql: string, params: SqlValue[] = []) {
    await this.client.query(toPgPlaceholders(sql), params);
  }
  async all<T>(sql: string, params: SqlValue[] = []) {
    return (await this.client.query(toPgPlaceholders(sql), params)).rows as T[];
  }
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      await this.client.query('BEGIN');
      try {
        const out = await fn();
        await this.client.query('COMMIT');
        return out;
      } catch (err) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }
  async close() {
    await this.client.end();
  }
}

function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name ${name}`);
  return `"${name}"`;
}

/**
 * Open `sqlite:PATH` (or a path ending in .db/.sqlite) or `postgres://…` / `postgresql://…`. A PostgreSQL URL may
 * carry `schema=NAME` in its query: the schema is created if needed and used for every table.
 */
export async function openDatabase(url: string): Promise<Db> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const u = new URL(url);
    const schema = u.searchParams.get('schema');
    u.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    // Numeric columns come back as numbers, as they do from SQLite (bigint values stay far below 2^53 here).
    const safe = new URL(u.toString());
    safe.password = '';
    let description = `${safe.toString()}`;
    if (schema) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`SET search_path TO ${quoteIdent(schema)}`);
      description += ` (schema ${schema})`;
    }
    return new PgDb(client, description);
  }
  let path: string;
  if (/^sqlite:/i.test(url)) path = url.replace(/^sqlite:(\/\/)?/i, '');
  else if (/\.(db|sqlite3?)$/i.test(url)) path = url;
  else throw new Error(`unknown database "${url}": use sqlite:FILE or postgres://…`);
  if (!path) throw new Error('sqlite: needs a file name, e.g. sqlite:results.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return new SqliteDb(db, path);
}

// node-postgres returns BIGINT (int8) as text by default; our counts and sizes fit in a double.
pg.types.setTypeParser(20, (v: string) => Number(v));
