// One SQLite file holds the embedded datastore and queues. WAL lets readers run while a writer commits.
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

export type SqliteHandle = BetterSqlite3.Database;

export function openSqlite(file: string): SqliteHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  registerFunctions(db);
  migrate(db);
  refreshStatistics(db);
  return db;
}

const STATISTICS_EVERY_MS = 3_600_000;

/**
 * Keep the planner's statistics current (SQLite's advice for long-lived connections): with them it picks the
 * index that also serves the sort (submitter and time) over one that only narrows the rows (submitter and
 * score). Sampling is bounded, so this stays cheap on large files.
 */
function refreshStatistics(db: SqliteHandle): void {
  const run = () => {
    if (!db.open) return clearInterval(timer);
    db.pragma('analysis_limit = 1000');
    db.pragma('optimize = 0x10002');
  };
  const timer = setInterval(run, STATISTICS_EVERY_MS);
  timer.unref();
  run();
}

/** Refresh the planner's statistics now (after a bulk load, say). */
export function analyze(db: SqliteHandle): void {
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
}

const REGEX_CACHE = new Map<string, RegExp | null>();

/** Lucene regular expressions match the whole value; a pattern JavaScript cannot compile matches nothing. */
function compiledRegex(pattern: string): RegExp | null {
  let re = REGEX_CACHE.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      re = null;
    }
    if (REGEX_CACHE.size > 200) REGEX_CACHE.clear();
    REGEX_CACHE.set(pattern, re);
  }
  return re;
}

function registerFunctions(db: SqliteHandle): void {
  db.function('assay_regex', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (value === null || value === undefined || typeof pattern !== 'string') return 0;
    return compiledRegex(pattern)?.test(String(value)) ? 1 : 0;
  });
}
