// Search speed on a large embedded datastore.
//
//   npx tsx bench/search.ts [--count 1000000] [--results 200000] [--runs 40] [--pages 200] [--data DIR]
//
// Generates `count` submission records and `results` result records (with tags and heuristics) straight
// through the datastore (bulk inserts in transactions), then times, over repeated runs:
//   1. the query `max_score:[500 TO *] AND params.submitter:alice` (25 rows and the capped total),
//   2. a tag query on results (`result.sections.tags.network.static.domain:<domain>`),
//   3. a facet on `params.submitter` over every submission,
//   4. a deep-paged stream of 100-row pages (time per page).
// Targets on a 2-core machine: p50 <= 50 ms for the query, <= 250 ms for the facet.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, openSqlite } from '../src/store/sqlite/database.js';
import { SqliteDatastore } from '../src/store/sqlite/sqlite-datastore.js';
import { SearchEngine } from '../src/core/search/engine.js';
import { searchIndex } from '../src/core/search/indices.js';
import { facet } from '../src/core/search/aggregations.js';
import { isoDate } from '../src/core/util/time.js';
import { percentile } from './lib.js';

const { values: o } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    results: { type: 'string' },
    runs: { type: 'string', default: '40' },
    pages: { type: 'string', default: '200' },
    data: { type: 'string' },
  },
});
const COUNT = Number(o.count);
const RESULTS = Number(o.results ?? Math.round(COUNT / 5));
const RUNS = Number(o.runs);
const PAGES = Number(o.pages);
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const SERVICES = ['Extract', 'Characterize', 'FrankenStrings', 'YARA', 'PE', 'Email'];
const BATCH = 10_000;

// A fixed-seed generator (mulberry32) so runs are comparable.
let seed = 42;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
const hex64 = (n: number) => n.toString(16).padStart(64, '0');
const T0 = Date.now() - 365 * 86_400_000;

function submission(i: number) {
  const submitted = T0 + Math.floor((i / COUNT) * 365 * 86_400_000);
  const user = pick(USERS);
  return {
    sid: `sid${i}`,
    archived: false,
    classification: 'TLP:C',
    error_count: 0,
    errors: [],
    expiry_ts: isoDate(submitted + 30 * 86_400_000),
    file_count: 1 + Math.floor(rnd() * 5),
    files: [{ name: `sample-${i}.exe`, sha256: hex64(i), size: Math.floor(rnd() * 1e6) }],
    max_score: Math.floor(rnd() * 2000),
    metadata: { source: pick(['sensor', 'mail', 'web']) },
    params: {
      classification: 'TLP:C', deep_scan: false, description: `Inspection of sample-${i}.exe`, generate_alert: false,
      groups: ['USERS'], priority: 1000, submitter: user, type: 'USER', ttl: 30,
      services: { selected: ['Static Analysis', 'Extraction'], excluded: [], rescan: [], resubmit: [] },
    },
    results: [`${hex64(i)}.Extract.v1_0.c0`],
    sid_: i,
    state: 'completed',
    times: { submitted: isoDate(submitted), completed: isoDate(submitted + 20_000) },
    verdict: { malicious: [], non_malicious: [] },
  };
}

function result(i: number) {
  return {
    classification: 'TLP:C',
    created: isoDate(T0 + Math.floor((i / RESULTS) * 365 * 86_400_000)),
    sha256: hex64(i),
    response: { service_name: pick(SERVICES), service_version: '1.0', extracted: [], supplementary: [], milestones: {} },
    result: {
      score: Math.floor(rnd() * 1000),
      sections: [
        {
          title_text: 'Network indicators', body: 'x', body_format: 'TEXT', depth: 0, classification: 'TLP:C',
          heuristic: { heur_id: `EXTRACT.${1 + Math.floor(rnd() * 5)}`, name: 'h', score: 100, attack: [{ attack_id: 'T1027', pattern: 'Obfuscation', categories: ['defense-evasion'] }], signature: [] },
          tags: { network: { static: { domain: [`d${(i * 7919) % 5000}.example`, 'common.example'], ip: [`10.0.${i % 256}.${Math.floor(rnd() * 256)}`] } } },
        },
        { title_text: 'Strings', body: 'y', body_format: 'TEXT', depth: 0, classification: 'TLP:C', heuristic: null, tags: { file: { string: { extracted: [`str${i % 1000}`] } } } },
      ],
    },
    type: 'executable/windows/pe32',
    size: 1000,
  };
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5).toFixed(1), p99: percentile(s, 0.99).toFixed(1), n: s.length };
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

const dir = o.data ?? mkdtempSync(join(tmpdir(), 'assay-search-bench-'));
const db = openSqlite(join(dir, 'assay.db'));
const ds = new SqliteDatastore(db);
const engine = new SearchEngine(ds);
const admin = { uname: 'admin', groups: [], classification: 'TLP:C', isAdmin: true };

try {
  const subs = ds.collection<Record<string, unknown>>('submission');
  const results = ds.collection<Record<string, unknown>>('result');
  const have = await subs.count(undefined);
  if (have < COUNT) {
    const t = performance.now();
    for (let i = have; i < COUNT; i += BATCH) {
      await subs.putMany(Array.from({ length: Math.min(BATCH, COUNT - i) }, (_, k) => [`sid${i + k}`, submission(i + k)]));
    }
    console.log(`inserted ${COUNT - have} submissions in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const haveR = await results.count(undefined);
  if (haveR < RESULTS) {
    const t = performance.now();
    for (let i = haveR; i < RESULTS; i += BATCH) {
      await results.putMany(Array.from({ length: Math.min(BATCH, RESULTS - i) }, (_, k) => [`${hex64(i + k)}.r`, result(i + k)]));
    }
    console.log(`inserted ${RESULTS - haveR} results in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  // A fresh process would refresh the planner's statistics on opening; the loaded file gets the same here.
  analyze(db);
  console.log(`database ${(statSync(join(dir, 'assay.db')).size / 1e6).toFixed(0)} MB: ${COUNT} submissions, ${RESULTS} results`);

  const subIdx = searchIndex('submission')!;
  const resIdx = searchIndex('result')!;
  const q1: number[] = [];
  const q2: number[] = [];
  const f1: number[] = [];
  let total1: number | null = 0;
  let total2: number | null = 0;
  let facetOut: Record<string, number> = {};
  for (let r = 0; r < RUNS; r++) {
    const [a, ra] = await time(() => engine.search(subIdx, admin, { query: 'max_score:[500 TO *] AND params.submitter:alice' }));
    q1.push(a);
    total1 = ra.total;
    const [b, rb] = await time(() => engine.search(resIdx, admin, { query: `result.sections.tags.network.static.domain:d${r % 5000}.example` }));
    q2.push(b);
    total2 = rb.total;
    const [c, rc] = await time(() => facet(engine, subIdx, admin, 'params.submitter', {}));
    f1.push(c);
    facetOut = rc;
  }
  console.log(`query  max_score:[500 TO *] AND params.submitter:alice  total=${total1}  ms`, stats(q1));
  console.log(`query  result tag (network.static.domain)                total=${total2}  ms`, stats(q2));
  console.log(`facet  params.submitter (all submissions)                ${Object.keys(facetOut).length} values  ms`, stats(f1));

  const pages: number[] = [];
  let id = '*';
  let streamed = 0;
  for (let p = 0; p < PAGES; p++) {
    const [t, r] = await time(() => engine.search(subIdx, admin, { query: 'params.submitter:alice', rows: 100, deepPagingId: id, fl: 'sid,max_score' }));
    pages.push(t);
    streamed += r.items.length;
    if (!r.next_deep_paging_id) break;
    id = r.next_deep_paging_id;
  }
  console.log(`stream params.submitter:alice, 100-row pages: ${pages.length} pages, ${streamed} items  ms/page`, stats(pages));
} finally {
  db.close();
  if (!o.data) rmSync(dir, { recursive: true, force: true });
}
