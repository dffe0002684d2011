// The embedded datastore on a real SQLite file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqlite, type SqliteHandle } from '../../src/store/sqlite/database.js';
import { migrate, MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { SqliteDatastore } from '../../src/store/sqlite/sqlite-datastore.js';
import type { Collection } from '../../src/store/datastore.js';

interface U {
  uname: string;
  type: string[];
  groups: string[];
  is_active: boolean;
  n?: number;
  nested?: { a: string };
}

describe('SQLite datastore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-ds-'));
  let db: SqliteHandle;
  let users: Collection<U>;

  before(async () => {
    db = openSqlite(join(dir, 'assay.db'));
    users = new SqliteDatastore(db).collection<U>('user');
    await users.putMany(
      Array.from({ length: 50 }, (_, i): [string, U] => [
        `u${String(i).padStart(2, '0')}`,
        {
          uname: `u${String(i).padStart(2, '0')}`,
          type: i % 10 === 0 ? ['admin'] : ['user'],
          groups: i % 2 ? ['ODD', 'ALL'] : ['EVEN', 'ALL'],
          is_active: i % 7 !== 0,
          n: i,
          nested: { a: i < 5 ? 'low' : 'high' },
        },
      ]),
    );
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates to the latest schema version in WAL mode', () => {
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)!.version);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const again = openSqlite(join(dir, 'assay.db'));
    assert.equal(again.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)!.version);
    again.close();
  });

  it('gets, adds, replaces and deletes', async () => {
    assert.equal((await users.get('u03'))?.n, 3);
    assert.equal(await users.get('missing'), null);
    assert.equal(await users.add('u03', { uname: 'x', type: [], groups: [], is_active: true }), false);
    assert.equal(await users.add('new', { uname: 'new', type: ['user'], groups: [], is_active: true }), true);
    assert.equal(await users.exists('new'), true);
    assert.equal(await users.delete('new'), true);
    assert.equal(await users.delete('new'), false);
    const many = await users.getMany(['u01', 'u02', 'nope']);
    assert.deepEqual([...many.keys()].sort(), ['u01', 'u02']);
  });

  it('updates atomically', async () => {
    const out = await users.update('u04', (cur) => (cur ? { ...cur, n: (cur.n ?? 0) + 100 } : null));
    assert.equal(out?.n, 104);
    assert.equal((await users.get('u04'))?.n, 104);
    assert.equal(await users.update('zzz', () => undefined), null);
    await Promise.all(Array.from({ length: 20 }, () => users.update('u05', (c) => (c ? { ...c, n: (c.n ?? 0) + 1 } : null))));
    assert.equal((await users.get('u05'))?.n, 25);
    await users.update('u04', (c) => (c ? { ...c, n: 4 } : null));
    await users.update('u05', (c) => (c ? { ...c, n: 5 } : null));
  });

  it('searches with filters, list fields, sorting and paging', async () => {
    const admins = await users.search({ filter: { op: 'eq', field: 'type', value: 'admin' }, sort: [{ field: 'n', dir: 'desc' }] });
    assert.deepEqual(admins.items.map((u) => u.id), ['u40', 'u30', 'u20', 'u10', 'u00']);
    assert.equal(admins.total, 5);
    const range = await users.count({ op: 'range', field: 'n', gte: 10, lt: 20 });
    assert.equal(range, 10);
    const inactiveOdd = await users.search({
      filter: { op: 'and', items: [{ op: 'eq', field: 'is_active', value: false }, { op: 'eq', field: 'groups', value: 'ODD' }] },
    });
    assert.deepEqual(inactiveOdd.items.map((u) => u.n), [7, 21, 35, 49]);
    const notAll = await users.count({ op: 'not', item: { op: 'eq', field: 'groups', value: 'ALL' } });
    assert.equal(notAll, 0);
    assert.equal(await users.count({ op: 'eq', field: 'nested.a', value: 'low' }), 5);
    assert.equal(await users.count({ op: 'prefix', field: 'uname', value: 'u1' }), 10);
    assert.equal(await users.count({ op: 'like', field: 'uname', pattern: 'U?5', caseInsensitive: true }), 5);
    assert.equal(await users.count({ op: 'in', field: 'id', values: ['u01', 'u02', 'x'] }), 2);
    const page = await users.search({ sort: [{ field: 'n', dir: 'asc' }], offset: 45, limit: 10, fields: ['uname', 'nested.a'] });
    assert.equal(page.total, 50);
    assert.deepEqual(page.items.map((u) => u.id), ['u45', 'u46', 'u47', 'u48', 'u49']);
    assert.deepEqual(page.items[0], { uname: 'u45', nested: { a: 'high' }, id: 'u45' });
    const full = await users.search({ offset: 0, limit: 10 });
    assert.equal(full.total, 50);
  });

  it('uses the expression index for indexed fields', () => {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM c_user WHERE json_extract(doc, '$.uname') = ?`)
      .all('u01') as Array<{ detail: string }>;
    assert.ok(plan.some((p) => /USING INDEX ix_user_uname/.test(p.detail)), JSON.stringify(plan));
  });

  it('deletes by filter', async () => {
    assert.equal(await users.deleteWhere({ op: 'range', field: 'n', gte: 45 }), 5);
    assert.equal(await users.count(), 45);
  });

  it('keeps a binary field as bytes beside the document', async () => {
    interface Rec {
      state: string;
      scan_key: string;
      content?: Buffer;
    }
    const ingest = new SqliteDatastore(db).collection<Rec>('ingest');
    const bytes = Buffer.from([0, 1, 2, 0xff, 0x22, 0x5c]);
    await ingest.put('a', { state: 'queued', scan_key: 'k1', content: bytes });
    await ingest.putMany([['b', { state: 'queued', scan_key: 'k2' }]]);
    const stored = db.prepare('SELECT doc, bin FROM c_ingest WHERE id = ?').get('a') as { doc: string; bin: Buffer };
    assert.deepEqual(JSON.parse(stored.doc), { state: 'queued', scan_key: 'k1' }, 'the bytes are not in the JSON document');
    assert.deepEqual(stored.bin, bytes);
    assert.deepEqual((await ingest.get('a'))?.content, bytes);
    assert.equal((await ingest.get('b'))?.content, undefined);
    // An update that keeps the bytes rewrites only the document; one that drops them clears them.
    await ingest.update('a', (cur) => (cur ? { ...cur, state: 'scanning' } : undefined));
    assert.deepEqual(await ingest.get('a'), { state: 'scanning', scan_key: 'k1', content: bytes });
    const found = await ingest.search({ filter: { op: 'eq', field: 'state', value: 'scanning' } });
    assert.deepEqual(found.items, [{ state: 'scanning', scan_key: 'k1', content: bytes, id: 'a' }]);
    assert.deepEqual((await ingest.getMany(['a', 'b'])).get('a')?.content, bytes);
    await ingest.update('a', (cur) => (cur ? { state: cur.state, scan_key: cur.scan_key } : undefined));
    assert.equal((await ingest.get('a'))?.content, undefined);
    await assert.rejects(ingest.put('c', { state: 'queued', scan_key: 'k3', content: 'text' as unknown as Buffer }), /must hold bytes/);
  });

  it('moves the base64 content of ingests from before the binary column into it', () => {
    const old = new Database(':memory:');
    for (const m of MIGRATIONS.filter((x) => x.version < 9)) m.up(old);
    old.pragma('user_version = 8');
    const content = Buffer.from('MZ\x00 old ingest');
    old.prepare('INSERT INTO c_ingest (id, doc) VALUES (?, ?)').run('i1', JSON.stringify({ state: 'queued', content: content.toString('base64') }));
    old.prepare('INSERT INTO c_ingest (id, doc) VALUES (?, ?)').run('i2', JSON.stringify({ state: 'queued' }));
    assert.deepEqual(migrate(old), { from: 8, to: MIGRATIONS.at(-1)!.version });
    const rows = old.prepare('SELECT id, doc, bin FROM c_ingest ORDER BY id').all() as Array<{ id: string; doc: string; bin: Buffer | null }>;
    assert.deepEqual(rows.map((r) => [r.id, JSON.parse(r.doc), r.bin]), [
      ['i1', { state: 'queued' }, content],
      ['i2', { state: 'queued' }, null],
    ]);
    old.close();
  });

  it('refuses unknown collections', () => {
    assert.throws(() => new SqliteDatastore(db).collection('nope'), /unknown collection/);
  });
});
