// `assay listen` without --until-empty runs until it is told to stop, and stops cleanly on SIGTERM and SIGINT.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { exitOf, spawnCli } from '../helpers/cli.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../helpers/server.js';
import { Client, type IngestMessage } from '../../src/client/index.js';
import { openDatabase } from '../../src/cli/listen/database.js';
import { LATEST_VERSION, migrate } from '../../src/cli/listen/migrations.js';
import { recordMessages } from '../../src/cli/listen/writer.js';
import { remoteEnv, runCliAsync } from './remote-support.js';

describe('assay listen: signals and interrupted runs', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'assay-listen-signal-'));
  before(async () => {
    s = await startTestServer({ https: true });
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`migrates, polls, and exits 0 on ${signal}`, { timeout: 60_000 }, async () => {
      const db = join(dir, `${signal}.db`);
      const child = spawnCli(['listen', '--nq', 'quiet', '--db', `sqlite:${db}`, '--poll-interval', '100'], remoteEnv(s));
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d.toString()));
      for (let i = 0; i < 300 && !/applied migration/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(stderr, /applied migration 1/);
      child.kill(signal);
      assert.equal(await exitOf(child), 0, stderr);
      assert.match(stderr, /listen: 0 received, 0 stored/);
      const conn = new Database(db, { readonly: true });
      const versions = conn.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
      conn.close();
      assert.deepEqual(versions.map((v) => v.version), [LATEST_VERSION]);
    });
  }

  it('refuses a database it does not know', { timeout: 30_000 }, async () => {
    const r = await runCliAsync(['listen', '--nq', 'q', '--db', 'mysql://x'], remoteEnv(s));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown database/);
  });

  it('finishes messages taken by an interrupted run before reading the queue again', { timeout: 60_000 }, async () => {
    const client = new Client({ url: s.url, apikey: { user: 'admin', key: ADMIN_APIKEY }, insecure: true });
    const path = join(dir, 'resume.db');
    try {
      await client.ingest({ content: 'left behind', fname: 'left.txt', nq: 'resume', metadata: { file_path: 'left.txt' } });
      let taken: IngestMessage[] = [];
      for (let i = 0; i < 300 && !taken.length; i++) {
        taken = await client.ingest.getMessageList('resume');
        if (!taken.length) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(taken.length, 1);
      // What a run stopped between taking the message and storing its results leaves behind.
      const db = await openDatabase(`sqlite:${path}`);
      await migrate(db);
      await recordMessages(db, 'resume', taken);
      await db.close();
    } finally {
      client.close();
    }
    const r = await runCliAsync(['listen', '--nq', 'resume', '--db', `sqlite:${path}`, '--until-empty'], remoteEnv(s));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /0 received, 1 stored/);
    const conn = new Database(path, { readonly: true });
    const rows = conn.prepare('SELECT i.status, i.file_path, s.state FROM ingests i JOIN submissions s ON s.sid = i.sid').all();
    conn.close();
    assert.deepEqual(rows, [{ status: 'stored', file_path: 'left.txt', state: 'completed' }]);
  });
});
