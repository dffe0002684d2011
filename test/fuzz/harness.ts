// The fuzzing harness shared by test/fuzz/*.fuzz.test.ts: fast-check properties over hostile inputs, run a
// fixed number of times in the normal test suite and for a time budget under `npm run fuzz`.
//
// Environment:
//   FUZZ_RUNS          runs of each property (default 20; cheap properties multiply it by their own factor)
//   FUZZ_SECONDS       run each property for this long instead of a fixed count
//   FUZZ_FILE_SECONDS  a budget for the whole file, split across its properties by weight (scripts/fuzz.mjs)
//   FUZZ_SEED          base seed (default fixed, for reproducible test runs); each property derives its own
//   FUZZ_CASE_SCALE    multiplies every per-execution time ceiling (a loaded machine)
//   FUZZ_SUMMARY       a file that gets one JSON line per property: executions and failures
//   FUZZ_CRASH_DIR     where the inputs of failures are saved (default: a folder in the system temp dir)
//   FUZZ_CURRENT_DIR   when set, each input is written there before it runs, so a hang leaves its input behind
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import fc from 'fast-check';
import { applyMutation, describeMutation, mutationArb } from './mutate.js';

function numEnv(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, not ${JSON.stringify(v)}`);
  return n;
}

export const FUZZ = {
  runs: Math.max(1, Math.floor(numEnv('FUZZ_RUNS') ?? 20)),
  seconds: numEnv('FUZZ_SECONDS'),
  fileSeconds: numEnv('FUZZ_FILE_SECONDS'),
  seed: Math.floor(numEnv('FUZZ_SEED') ?? 0x5eed) | 0,
  caseScale: numEnv('FUZZ_CASE_SCALE') ?? 1,
  summary: process.env.FUZZ_SUMMARY || undefined,
  crashDir: process.env.FUZZ_CRASH_DIR || join(tmpdir(), 'assay-fuzz-crashes'),
  currentDir: process.env.FUZZ_CURRENT_DIR || undefined,
};

/** A fuzzing input made of bytes, printed by how it was made rather than as a wall of numbers. */
export class FuzzInput {
  constructor(readonly bytes: Uint8Array, readonly how: string) {}
  static text(text: string, how: string): FuzzInput {
    return new FuzzInput(Buffer.from(text, 'utf8'), how);
  }
  get buffer(): Buffer {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }
  get text(): string {
    return this.buffer.toString('utf8');
  }
  [fc.toStringMethod](): string {
    const hex = this.bytes.length <= 256 ? `, hex ${Buffer.from(this.bytes).toString('hex')}` : '';
    const sha = createHash('sha256').update(this.bytes).digest('hex').slice(0, 16);
    return `FuzzInput(${this.how}; ${this.bytes.length} bytes, sha256 ${sha}…${hex})`;
  }
}

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

/** Random bytes, and random bytes behind one of the format's magic numbers so they get past the first check. */
export function randomInput(opts: { maxLength?: number; prefixes?: Array<Uint8Array | string> } = {}): fc.Arbitrary<FuzzInput> {
  const maxLength = opts.maxLength ?? 4096;
  const plain = fc.uint8Array({ maxLength }).map((b) => new FuzzInput(b, 'random'));
  const prefixes = (opts.prefixes ?? []).map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p));
  if (!prefixes.length) return plain;
  const prefixed = fc.tuple(fc.constantFrom(...prefixes.keys()), fc.uint8Array({ maxLength })).map(([i, tail]) => {
    const p = prefixes[i]!;
    const b = new Uint8Array(p.length + tail.length);
    b.set(p);
    b.set(tail, p.length);
    return new FuzzInput(b, `random after magic #${i}`);
  });
  return fc.oneof(plain, prefixed);
}

/**
 * A seed with one to `maxMutations` mutations applied. `repair`, when given, runs on half of the cases: it may
 * put back what the format's first check looks at (a magic number, a header offset), so that mutations reach
 * the structures behind it instead of all being refused at the door.
 */
export function mutatedInput(
  seeds: readonly Seed[],
  opts: { maxMutations?: number; repair?: (mutated: Uint8Array, original: Uint8Array) => Uint8Array } = {},
): fc.Arbitrary<FuzzInput> {
  if (!seeds.length) throw new Error('mutatedInput needs at least one seed');
  const all = seeds.map((s) => s.bytes);
  const repair = opts.repair;
  return fc
    .tuple(
      fc.nat(seeds.length - 1),
      fc.array(mutationArb(seeds.length), { minLength: 1, maxLength: opts.maxMutations ?? 8 }),
      repair ? fc.boolean() : fc.constant(false),
    )
    .map(([i, ms, repaired]) => {
      let b = all[i]!;
      for (const m of ms) b = applyMutation(b, m, all);
      if (repaired && repair) b = repair(b.slice(), all[i]!);
      return new FuzzInput(b, `seed ${seeds[i]!.name}: ${ms.map(describeMutation).join('; ')}${repaired ? '; repaired' : ''}`);
    });
}

/** A repair that puts back the first `n` bytes of the seed. */
export function keepPrefix(n: number): (mutated: Uint8Array, original: Uint8Array) => Uint8Array {
  return (b, o) => {
    b.set(o.subarray(0, Math.min(n, b.length, o.length)));
    return b;
  };
}

/** Rethrows `err` unless it is one of the errors the parser is documented to raise. */
export function expectControlled(err: unknown, isControlled: (e: unknown) => boolean, what: string): void {
  if (isControlled(err)) return;
  const e = err instanceof Error ? err : new Error(String(err));
  const wrapped = new Error(`${what} threw an uncontrolled ${e.name}: ${e.message}`, { cause: e });
  wrapped.stack = `${wrapped.message}\n--- original stack ---\n${e.stack ?? ''}`;
  throw wrapped;
}

export interface PropertyOptions {
  /** Ceiling for one execution, in milliseconds (scaled by FUZZ_CASE_SCALE). */
  caseMs: number;
  /** FUZZ_RUNS is multiplied by this for the fixed-count run (cheap parsers run more). */
  runsFactor?: number;
  /** Share of a file budget (FUZZ_FILE_SECONDS). */
  weight?: number;
}

interface Tally {
  property: string;
  executions: number;
  failures: number;
  seconds: number;
}

let totalWeight = 0;
const tallies = new Map<string, Tally[]>();

function propertySeed(parser: string, property: string): number {
  return createHash('sha256').update(`${FUZZ.seed}:${parser}:${property}`).digest().readInt32LE(0);
}

function saveCounterexample(parser: string, property: string, seed: number, value: unknown): string | undefined {
  try {
    mkdirSync(FUZZ.crashDir, { recursive: true });
    const base = join(FUZZ.crashDir, `${parser}-${property.replace(/[^A-Za-z0-9]+/g, '_')}-${seed >>> 0}`);
    // Inputs are often a tuple of the bytes and a few settings: the bytes are what is worth keeping.
    const bytes = value instanceof FuzzInput ? value : Array.isArray(value) ? value.find((v) => v instanceof FuzzInput) : undefined;
    if (bytes instanceof FuzzInput) {
      writeFileSync(`${base}.bin`, bytes.bytes);
      return `${base}.bin`;
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
    writeFileSync(`${base}.txt`, text ?? String(value));
    return `${base}.txt`;
  } catch {
    return undefined;
  }
}

function report(parser: string): void {
  const list = tallies.get(parser) ?? [];
  const executions = list.reduce((n, t) => n + t.executions, 0);
  const failures = list.reduce((n, t) => n + t.failures, 0);
  const detail = list.map((t) => `${t.property} ${t.executions}`).join(', ');
  console.log(`fuzz ${parser}: ${executions} executions, ${failures} failures (${detail}; seed ${FUZZ.seed})`);
}

/**
 * The properties of one parser. `check` gets one generated input and must return normally when the parser
 * behaved: it returned a well-formed result or threw one of its controlled errors.
 */
export function fuzzer(parser: string) {
  let reported = false;
  after(() => {
    if (!reported) report(parser);
    reported = true;
  });
  return function property<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => unknown, opts: PropertyOptions): void {
    const weight = opts.weight ?? 1;
    totalWeight += weight;
    it(name, { timeout: 24 * 3600 * 1000 }, async () => {
      const seconds = FUZZ.seconds ?? (FUZZ.fileSeconds !== undefined ? (FUZZ.fileSeconds * weight) / totalWeight : undefined);
      const runs = Math.max(1, Math.round(FUZZ.runs * (opts.runsFactor ?? 1)));
      const ceiling = opts.caseMs * FUZZ.caseScale;
      const seed = propertySeed(parser, name);
      let executions = 0;
      const started = performance.now();
      const prop = fc.asyncProperty(arb, async (input) => {
        executions++;
        if (FUZZ.currentDir && input instanceof FuzzInput) writeFileSync(join(FUZZ.currentDir, `${parser}.current`), input.bytes);
        const t0 = performance.now();
        await check(input);
        const ms = performance.now() - t0;
        if (ms > ceiling) throw new Error(`one execution took ${Math.round(ms)} ms, over the ${Math.round(ceiling)} ms ceiling`);
      });
      const details = await fc.check(prop, {
        seed,
        numRuns: seconds !== undefined ? Number.MAX_SAFE_INTEGER : runs,
        // A fixed-count run is also bounded in time, so shrinking a slow failure cannot stall the suite.
        interruptAfterTimeLimit: seconds !== undefined ? Math.max(1, seconds * 1000) : 180_000,
        markInterruptAsFailure: false,
      });
      const tally = { property: name, executions, failures: details.failed ? 1 : 0, seconds: (performance.now() - started) / 1000 };
      tallies.set(parser, [...(tallies.get(parser) ?? []), tally]);
      if (FUZZ.summary) appendFileSync(FUZZ.summary, `${JSON.stringify({ parser, ...tally, seed: FUZZ.seed, propertySeed: seed })}\n`);
      if (details.failed) {
        const saved = saveCounterexample(parser, name, seed, details.counterexample?.[0]);
        const cause = details.errorInstance instanceof Error ? details.errorInstance.stack : String(details.errorInstance);
        throw new Error(
          `${fc.defaultReportMessage(details) ?? 'property failed'}\n` +
            `Failure: ${cause}\n` +
            `Reproduce: FUZZ_SEED=${FUZZ.seed} node --import tsx --test test/fuzz/${parser}.fuzz.test.ts` +
            (saved ? `\nInput saved to ${saved}` : ''),
        );
      }
    });
  };
}
