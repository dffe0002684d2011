// Schema step for search: workflows, more expression indexes on the fields analysts query and sort on, and
// term tables that triggers keep in step with the documents, so values inside arrays of objects (result tags,
// heuristics, the files of a submission) are found through an index instead of unpacking every document.
import type BetterSqlite3 from 'better-sqlite3';
import { createCollectionTable } from './collection-table.js';

type DB = BetterSqlite3.Database;

/** SELECTs yielding (rid, field, value) from the document `NEW.doc` of row `NEW.rowid`. */
const TERM_SOURCES: Record<string, string[]> = {
  result: [
    // Every tag value: leaves under sections[].tags, named by their path without the array positions.
    `SELECT NEW.rowid, 'result.sections.' || substr(CASE WHEN typeof(t.key) = 'integer' THEN t.path ELSE t.fullkey END, 3), t.atom
       FROM json_each(NEW.doc, '$.result.sections') s, json_tree(s.value, '$.tags') t
      WHERE t.type NOT IN ('object', 'array')`,
    `SELECT NEW.rowid, 'result.sections.heuristic.heur_id', json_extract(s.value, '$.heuristic.heur_id')
       FROM json_each(NEW.doc, '$.result.sections') s WHERE json_extract(s.value, '$.heuristic.heur_id') IS NOT NULL`,
    `SELECT NEW.rowid, 'result.sections.heuristic.attack.attack_id', json_extract(a.value, '$.attack_id')
       FROM json_each(NEW.doc, '$.result.sections') s, json_each(s.value, '$.heuristic.attack') a
      WHERE json_extract(a.value, '$.attack_id') IS NOT NULL`,
    `SELECT NEW.rowid, 'result.sections.heuristic.signature.name', json_extract(g.value, '$.name')
       FROM json_each(NEW.doc, '$.result.sections') s, json_each(s.value, '$.heuristic.signature') g
      WHERE json_extract(g.value, '$.name') IS NOT NULL`,
  ],
  submission: [
    `SELECT NEW.rowid, 'files.sha256', json_extract(f.value, '$.sha256')
       FROM json_each(NEW.doc, '$.files') f WHERE json_extract(f.value, '$.sha256') IS NOT NULL`,
  ],
};

function createTermTable(db: DB, name: string): void {
  const x = `x_${name}_terms`;
  db.exec(`CREATE TABLE "${x}" (rid INTEGER NOT NULL, field TEXT NOT NULL, value ANY, PRIMARY KEY (field, value, rid)) STRICT, WITHOUT ROWID`);
  db.exec(`CREATE INDEX "ix_${x}_rid" ON "${x}" (rid)`);
  const fill = `INSERT OR IGNORE INTO "${x}" (rid, field, value) ${TERM_SOURCES[name]!.join(' UNION ')};`;
  db.exec(`CREATE TRIGGER "tr_${x}_ins" AFTER INSERT ON "c_${name}" BEGIN ${fill} END`);
  db.exec(`CREATE TRIGGER "tr_${x}_upd" AFTER UPDATE OF doc ON "c_${name}" BEGIN DELETE FROM "${x}" WHERE rid = OLD.rowid; ${fill} END`);
  db.exec(`CREATE TRIGGER "tr_${x}_del" AFTER DELETE ON "c_${name}" BEGIN DELETE FROM "${x}" WHERE rid = OLD.rowid; END`);
  // Existing records: the same SELECTs with the table row in place of NEW.
  const backfill = TERM_SOURCES[name]!.map((sel) => sel.replace(/NEW\.rowid/g, 'c.rowid').replace(/NEW\.doc/g, 'c.doc').replace(/ FROM /, ` FROM "c_${name}" c, `));
  db.exec(`INSERT OR IGNORE INTO "${x}" (rid, field, value) ${backfill.join(' UNION ')}`);
}

export const SEARCH_MIGRATION = {
  version: 7,
  description: 'workflows, search indexes, term tables for result tags and heuristics and submission files',
  up(db: DB): void {
    createCollectionTable(db, 'workflow', ['name', 'last_seen', 'enabled']);
    createCollectionTable(db, 'alert', ['owner', 'priority', 'status', 'al.score', 'file.sha256', 'type', 'ts']);
    createCollectionTable(db, 'result', ['created', 'response.service_name', 'result.score']);
    createCollectionTable(db, 'error', ['created']);
    createCollectionTable(db, 'heuristic', ['heur_id']);
    createTermTable(db, 'result');
    createTermTable(db, 'submission');
  },
};

/**
 * One index for the commonest analyst query, a submitter's submissions by score, newest first: the rows come
 * out in the default order straight from the index, the score is tested in the index, and a capped total is
 * counted from the index alone, without reading documents.
 */
export const SEARCH_COMPOSITE_MIGRATION = {
  version: 8,
  description: 'submission index by submitter, time and score',
  up(db: DB): void {
    const x = (f: string) => `json_extract(doc, '$.${f}')`;
    db.exec(`CREATE INDEX IF NOT EXISTS ix_submission_submitter_time_score ON c_submission (${x('params.submitter')}, ${x('times.submitted')}, ${x('max_score')})`);
  },
};
