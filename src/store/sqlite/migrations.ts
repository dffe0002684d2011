// Versioned schema migrations for the embedded SQLite database. The applied version is kept in
// PRAGMA user_version; each step runs once, in order, inside a transaction. Never edit a released step:
// add a new one.
import type BetterSqlite3 from 'better-sqlite3';
import { createCollectionTable } from './collection-table.js';
import { SEARCH_COMPOSITE_MIGRATION, SEARCH_MIGRATION } from './migration-search.js';

type DB = BetterSqlite3.Database;

export const MIGRATIONS: Array<{ version: number; description: string; up(db: DB): void }> = [
  {
    version: 1,
    description: 'users, API keys, sessions, priority queues and message lists',
    up(db) {
      createCollectionTable(db, 'user', ['uname']);
      createCollectionTable(db, 'apikey', ['uname', 'expiry_ts']);
      createCollectionTable(db, 'session', ['username', 'expires']);
      db.exec(`
        CREATE TABLE q_priority (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          queue TEXT NOT NULL,
          priority INTEGER NOT NULL,
          payload TEXT NOT NULL
        ) STRICT;
        CREATE INDEX ix_q_priority_order ON q_priority (queue, priority DESC, seq);
        CREATE TABLE q_list (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          list TEXT NOT NULL,
          payload TEXT NOT NULL
        ) STRICT;
        CREATE INDEX ix_q_list_order ON q_list (list, seq);
      `);
    },
  },
  {
    version: 2,
    description: 'file records',
    up(db) {
      createCollectionTable(db, 'file', ['md5', 'sha1', 'type', 'seen.last', 'expiry_ts']);
    },
  },
  {
    version: 3,
    description: 'submissions, results, errors, heuristics, ingest work list, once-only notifications',
    up(db) {
      createCollectionTable(db, 'submission', ['state', 'max_score', 'times.submitted', 'params.submitter', 'expiry_ts']);
      createCollectionTable(db, 'result', ['sha256', 'expiry_ts']);
      createCollectionTable(db, 'emptyresult', ['expiry_ts']);
      createCollectionTable(db, 'error', ['sha256', 'expiry_ts']);
      createCollectionTable(db, 'heuristic', []);
      createCollectionTable(db, 'filescore', ['expiry_ts']);
      createCollectionTable(db, 'ingest', ['scan_key']);
      // The ingester claims the best queued task: state, then priority, then arrival.
      db.exec(`CREATE INDEX ix_ingest_queue ON c_ingest (json_extract(doc, '$.state'), json_extract(doc, '$.priority') DESC, json_extract(doc, '$.queued'))`);
      db.exec('CREATE TABLE q_list_sent (id TEXT PRIMARY KEY, expires INTEGER NOT NULL) STRICT');
    },
  },
  {
    version: 4,
    description: 'alerts',
    up(db) {
      createCollectionTable(db, 'alert', ['sid', 'reporting_ts', 'expiry_ts']);
    },
  },
  {
    version: 5,
    description: 'user settings',
    up(db) {
      createCollectionTable(db, 'user_settings', []);
    },
  },
  {
    version: 6,
    description: 'signatures, safelist and badlist',
    up(db) {
      createCollectionTable(db, 'signature', ['name', 'type', 'source', 'status', 'last_modified']);
      for (const name of ['safelist', 'badlist']) {
        createCollectionTable(db, name, ['type', 'hashes.md5', 'hashes.sha1', 'hashes.sha256', 'tag.type', 'added', 'expiry_ts']);
      }
    },
  },
  SEARCH_MIGRATION,
  SEARCH_COMPOSITE_MIGRATION,
  {
    version: 9,
    description: 'ingest content in a BLOB column; no scan key index on ingests (duplicates meet in memory)',
    up(db) {
      db.exec('ALTER TABLE c_ingest ADD COLUMN bin BLOB');
      db.exec('DROP INDEX IF EXISTS ix_ingest_scan_key');
      // Ingests accepted by an earlier version carry their content base64-encoded inside the document.
      const rows = db.prepare(`SELECT id, doc FROM c_ingest WHERE json_extract(doc, '$.content') IS NOT NULL`).all() as Array<{ id: string; doc: string }>;
      const move = db.prepare('UPDATE c_ingest SET doc = ?, bin = ? WHERE id = ?');
      for (const r of rows) {
        const { content, ...rest } = JSON.parse(r.doc) as { content: string };
        move.run(JSON.stringify(rest), Buffer.from(content, 'base64'), r.id);
      }
    },
  },
];

export function migrate(db: DB): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  if (from > latest) {
    throw new Error(`the database schema (version ${from}) is newer than this Assay (version ${latest}); upgrade Assay`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: latest };
}
