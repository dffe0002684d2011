// Durable priority queues and message lists in SQLite.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteQueueStore } from '../../src/store/sqlite/sqlite-queues.js';

describe('SQLite queues', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-q-'));
  const file = join(dir, 'assay.db');
  const db = openSqlite(file);
  const store = new SqliteQueueStore(db);
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves higher priority first and equal priorities in arrival order', async () => {
    const q = store.priorityQueue<{ n: number }>('ingest');
    await q.push({ n: 1 }, 100);
    await q.push({ n: 2 }, 500);
    await q.push({ n: 3 }, 100);
    await q.push({ n: 4 }, 500);
    await q.push({ n: 5 }, 1000);
    assert.equal(await q.length(), 5);
    assert.equal(await q.countRange(100, 499), 2);
    assert.deepEqual((await q.popBatch(3)).map((x) => x.n), [5, 2, 4]);
    assert.deepEqual((await q.pop())?.n, 1);
    assert.deepEqual((await q.pop())?.n, 3);
    assert.equal(await q.pop(), null);
  });

  it('keeps queues apart and survives reopening the file', async () => {
    await store.priorityQueue('a').push('x', 1);
    await store.priorityQueue('b').push('y', 1);
    const other = openSqlite(file);
    const reopened = new SqliteQueueStore(other);
    assert.equal(await reopened.priorityQueue('a').pop(), 'x');
    assert.equal(await reopened.priorityQueue('a').pop(), null);
    assert.equal(await reopened.priorityQueue('b').length(), 1);
    await reopened.priorityQueue('b').clear();
    other.close();
  });

  it('wakes a blocked pop when an item arrives, and times out otherwise', async () => {
    const q = store.priorityQueue<string>('wait');
    const t0 = Date.now();
    const waiting = q.pop(5000);
    setTimeout(() => void q.push('hello', 1), 50);
    assert.equal(await waiting, 'hello');
    assert.ok(Date.now() - t0 < 1000, 'woken promptly, not by the poll');
    const t1 = Date.now();
    assert.equal(await q.pop(300), null);
    assert.ok(Date.now() - t1 >= 290);
  });

  it('hands each item to exactly one of several concurrent consumers', async () => {
    const q = store.priorityQueue<number>('race');
    const consumers = Array.from({ length: 5 }, () => q.pop(2000));
    for (let i = 0; i < 5; i++) await q.push(i, 0);
    const got = (await Promise.all(consumers)).sort();
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
  });

  it('keeps message lists in order and drains them in pages', async () => {
    const nq = store.messageLists<{ i: number }>('nq');
    for (let i = 0; i < 7; i++) await nq.push('sensor-a', { i });
    await nq.push('sensor-b', { i: 99 });
    assert.equal(await nq.length('sensor-a'), 7);
    assert.deepEqual(await nq.pop('sensor-a'), { i: 0 });
    assert.deepEqual((await nq.popMany('sensor-a', 3)).map((m) => m.i), [1, 2, 3]);
    assert.deepEqual((await nq.popMany('sensor-a', -1)).map((m) => m.i), [4, 5, 6]);
    assert.equal(await nq.pop('sensor-a'), null);
    assert.equal(await nq.length('sensor-b'), 1);
    await nq.delete('sensor-b');
    assert.equal(await nq.length('sensor-b'), 0);
    const other = store.messageLists('other');
    await other.push('sensor-a', 1);
    assert.equal(await nq.length('sensor-a'), 0, 'namespaces are separate');
  });

  it('pushes a message once per id, however often the sender retries', async () => {
    const nq = store.messageLists<{ n: number }>('once');
    assert.equal(await nq.pushOnce('q', 'ingest-1', { n: 1 }), true);
    assert.equal(await nq.pushOnce('q', 'ingest-1', { n: 1 }), false);
    assert.equal(await nq.pushOnce('other', 'ingest-1', { n: 1 }), false, 'ids are unique across lists');
    assert.equal(await nq.pushOnce('q', 'ingest-2', { n: 2 }), true);
    assert.deepEqual((await nq.popMany('q', -1)).map((m) => m.n), [1, 2]);
    assert.equal(await nq.pushOnce('q', 'ingest-1', { n: 1 }), false, 'still remembered after delivery');
    assert.equal(await store.messageLists('elsewhere').pushOnce('q', 'ingest-1', 1), true, 'per namespace');
  });
});
