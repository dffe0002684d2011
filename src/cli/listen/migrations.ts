// Versioned schema of the listener's database. Each migration runs once, in order, inside a transaction, and
// is recorded in schema_migrations; never edit a released migration, add the next one.
import type { Db, Dialect } from './database.js';

interface Migration {
  version: number;
  name: string;
  /** Statements; `$REAL` is the dialect's floating-point type. */
  up: string[];
}

// Types are chosen to mean the same in both engines: TEXT, BIGINT (SQLite integer affinity), flags as
// INTEGER 0/1 (better-sqlite3 cannot bind booleans), JSON documents as TEXT.
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'submissions, files, results, sections, tags, heuristics, attack',
    up: [
      `CREATE TABLE ingests (
         ingest_id TEXT PRIMARY KEY,
         sid TEXT,
         queue TEXT NOT NULL,
         score BIGINT,
         failure TEXT NOT NULL DEFAULT '',
         file_path TEXT,
         notify_time TEXT,
         message TEXT NOT NULL,
         status TEXT NOT NULL,
         error TEXT
       )`,
      `CREATE TABLE submissions (
         sid TEXT PRIMARY KEY,
         state TEXT NOT NULL,
         max_score BIGINT NOT NULL,
         classification TEXT,
         submitter TEXT,
         description TEXT,
         submitted_at TEXT,
         completed_at TEXT,
         file_count BIGINT,
         error_count BIGINT,
         metadata TEXT NOT NULL,
         params TEXT NOT NULL
       )`,
      `CREATE TABLE submission_metadata (
         sid TEXT NOT NULL,
         key TEXT NOT NULL,
         value TEXT NOT NULL,
         PRIMARY KEY (sid, key)
       )`,
      `CREATE TABLE files (
         sha256 TEXT PRIMARY KEY,
         md5 TEXT,
         sha1 TEXT,
         ssdeep TEXT,
         tlsh TEXT,
         size BIGINT,
         type TEXT,
         magic TEXT,
         mime TEXT,
         entropy $REAL,
         classification TEXT
       )`,
      `CREATE TABLE submission_files (
         sid TEXT NOT NULL,
         sha256 TEXT NOT NULL,
         parent_sha256 TEXT NOT NULL,
         name TEXT NOT NULL,
         depth BIGINT NOT NULL,
         score BIGINT NOT NULL,
         PRIMARY KEY (sid, sha256, parent_sha256, name)
       )`,
      `CREATE TABLE results (
         result_key TEXT PRIMARY KEY,
         sha256 TEXT NOT NULL,
         service_name TEXT NOT NULL,
         service_version TEXT,
         service_tool_version TEXT,
         score BIGINT NOT NULL,
         classification TEXT,
         created TEXT,
         drop_file INTEGER NOT NULL,
         partial INTEGER NOT NULL
       )`,
      `CREATE TABLE submission_results (
         sid TEXT NOT NULL,
         result_key TEXT NOT NULL,
         PRIMARY KEY (sid, result_key)
       )`,
      `CREATE TABLE sections (
         result_key TEXT NOT NULL,
         section_no BIGINT NOT NULL,
         title_text TEXT,
         body_format TEXT,
         body TEXT,
         depth BIGINT,
         classification TEXT,
         heur_id TEXT,
         promote_to TEXT,
         PRIMARY KEY (result_key, section_no)
       )`,
      `CREATE TABLE tags (
         result_key TEXT NOT NULL,
         section_no BIGINT NOT NULL,
         type TEXT NOT NULL,
         value TEXT NOT NULL,
         safelisted INTEGER NOT NULL,
         PRIMARY KEY (result_key, section_no, type, value)
       )`,
      `CREATE TABLE heuristics (
         result_key TEXT NOT NULL,
         section_no BIGINT NOT NULL,
         heur_id TEXT NOT NULL,
         name TEXT,
         score BIGINT NOT NULL,
         PRIMARY KEY (result_key, section_no)
       )`,
      `CREATE TABLE heuristic_signatures (
         result_key TEXT NOT NULL,
         section_no BIGINT NOT NULL,
         name TEXT NOT NULL,
         frequency BIGINT NOT NULL,
         safe INTEGER NOT NULL,
         PRIMARY KEY (result_key, section_no, name)
       )`,
      `CREATE TABLE attack (
         result_key TEXT NOT NULL,
         section_no BIGINT NOT NULL,
         attack_id TEXT NOT NULL,
         pattern TEXT,
         categories TEXT NOT NULL,
         PRIMARY KEY (result_key, section_no, attack_id)
       )`,
      `CREATE TABLE errors (
         error_key TEXT PRIMARY KEY,
         sha256 TEXT NOT NULL,
         service_name TEXT,
         service_version TEXT,
         status TEXT,
         message TEXT,
         type TEXT,
         severity TEXT,
         created TEXT
       )`,
      `CREATE TABLE submission_errors (
         sid TEXT NOT NULL,
         error_key TEXT NOT NULL,
         PRIMARY KEY (sid, error_key)
       )`,
      'CREATE INDEX ingests_status ON ingests (status)',
      'CREATE INDEX submission_files_sha256 ON submission_files (sha256)',
      'CREATE INDEX results_sha256 ON results (sha256)',
      'CREATE INDEX tags_type_value ON tags (type, value)',
      'CREATE INDEX heuristics_heur_id ON heuristics (heur_id)',
      'CREATE INDEX attack_attack_id ON attack (attack_id)',
      'CREATE INDEX submission_metadata_key_value ON submission_metadata (key, value)',
    ],
  },
];

function dialectSql(sql: string, dialect: Dialect): string {
  return sql.replaceAll('$REAL', dialect === 'postgres' ? 'DOUBLE PRECISION' : 'REAL');
}

/** Apply the migrations the database has not seen; return the versions applied. */
export async function migrate(db: Db, now: () => string = () => new Date().toISOString()): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    const done = await db.transaction(async () => {
      // Two listeners starting together on PostgreSQL: the lock makes the second wait and then see the row.
      if (db.dialect === 'postgres') await db.exec('SELECT pg_advisory_xact_lock(7240113)');
      const rows = await db.all('SELECT version FROM schema_migrations WHERE version = ?', [m.version]);
      if (rows.length) return false;
      for (const stmt of m.up) await db.exec(dialectSql(stmt, db.dialect));
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now()]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

export const LATEST_VERSION = MIGRATIONS.at(-1)!.version;
