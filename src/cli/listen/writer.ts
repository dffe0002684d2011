// Turns notification messages and full submissions into normalised rows. Every write is an upsert keyed by
// the record's own identity (ingest_id, sid, sha256, result key, error key), so storing the same thing twice
// leaves the database exactly as it was.
import type { ErrorRecord, FileTreeNode, IngestMessage, ResultRecord, SubmissionFull } from '../../client/index.js';
import type { Db, SqlValue } from './database.js';

// A file tree is bounded by the server's extraction limits; this guards against a malformed or cyclic one.
const MAX_TREE_NODES = 100_000;

/** Insert, or update the non-key columns (except `keep`, which keep their first stored value). */
export async function upsert(db: Db, table: string, keys: string[], row: Record<string, SqlValue>, keep: string[] = []): Promise<void> {
  const cols = Object.keys(row);
  const rest = cols.filter((c) => !keys.includes(c) && !keep.includes(c));
  const action = rest.length ? `DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}` : 'DO NOTHING';
  await db.run(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (${keys.join(', ')}) ${action}`,
    cols.map((c) => row[c] ?? null),
  );
}

const str = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const flag = (v: unknown): number => (v ? 1 : 0);
const json = (v: unknown): string => JSON.stringify(v ?? null);

/** The metadata key that carries the sender's file path (`file_path`, as the ingest command writes it). */
export const PATH_KEY = 'file_path';

/** Record messages as soon as they are taken from the queue: the queue forgets them, the database must not. */
export async function recordMessages(db: Db, queue: string, messages: IngestMessage[]): Promise<void> {
  await db.transaction(async () => {
    for (const m of messages) {
      const ingestId = m.ingest_id ?? m.submission?.metadata?.ingest_id ?? m.submission?.sid;
      if (!ingestId) continue;
      await upsert(db, 'ingests', ['ingest_id'], {
        ingest_id: ingestId,
        sid: str(m.submission?.sid),
        queue,
        score: num(m.score),
        failure: m.failure ?? '',
        file_path: str(m.submission?.metadata?.[PATH_KEY]),
        notify_time: str(m.notify_time),
        message: json(m),
        status: m.failure ? 'failed' : 'pending',
        error: null,
      });
    }
  });
}

export interface PendingIngest {
  ingest_id: string;
  sid: string;
}

/** Messages taken but not stored: interrupted (pending) or failed to fetch or store last time (error). */
export function pendingIngests(db: Db): Promise<PendingIngest[]> {
  return db.all<PendingIngest>("SELECT ingest_id, sid FROM ingests WHERE status IN ('pending', 'error') AND sid IS NOT NULL ORDER BY ingest_id");
}

export async function markIngest(db: Db, ingestId: string, status: 'stored' | 'error', error: string | null): Promise<void> {
  await db.transaction(() => db.run('UPDATE ingests SET status = ?, error = ? WHERE ingest_id = ?', [status, error, ingestId]));
}

async function writeResult(db: Db, key: string, r: ResultRecord): Promise<void> {
  const row = {
    result_key: key,
    sha256: r.sha256,
    service_name: r.response?.service_name ?? '',
    service_version: str(r.response?.service_version),
    service_tool_version: str(r.response?.service_tool_version),
    score: num(r.result?.score) ?? 0,
    classification: str(r.classification),
    created: str(r.created),
    drop_file: flag(r.drop_file),
    partial: flag(r.partial),
  };
  // Empty results (keys ending in .e) are not stored by the server: it makes one up, stamped with the time of
  // the request, whenever it is asked. The first time seen is kept so a second fetch changes nothing.
  await upsert(db, 'results', ['result_key'], row, ['created']);
  const sections = Array.isArray(r.result?.sections) ? r.result.sections : [];
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]!;
    const h = s.heuristic ?? null;
    await upsert(db, 'sections', ['result_key', 'section_no'], {
      result_key: key,
      section_no: i,
      title_text: str(s.title_text),
      body_format: str(s.body_format),
      body: s.body === undefined || s.body === null ? null : typeof s.body === 'string' ? s.body : JSON.stringify(s.body),
      depth: num(s.depth),
      classification: str(s.classification),
      heur_id: h ? str(h.heur_id) : null,
      promote_to: str(s.promote_to),
    });
    for (const t of Array.isArray(s.tags) ? s.tags : []) {
      if (!t || typeof t.type !== 'string') continue;
      await upsert(db, 'tags', ['result_key', 'section_no', 'type', 'value'], {
        result_key: key,
        section_no: i,
        type: t.type,
        value: String(t.value),
        safelisted: flag(t.safelisted),
      });
    }
    if (h && h.heur_id) {
      await upsert(db, 'heuristics', ['result_key', 'section_no'], { result_key: key, section_no: i, heur_id: h.heur_id, name: str(h.name), score: num(h.score) ?? 0 });
      for (const a of Array.isArray(h.attack) ? h.attack : []) {
        await upsert(db, 'attack', ['result_key', 'section_no', 'attack_id'], {
          result_key: key,
          section_no: i,
          attack_id: a.attack_id,
          pattern: str(a.pattern),
          categories: json(a.categories ?? []),
        });
      }
      for (const sig of Array.isArray(h.signature) ? h.signature : []) {
        await upsert(db, 'heuristic_signatures', ['result_key', 'section_no', 'name'], {
          result_key: key,
          section_no: i,
          name: sig.name,
          frequency: num(sig.frequency) ?? 1,
          safe: flag(sig.safe),
        });
      }
    }
  }
}

async function writeError(db: Db, key: string, e: ErrorRecord): Promise<void> {
  await upsert(db, 'errors', ['error_key'], {
    error_key: key,
    sha256: e.sha256,
    service_name: str(e.response?.service_name),
    service_version: str(e.response?.service_version),
    status: str(e.response?.status),
    message: str(e.response?.message),
    type: str(e.type),
    severity: str(e.severity),
    created: str(e.created),
  });
}

async function writeTree(db: Db, sid: string, tree: Record<string, FileTreeNode>): Promise<void> {
  let budget = MAX_TREE_NODES;
  const walk = async (nodes: Record<string, FileTreeNode>, parent: string, depth: number): Promise<void> => {
    for (const [sha256, node] of Object.entries(nodes ?? {})) {
      if (--budget < 0) return;
      const names = Array.isArray(node.name) && node.name.length ? node.name : [''];
      for (const name of names) {
        await upsert(db, 'submission_files', ['sid', 'sha256', 'parent_sha256', 'name'], {
          sid,
          sha256,
          parent_sha256: parent,
          name: String(name),
          depth,
          score: num(node.score) ?? 0,
        });
      }
      if (node.children && typeof node.children === 'object') await walk(node.children, sha256, depth + 1);
    }
  };
  await walk(tree, '', 0);
}

/** Store a submission and everything under it, and mark its ingest stored, in one transaction. */
export async function storeSubmission(db: Db, full: SubmissionFull, ingestId?: string): Promise<void> {
  await db.transaction(async () => {
    const sid = full.sid;
    await upsert(db, 'submissions', ['sid'], {
      sid,
      state: full.state,
      max_score: num(full.max_score) ?? 0,
      classification: str(full.classification),
      submitter: str(full.params?.submitter),
      description: str(full.params?.description),
      submitted_at: str(full.times?.submitted),
      completed_at: str(full.times?.completed),
      file_count: num(full.file_count),
      error_count: num(full.error_count),
      metadata: json(full.metadata ?? {}),
      params: json(full.params ?? {}),
    });
    for (const [k, v] of Object.entries(full.metadata ?? {})) {
      await upsert(db, 'submission_metadata', ['sid', 'key'], { sid, key: k, value: typeof v === 'string' ? v : JSON.stringify(v) });
    }
    for (const [sha256, f] of Object.entries(full.file_infos ?? {})) {
      await upsert(db, 'files', ['sha256'], {
        sha256,
        md5: str(f.md5),
        sha1: str(f.sha1),
        ssdeep: str(f.ssdeep),
        tlsh: str(f.tlsh),
        size: num(f.size),
        type: str(f.type),
        magic: str(f.magic),
        mime: str(f.mime),
        entropy: num(f.entropy),
        classification: str(f.classification),
      });
    }
    await writeTree(db, sid, full.file_tree ?? {});
    for (const [key, r] of Array.isArray(full.results) ? [] : Object.entries(full.results ?? {})) {
      await writeResult(db, key, r);
      await upsert(db, 'submission_results', ['sid', 'result_key'], { sid, result_key: key });
    }
    // Errors come keyed by error key; a list (no keys) cannot be stored idempotently and is left out.
    for (const [key, e] of Array.isArray(full.errors) ? [] : Object.entries(full.errors ?? {})) {
      await writeError(db, key, e);
      await upsert(db, 'submission_errors', ['sid', 'error_key'], { sid, error_key: key });
    }
    if (ingestId) await db.run("UPDATE ingests SET status = 'stored', error = NULL WHERE ingest_id = ?", [ingestId]);
  });
}
