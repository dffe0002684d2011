// Identification + hashing speed.
//
//   npx tsx bench/identify.ts [--passes 3]
//
// 1. Files/s over the strelka corpus for Assay's file description (one read: md5, sha1, sha256, ssdeep, TLSH,
//    entropy, then libmagic twice and our rules), against the same calls made "bare" one after another on a
//    buffer read whole. The ratio bare/ours is the figure to keep at or above 0.8.
// 2. MB/s and peak RSS describing a 100 MiB random file, in a fresh process.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WASMagic, WASMagicFlags } from 'wasmagic';
import { hashFile } from '../src/sdk/hashes/file-hasher.js';
import { ssdeepHash } from '../src/sdk/hashes/ssdeep.js';
import { tlshHashT1 } from '../src/sdk/hashes/tlsh.js';
import { createIdentifier, IDENTIFY_HEADER_BYTES } from '../src/core/identify/index.js';

const { values: o } = parseArgs({ options: { passes: { type: 'string', default: '3' }, big: { type: 'string' } } });
const root = fileURLToPath(new URL('..', import.meta.url));
const corpus = join(root, '..', 'shared', 'corpus', 'strelka-fixtures');

async function describe(path: string, identifier: Awaited<ReturnType<typeof createIdentifier>>) {
  const h = await hashFile(path, { headerSize: IDENTIFY_HEADER_BYTES });
  return { ...h, ...identifier.identify(h.header, { size: h.size, path }) };
}

if (o.big) {
  // Child mode: describe one big file and report throughput and peak memory.
  const identifier = await createIdentifier();
  const t0 = performance.now();
  const r = await describe(o.big, identifier);
  const secs = (performance.now() - t0) / 1000;
  const mb = statSync(o.big).size / 1e6;
  console.log(JSON.stringify({ mbPerSec: mb / secs, seconds: secs, peakRssMb: process.resourceUsage().maxRSS / 1024, type: r.type }));
  process.exit(0);
}

const files = readdirSync(corpus)
  .filter((f) => statSync(join(corpus, f)).isFile() && f !== 'LICENSE')
  .map((f) => join(corpus, f));
const totalBytes = files.reduce((n, f) => n + statSync(f).size, 0);
console.log(`${files.length} files, ${(totalBytes / 1e6).toFixed(1)} MB; ${cpus().length} cores (${cpus()[0]?.model}); node ${process.version}`);

const identifier = await createIdentifier();
const magic = await WASMagic.create({ flags: WASMagicFlags.NONE });
const mime = await WASMagic.create({ flags: WASMagicFlags.MIME_TYPE });

async function timeIt(fn: () => Promise<void> | void): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

const ours: number[] = [];
const bare: number[] = [];
for (let pass = 0; pass < Number(o.passes) + 1; pass++) {
  const tOurs = await timeIt(async () => {
    for (const f of files) await describe(f, identifier);
  });
  const tBare = await timeIt(() => {
    for (const f of files) {
      const data = readFileSync(f);
      for (const alg of ['md5', 'sha1', 'sha256']) createHash(alg).update(data).digest('hex');
      ssdeepHash(data);
      tlshHashT1(data);
      const head = data.subarray(0, IDENTIFY_HEADER_BYTES);
      magic.detect(head);
      mime.detect(head);
    }
  });
  if (pass === 0) continue; // warm-up
  ours.push(files.length / tOurs);
  bare.push(files.length / tBare);
  console.log(`pass ${pass}: ours ${(files.length / tOurs).toFixed(0)} files/s, bare calls ${(files.length / tBare).toFixed(0)} files/s`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`median: ours ${median(ours).toFixed(0)} files/s, bare ${median(bare).toFixed(0)} files/s, ratio ${(median(ours) / median(bare)).toFixed(2)}`);

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-id-'));
try {
  const big = join(dir, 'random.bin');
  writeFileSync(big, randomBytes(100 * 1024 * 1024));
  const runs = [];
  for (let i = 0; i < Number(o.passes); i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--big', big], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
    runs.push(res);
    console.log(`100 MiB: ${res.mbPerSec.toFixed(1)} MB/s, peak RSS ${res.peakRssMb.toFixed(0)} MB`);
  }
  const m = [...runs].sort((a, b) => a.mbPerSec - b.mbPerSec)[Math.floor(runs.length / 2)];
  console.log(`median 100 MiB: ${m.mbPerSec.toFixed(1)} MB/s, peak RSS ${m.peakRssMb.toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
