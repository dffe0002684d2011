#!/usr/bin/env node
// Runs the fuzz tests (test/fuzz/*.fuzz.test.ts) for a time budget instead of the fixed count the test suite
// uses, one parser after the other, with a random seed, and prints what each parser went through.
//
//   npm run fuzz -- --minutes 10 [--only pe,elf] [--seed 1234] [--case-scale 2]
//
// The budget is split evenly across the parsers, and within a parser across its properties. A parser whose
// run outlives its budget by far is stopped and reported as a hang, and one whose process dies as a crash, each
// with the input it was on. Inputs of failures are kept in assay-fuzz-crashes/ of the system's temporary
// directory (or --crash-dir).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const fuzzDir = join(root, 'test', 'fuzz');

function parseArgs(argv) {
  const opts = { minutes: 10, only: [], seed: undefined, caseScale: undefined, crashDir: join(tmpdir(), 'assay-fuzz-crashes') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--minutes') opts.minutes = Number(next());
    else if (a === '--only') opts.only.push(...next().split(',').filter(Boolean));
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--case-scale') opts.caseScale = Number(next());
    else if (a === '--crash-dir') opts.crashDir = next();
    else if (a === '--help' || a === '-h') {
      console.log('npm run fuzz -- [--minutes N] [--only parser[,parser]] [--seed N] [--case-scale X] [--crash-dir DIR]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!(opts.minutes > 0)) throw new Error('--minutes must be a positive number');
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) throw new Error('--seed must be an integer');
  return opts;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`fuzz: ${e.message}`);
  process.exit(2);
}

const all = readdirSync(fuzzDir).filter((f) => f.endsWith('.fuzz.test.ts')).map((f) => f.slice(0, -'.fuzz.test.ts'.length)).sort();
const unknown = opts.only.filter((p) => !all.includes(p));
if (unknown.length) {
  console.error(`fuzz: no fuzz test for ${unknown.join(', ')} (there are: ${all.join(', ')})`);
  process.exit(2);
}
const parsers = opts.only.length ? all.filter((p) => opts.only.includes(p)) : all;
const seed = opts.seed ?? Math.floor(Math.random() * 0x7fffffff);
const perParser = (opts.minutes * 60) / parsers.length;
const work = mkdtempSync(join(tmpdir(), 'assay-fuzz-'));
const summary = join(work, 'summary.jsonl');
const current = join(work, 'current');
mkdirSync(current);
mkdirSync(opts.crashDir, { recursive: true });

console.log(`fuzz: ${parsers.length} parser(s), ${opts.minutes} min (${Math.round(perParser)} s each), seed ${seed}`);
console.log(`fuzz: failing inputs go to ${opts.crashDir}; reproduce with FUZZ_SEED=${seed}`);

/** Runs one parser's fuzz file; resolves with its exit code, whether it was stopped, and its output. */
function runParser(parser) {
  const file = join('test', 'fuzz', `${parser}.fuzz.test.ts`);
  const env = {
    ...process.env, NODE_ENV: 'test', FUZZ_FILE_SECONDS: String(perParser), FUZZ_SEED: String(seed), FUZZ_SUMMARY: summary,
    FUZZ_CRASH_DIR: opts.crashDir, FUZZ_CURRENT_DIR: current,
  };
  delete env.FUZZ_SECONDS;
  delete env.FUZZ_RUNS;
  if (opts.caseScale !== undefined) env.FUZZ_CASE_SCALE = String(opts.caseScale);
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', file], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  // Loading (corpus seeds, WebAssembly modules) and shrinking a failure take time beyond the budget; far beyond
  // it, one input is taking forever.
  const limitMs = (perParser * 1.5 + 180) * 1000;
  let stopped = false;
  const timer = setTimeout(() => {
    stopped = true;
    child.kill('SIGKILL');
  }, limitMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stopped, output });
    });
  });
}

function tallies() {
  if (!existsSync(summary)) return [];
  return readFileSync(summary, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

const results = [];
for (const parser of parsers) {
  const started = Date.now();
  process.stdout.write(`fuzz ${parser}: running for ${Math.round(perParser)} s... `);
  const r = await runParser(parser);
  const mine = tallies().filter((t) => t.parser === parser);
  const executions = mine.reduce((n, t) => n + t.executions, 0);
  const failures = mine.reduce((n, t) => n + t.failures, 0);
  const seconds = Math.round((Date.now() - started) / 1000);
  // A hang, or a process that died without reporting (V8 aborts on some allocations, and no test can catch
  // that): the input it was on is the culprit.
  const keep = (what) => {
    const last = join(current, `${parser}.current`);
    const kept = join(opts.crashDir, `${parser}-${what}-${seed}.bin`);
    if (!existsSync(last)) return '';
    writeFileSync(kept, readFileSync(last));
    return ` (input kept as ${kept})`;
  };
  let note = '';
  let extra = 0;
  if (r.stopped) {
    note = `stopped after ${seconds} s: an input never finished${keep('hang')}`;
    extra = 1;
  } else if (r.code !== 0 && failures === 0) {
    note = `the process died (exit code ${r.code}) before reporting${keep('crash')}`;
    extra = 1;
  }
  const failed = failures > 0 || r.stopped || r.code !== 0;
  results.push({ parser, executions, failures: failures + extra, note, failed });
  console.log(`${executions} executions, ${failures} failures${note ? `; ${note}` : ''} (${seconds} s)`);
  if (failed) {
    // The test runner's report names the property, the counterexample and the saved input.
    const lines = r.output.split('\n').filter((l) => !/^\s*$/.test(l));
    console.log(lines.slice(-60).map((l) => `    ${l}`).join('\n'));
  }
}

rmSync(work, { recursive: true, force: true });
const width = Math.max(...results.map((r) => r.parser.length), 6);
console.log(`\nfuzz summary (seed ${seed}, ${opts.minutes} min):`);
console.log(`  ${'parser'.padEnd(width)}  ${'executions'.padStart(12)}  failures`);
for (const r of results) console.log(`  ${r.parser.padEnd(width)}  ${String(r.executions).padStart(12)}  ${r.failures}${r.note ? `  ${r.note}` : ''}`);
const total = results.reduce((n, r) => n + r.executions, 0);
console.log(`  ${'total'.padEnd(width)}  ${String(total).padStart(12)}  ${results.reduce((n, r) => n + r.failures, 0)}`);
process.exit(results.some((r) => r.failed) ? 1 : 0);
