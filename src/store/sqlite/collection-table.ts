// The table behind one collection, shared by the migration steps that create collections.
import type BetterSqlite3 from 'better-sqlite3';
import { jsonPath } from './sql.js';

/** A collection table: the key, the JSON document, and expression indexes on the named scalar fields. */
export function createCollectionTable(db: BetterSqlite3.Database, name: string, indexedFields: string[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS "c_${name}" (id TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT`);
  for (const field of indexedFields) {
    const ix = `ix_${name}_${field.replace(/\W/g, '_')}`;
    db.exec(`CREATE INDEX IF NOT EXISTS "${ix}" ON "c_${name}" (json_extract(doc, '${jsonPath(field)}'))`);
  }
}
