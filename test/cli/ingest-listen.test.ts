// The sensor scenario through the commands: `assay ingest` a directory with a notification queue, then
// `assay listen --until-empty` into SQLite and into PostgreSQL. Every file's score, tags and heuristics must be
// in the database, and running both commands again must change nothing.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { Client, type SubmissionFull } from '../../src/client/index.js';
import { openDatabase, type Db } from '../../src/cli/listen/database.js';
import { storeSubmission } from '../../src/cli/listen/writer.js';
import { ROOT } from '../helpers/cli.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../helpers/server.js';
import { builtinSubset, remoteEnv, runCliAsync } from './remote-support.js';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'strelka-fixtures');
const SAMPLES = ['test.exe', 'test.pdf', 'test.js', 'sub/test.zip', 'sub/test_hyperlinks.html'];
const ANALYSERS = ['characterize', 'extract', 'frankenstrings', 'pe', 'pdf'];
const TABLES = [
  'schema_migrations',
  'ingests',
  'submissions',
  'submission_metadata',
  'files',
  'submission_files',
  'results',
  'submission_results',
  'sections',
  'tags',
  'heuristics',
  'heuristic_signatures',
  'attack',
  'errors',
  'submission_errors',
];

/** Every table's rows in a stable order, to compare whole databases. */
async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    const rows = await db.all(`SELECT * FROM ${t}`);
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

describe('assay ingest + assay listen (notification queue into a database)', () => {
  let s: TestServer;
  let client: Client;
  const dir = mkdtempSync(join(tmpdir(), 'assay-ingest-listen-'));
  const samples = join(dir, 'samples');
  let services: string;

  before(async () => {
    services = builtinSubset(ANALYSERS);
    s = await startTestServer({ https: true, config: { services: { builtin: false, paths: [services], workers: 2 } } });
    client = new Client({ url: s.url, apikey: { user: 'admin', key: ADMIN_APIKEY }, insecure: true });
    mkdirSync(join(samples, 'sub'), { recursive: true });
    for (const f of SAMPLES) copyFileSync(join(CORPUS, f.replace(/^sub\//, '')), join(samples, f));
  });
  after(async () => {
    client?.close();
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (services) rmSync(services, { recursive: true, force: true });
  });

  /** The whole round: ingest, listen, check every file against the server, then both commands again. */
  async function roundTrip(queue: string, dbUrl: string): Promise<void> {
    const env = remoteEnv(s);
    const state = join(dir, `${queue}.state.json`);
    const ing = await runCliAsync(['ingest', samples, '--nq', queue, '--state', state, '--metadata', 'source=sensor-7', '--concurrency', '3'], env);
    assert.equal(ing.status, 0, ing.stderr);
    const sent = ing.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.equal(sent.length, SAMPLES.length, ing.stdout);
    assert.match(ing.stderr, new RegExp(`${SAMPLES.length} sent, 0 already sent, 0 empty, 0 failed`));
    const paths = sent.map((l) => l[2]).sort();
    assert.deepEqual(paths, SAMPLES.map((f) => join(samples, f)).sort());

    const lis = await runCliAsync(['listen', '--nq', queue, '--db', dbUrl, '--until-empty', '--expect', String(SAMPLES.length), '--poll-interval', '200'], env);
    assert.equal(lis.status, 0, lis.stderr);
    assert.match(lis.stderr, new RegExp(`${SAMPLES.length} received, ${SAMPLES.length} stored, 0 not analysed, 0 errors`));

    const db = await openDatabase(dbUrl);
    try {
      const ingests = await db.all<{ ingest_id: string; sid: string; status: string; file_path: string }>('SELECT ingest_id, sid, status, file_path FROM ingests');
      assert.equal(ingests.length, SAMPLES.length);
      assert.ok(ingests.every((i) => i.status === 'stored'));
      assert.deepEqual(ingests.map((i) => i.file_path).sort(), paths);
      const fulls: SubmissionFull[] = [];
      for (const i of ingests) {
        const full = await client.submission.full(i.sid);
        fulls.push(full);
        const [sub] = await db.all<{ max_score: number; state: string }>('SELECT max_score, state FROM submissions WHERE sid = ?', [i.sid]);
        assert.equal(sub!.state, 'completed');
        assert.equal(Number(sub!.max_score), full.max_score);
        const meta = await db.all<{ key: string; value: string }>('SELECT key, value FROM submission_metadata WHERE sid = ? ORDER BY key', [i.sid]);
        assert.equal(meta.find((m) => m.key === 'file_path')?.value, i.file_path);
        assert.equal(meta.find((m) => m.key === 'source')?.value, 'sensor-7');

        // Every file of the tree with the score the server computed.
        const want: string[] = [];
        const walk = (nodes: SubmissionFull['file_tree'], parent: string) => {
          for (const [sha, n] of Object.entries(nodes)) {
            for (const name of n.name) want.push(`${sha}|${parent}|${name}|${n.score}`);
            walk(n.children, sha);
          }
        };
        walk(full.file_tree, '');
        const files = await db.all<{ sha256: string; parent_sha256: string; name: string; score: number }>(
          'SELECT sha256, parent_sha256, name, score FROM submission_files WHERE sid = ?',
          [i.sid],
        );
        assert.deepEqual(files.map((f) => `${f.sha256}|${f.parent_sha256}|${f.name}|${Number(f.score)}`).sort(), want.sort());
        const root = Object.keys(full.file_tree)[0]!;
        const [info] = await db.all<{ sha256: string; type: string }>('SELECT sha256, type FROM files WHERE sha256 = ?', [root]);
        assert.equal(info!.type, full.file_infos[root]!.type);

        // Every result's score, tags and heuristics.
        const wantTags: string[] = [];
        const wantHeur: string[] = [];
        const wantAttack: string[] = [];
        for (const [key, r] of Object.entries(full.results)) {
          const [row] = await db.all<{ score: number; service_name: string }>('SELECT score, service_name FROM results WHERE result_key = ?', [key]);
          assert.equal(Number(row!.score), r.result.score, key);
          assert.equal(row!.service_name, r.response.service_name);
          r.result.sections.forEach((sec, n) => {
            for (const t of sec.tags) wantTags.push(`${key}|${n}|${t.type}|${t.value}`);
            if (sec.heuristic) {
              wantHeur.push(`${key}|${n}|${sec.heuristic.heur_id}|${sec.heuristic.score}`);
              for (const a of sec.heuristic.attack ?? []) wantAttack.push(`${key}|${n}|${a.attack_id}`);
            }
          });
        }
        const keys = Object.keys(full.results);
        const inKeys = `(${keys.map(() => '?').join(', ') || "''"})`;
        const tags = await db.all<{ result_key: string; section_no: number; type: string; value: string }>(`SELECT * FROM tags WHERE result_key IN ${inKeys}`, keys);
        assert.deepEqual(tags.map((t) => `${t.result_key}|${Number(t.section_no)}|${t.type}|${t.value}`).sort(), [...new Set(wantTags)].sort());
        const heur = await db.all<{ result_key: string; section_no: number; heur_id: string; score: number }>(`SELECT * FROM heuristics WHERE result_key IN ${inKeys}`, keys);
        assert.deepEqual(heur.map((h) => `${h.result_key}|${Number(h.section_no)}|${h.heur_id}|${Number(h.score)}`).sort(), wantHeur.sort());
        const attack = await db.all<{ result_key: string; section_no: number; attack_id: string }>(`SELECT * FROM attack WHERE result_key IN ${inKeys}`, keys);
        assert.deepEqual(attack.map((a) => `${a.result_key}|${Number(a.section_no)}|${a.attack_id}`).sort(), [...new Set(wantAttack)].sort());
      }
      // The samples are real files: the analysers found something to say about them.
      assert.ok(Number((await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM tags'))[0]!.n) > 0, 'tags stored');
      assert.ok(Number((await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM heuristics'))[0]!.n) > 0, 'heuristics stored');
      assert.ok(Number((await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM submission_files WHERE parent_sha256 <> \'\''))[0]!.n) > 0, 'the zip was extracted');

      // The queries documented in docs/listener-schema.md run on both engines and answer sensibly.
      const queries = [...readFileSync(join(ROOT, 'docs', 'listener-schema.md'), 'utf8').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
      assert.equal(queries.length, 4);
      const perFile = await db.all<{ file_path: string; max_score: number }>(queries[0]!);
      assert.deepEqual(perFile.map((r) => r.file_path).sort(), paths);
      const tree = await db.all(queries[1]!, [ingests.find((i) => i.file_path.endsWith('test.zip'))!.sid]);
      assert.ok(tree.length > 1);
      for (const q of queries.slice(2)) await db.all(q);
      const heurs = await db.all<{ heur_id: string; hits: number }>(queries[3]!);
      assert.ok(heurs.length > 0);

      const first = await snapshot(db);
      // Both commands again: nothing is sent, nothing arrives, nothing changes.
      const again = await runCliAsync(['ingest', samples, '--nq', queue, '--state', state], env);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(again.stdout, '');
      assert.match(again.stderr, new RegExp(`0 sent, ${SAMPLES.length} already sent, 0 empty, 0 failed`));
      const lis2 = await runCliAsync(['listen', '--nq', queue, '--db', dbUrl, '--until-empty', '--idle', '1', '--poll-interval', '200'], env);
      assert.equal(lis2.status, 0, lis2.stderr);
      assert.match(lis2.stderr, /0 received, 0 stored/);
      assert.deepEqual(await snapshot(db), first);
      // Storing the same submissions again (a message delivered twice) is an upsert of identical rows.
      for (const [n, full] of fulls.entries()) await storeSubmission(db, full, ingests[n]!.ingest_id);
      assert.deepEqual(await snapshot(db), first);
    } finally {
      await db.close();
    }
  }

  it('stores every result in SQLite, and a second run changes nothing', { timeout: 300_000 }, async () => {
    await roundTrip('sensor-sqlite', `sqlite:${join(dir, 'results.db')}`);
  });

  it('stores every result in PostgreSQL, and a second run changes nothing', { timeout: 300_000 }, async (t) => {
    const base = process.env.ASSAY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
    try {
      await admin.connect();
    } catch (err) {
      if (process.env.CI === 'true') assert.fail(`PostgreSQL at ${base} is required in CI: ${(err as Error).message}`);
      t.skip(`PostgreSQL not reachable at ${base}`);
      return;
    }
    const schema = `assay_listen_${process.pid}_${Date.now()}`;
    try {
      const u = new URL(base);
      u.searchParams.set('schema', schema);
      await roundTrip('sensor-pg', u.toString());
      const tables = await admin.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
      assert.equal(tables.rowCount, TABLES.length);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
