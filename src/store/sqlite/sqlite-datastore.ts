// Datastore on SQLite: one table per collection, documents as JSON text, filters compiled to SQL.
import type BetterSqlite3 from 'better-sqlite3';
import type { Collection, CollectionSpec, Datastore, FacetOptions, FieldStats, Filter, HistogramOptions, Scalar, SearchOptions, SearchResult } from '../datastore.js';
import { collectionSpec } from '../collections.js';
import { compileAfter, compileFilter, compileSort, fieldExpr, sortColumns } from './sql.js';
import { facetSql, histogramSql, statsSql } from './aggregate-sql.js';
import type { SqliteHandle } from './database.js';

/** Keep only the listed (possibly dotted) fields of a document. */
export function projectFields<T extends object>(doc: T, fields: string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const parts = f.split('.');
    let src: unknown = doc;
    for (const p of parts) src = src && typeof src === 'object' ? (src as Record<string, unknown>)[p] : undefined;
    if (src === undefined) continue;
    let dst = out;
    for (const p of parts.slice(0, -1)) dst = (dst[p] ??= {}) as Record<string, unknown>;
    dst[parts[parts.length - 1]!] = src;
  }
  return out as Partial<T>;
}

class SqliteCollection<T extends object> implements Collection<T> {
  private readonly table: string;
  /** The field kept in the BLOB column `bin` rather than in the JSON document (see CollectionSpec.binary). */
  private readonly bin: string | undefined;
  private readonly stmts: {
    get: BetterSqlite3.Statement;
    put: BetterSqlite3.Statement;
    putDoc: BetterSqlite3.Statement;
    add: BetterSqlite3.Statement;
    del: BetterSqlite3.Statement;
    exists: BetterSqlite3.Statement;
  };

  constructor(
    private readonly db: SqliteHandle,
    readonly name: string,
    private readonly spec: CollectionSpec | undefined,
  ) {
    this.table = `"c_${name}"`;
    this.bin = spec?.binary;
    const [cols, values, set] = this.bin ? ['id, doc, bin', '?, ?, ?', 'doc = excluded.doc, bin = excluded.bin'] : ['id, doc', '?, ?', 'doc = excluded.doc'];
    this.stmts = {
      get: db.prepare(`SELECT ${this.docColumns} FROM ${this.table} WHERE id = ?`).raw(),
      put: db.prepare(`INSERT INTO ${this.table} (${cols}) VALUES (${values}) ON CONFLICT(id) DO UPDATE SET ${set}`),
      putDoc: db.prepare(`UPDATE ${this.table} SET doc = ? WHERE id = ?`),
      add: db.prepare(`INSERT INTO ${this.table} (${cols}) VALUES (${values}) ON CONFLICT(id) DO NOTHING`),
      del: db.prepare(`DELETE FROM ${this.table} WHERE id = ?`),
      exists: db.prepare(`SELECT 1 FROM ${this.table} WHERE id = ?`).pluck(),
    };
  }

  /** The columns a document is read from: `doc`, and `bin` when the collection has a binary field. */
  private get docColumns(): string {
    return this.bin ? 'doc, bin' : 'doc';
  }

  private fromRow(doc: string, bytes?: Buffer | null): T {
    const parsed = JSON.parse(doc) as Record<string, unknown>;
    if (this.bin && bytes) parsed[this.bin] = bytes;
    return parsed as T;
  }

  /** The statement arguments that store `doc` under `id`. */
  private toRow(id: string, doc: T): unknown[] {
    if (!this.bin) return [id, JSON.stringify(doc)];
    const { [this.bin]: bytes, ...rest } = doc as Record<string, unknown>;
    if (bytes !== undefined && bytes !== null && !(bytes instanceof Uint8Array)) throw new TypeError(`${this.name}.${this.bin} must hold bytes`);
    return [id, JSON.stringify(rest), bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null];
  }

  /** Store `next` over `current`, leaving the bytes alone when they did not change. */
  private write(id: string, next: T, current: T | null): void {
    const field = this.bin;
    if (field && current && (next as Record<string, unknown>)[field] === (current as Record<string, unknown>)[field]) {
      const { [field]: _, ...rest } = next as Record<string, unknown>;
      this.stmts.putDoc.run(JSON.stringify(rest), id);
    } else {
      this.stmts.put.run(...this.toRow(id, next));
    }
  }

  private getSync(id: string): T | null {
    const row = this.stmts.get.get(id) as [string, Buffer?] | undefined;
    return row === undefined ? null : this.fromRow(row[0], row[1]);
  }

  async get(id: string): Promise<T | null> {
    return this.getSync(id);
  }

  async getMany(ids: string[]): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    // Chunked to stay under SQLite's bound-parameter limit.
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT id, ${this.docColumns} FROM ${this.table} WHERE id IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as Array<{ id: string; doc: string; bin?: Buffer | null }>;
      for (const r of rows) out.set(r.id, this.fromRow(r.doc, r.bin));
    }
    return out;
  }

  async exists(id: string): Promise<boolean> {
    return this.stmts.exists.get(id) !== undefined;
  }

  async put(id: string, doc: T): Promise<void> {
    this.stmts.put.run(...this.toRow(id, doc));
  }

  async add(id: string, doc: T): Promise<boolean> {
    return this.stmts.add.run(...this.toRow(id, doc)).changes === 1;
  }

  async putMany(entries: Array<[string, T]>): Promise<void> {
    this.db.transaction(() => {
      for (const [id, doc] of entries) this.stmts.put.run(...this.toRow(id, doc));
    })();
  }

  async update(id: string, fn: (current: T | null) => T | null | undefined): Promise<T | null> {
    // better-sqlite3 is synchronous, so the read and the write below cannot interleave with another update
    // in this process; IMMEDIATE takes the write lock up front against other processes.
    return this.db
      .transaction(() => {
        const current = this.getSync(id);
        const next = fn(current);
        if (next === undefined) return current;
        if (next === null) {
          this.stmts.del.run(id);
          return null;
        }
        this.write(id, next, current);
        return next;
      })
      .immediate();
  }

  async delete(id: string): Promise<boolean> {
    return this.stmts.del.run(id).changes > 0;
  }

  async deleteWhere(filter: Filter): Promise<number> {
    const where = compileFilter(filter, this.spec);
    return this.db.prepare(`DELETE FROM ${this.table} WHERE ${where.sql}`).run(...where.params).changes;
  }

  async count(filter?: Filter, upTo?: number): Promise<number> {
    const where = compileFilter(filter, this.spec);
    if (upTo !== undefined) {
      return this.db.prepare(`SELECT count(*) FROM (SELECT 1 FROM ${this.table} WHERE ${where.sql} LIMIT ?)`).pluck().get(...where.params, upTo) as number;
    }
    return this.db.prepare(`SELECT count(*) FROM ${this.table} WHERE ${where.sql}`).pluck().get(...where.params) as number;
  }

  async search(opts: SearchOptions = {}): Promise<SearchResult<T>> {
    const where = compileFilter(opts.filter, this.spec);
    const after = opts.after ? compileAfter(opts.sort, opts.after) : { sql: '1', params: [] };
    const limit = opts.limit ?? 25;
    const offset = opts.offset ?? 0;
    const cursorCols = opts.withCursor ? sortColumns(opts.sort).map((c, i) => `, ${c} AS k${i}`).join('') : '';
    const select = (cond: { sql: string; params: unknown[] }, n: number) =>
      this.db
        .prepare(`SELECT id, ${this.docColumns}${cursorCols} FROM ${this.table} WHERE ${where.sql} AND ${cond.sql} ${compileSort(opts.sort)} LIMIT ? OFFSET ?`)
        .all(...where.params, ...cond.params, n, offset) as Array<Record<string, string | number | Buffer | null>>;
    const rows = select(after, limit);
    if ('tail' in after && after.tail && rows.length < limit) rows.push(...select(after.tail, limit - rows.length));
    const items = rows.map((r) => {
      const doc = this.fromRow(r.doc as string, r.bin as Buffer | null | undefined);
      const shaped = opts.fields ? (projectFields(doc, opts.fields) as T) : doc;
      return { ...shaped, id: r.id as string };
    });
    const last = rows[rows.length - 1];
    const cursor = opts.withCursor && last ? sortColumns(opts.sort).map((_, i) => last[`k${i}`] as Scalar) : undefined;
    const total =
      opts.countTotal === false
        ? items.length + offset
        : rows.length < limit && (offset === 0 || rows.length > 0) && !opts.after
          ? offset + rows.length
          : await this.count(opts.filter, opts.totalUpTo);
    return cursor ? { total, items, cursor } : { total, items };
  }

  async facet(opts: FacetOptions): Promise<Array<{ value: Scalar; count: number }>> {
    const where = compileFilter(opts.filter, this.spec);
    if (where.sql === '1' && this.spec?.fields[opts.field]?.indexed) {
      const fast = this.facetFromIndex(opts);
      if (fast) return fast;
    }
    const q = facetSql(this.name, this.spec, opts.field, where.sql);
    return this.db.prepare(q).all(...where.params, opts.mincount ?? 1, opts.size) as Array<{ value: Scalar; count: number }>;
  }

  /**
   * A facet over every record of an indexed scalar field, read from its expression index alone: hop from
   * distinct value to distinct value (one seek each) and count each value's index range. Null when the field
   * has too many distinct values for that to pay.
   */
  private facetFromIndex(opts: FacetOptions): Array<{ value: Scalar; count: number }> | null {
    const e = fieldExpr(opts.field);
    const first = this.db.prepare(`SELECT min(${e}) FROM ${this.table}`).pluck();
    const next = this.db.prepare(`SELECT min(${e}) FROM ${this.table} WHERE ${e} > ?`).pluck();
    const count = this.db.prepare(`SELECT count(*) FROM ${this.table} WHERE ${e} = ?`).pluck();
    const out: Array<{ value: Scalar; count: number }> = [];
    let v = first.get() as Scalar;
    while (v !== null && v !== undefined) {
      if (out.length >= 500) return null;
      out.push({ value: v, count: count.get(v) as number });
      v = next.get(v) as Scalar;
    }
    return out
      .filter((r) => r.count >= (opts.mincount ?? 1))
      .sort((a, b) => b.count - a.count || (String(a.value) < String(b.value) ? -1 : 1))
      .slice(0, opts.size);
  }

  async histogram(opts: HistogramOptions): Promise<Array<{ bound: Scalar; count: number }>> {
    if (!opts.bounds.length) return [];
    const where = compileFilter(opts.filter, this.spec);
    const q = histogramSql(this.name, this.spec, opts.field, where.sql, opts.bounds.length);
    const rows = this.db.prepare(q).all(...[...opts.bounds].reverse().map((b) => (typeof b === 'boolean' ? Number(b) : b)), ...where.params) as Array<{ b: number; count: number }>;
    const counts = new Map(rows.map((r) => [r.b, r.count]));
    return opts.bounds.map((bound, i) => ({ bound, count: counts.get(i) ?? 0 })).filter((b) => b.count >= (opts.mincount ?? 0));
  }

  async stats(field: string, filter?: Filter): Promise<FieldStats> {
    const where = compileFilter(filter, this.spec);
    const r = this.db.prepare(statsSql(this.name, this.spec, field, where.sql)).get(...where.params) as FieldStats;
    return { count: r.count, min: r.min, max: r.max, avg: r.avg, sum: r.sum ?? 0 };
  }

  async updateWhere(filter: Filter, fn: (current: T) => T | undefined, max = 10_000): Promise<number> {
    const where = compileFilter(filter, this.spec);
    const ids = this.db.prepare(`SELECT id FROM ${this.table} WHERE ${where.sql} LIMIT ?`).pluck().all(...where.params, max) as string[];
    let changed = 0;
    this.db.transaction(() => {
      for (const id of ids) {
        const cur = this.getSync(id);
        if (!cur) continue;
        const next = fn(cur);
        if (next === undefined) continue;
        this.write(id, next, cur);
        changed++;
      }
    }).immediate();
    return changed;
  }
}

export class SqliteDatastore implements Datastore {
  readonly engine = 'sqlite';
  private readonly cache = new Map<string, SqliteCollection<object>>();

  constructor(private readonly db: SqliteHandle) {}

  collection<T extends object>(name: string): Collection<T> {
    let c = this.cache.get(name);
    if (!c) {
      const exists = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(`c_${name}`);
      if (!exists) throw new Error(`unknown collection: ${name}`);
      c = new SqliteCollection<object>(this.db, name, collectionSpec(name));
      this.cache.set(name, c);
    }
    return c as unknown as Collection<T>;
  }

  async ready(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    // The handle is shared with the queue store; whoever opened it closes it.
  }
}
