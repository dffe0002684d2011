// `assay ingest PATH… --nq NAME`: queue files (directories are walked) for asynchronous analysis, with the
// file path in the metadata so the listener can tell which file a result belongs to. Resumable.
import { Command } from 'commander';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ClientError } from '../../client/index.js';
import { fail } from '../options.js';
import { IngestState } from './ingest-state.js';
import { Progress } from './progress.js';
import { addRemoteOptions, clientFromFlags, collect, keyValues, positiveInt, type RemoteFlags } from './remote.js';

interface IngestFlags extends RemoteFlags {
  nq: string;
  param?: string[];
  metadata?: string[];
  alert?: boolean;
  concurrency: number;
  state: string;
  type?: string;
  pathKey: string;
}

/**
 * Regular files under the given paths, in a stable order. Links met while walking are not followed (no loops);
 * a path named on the command line is taken as the user gave it, link or not.
 */
export async function collectFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, top: boolean): Promise<void> => {
    const st = top ? await stat(p) : await lstat(p);
    if (st.isFile()) out.push(p);
    else if (st.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const n of names) await walk(join(p, n), false);
    }
  };
  for (const p of paths) {
    try {
      await walk(p, true);
    } catch (err) {
      throw new Error(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return out;
}

async function sha256Of(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function register(program: Command): void {
  const cmd = new Command('ingest')
    .description('Queue files for analysis with a notification queue (directories are walked); a rerun skips files already sent')
    .argument('<paths...>', 'files or directories')
    .requiredOption('--nq <name>', 'notification queue that receives the completion messages (read them with `assay listen`)')
    .option('--param <key=value>', 'submission parameter (repeatable; JSON values, dotted keys nest)', collect)
    .option('--metadata <key=value>', 'submission metadata (repeatable)', collect)
    .option('--alert', 'create an alert when the score reaches the alert threshold')
    .option('--concurrency <n>', 'uploads in parallel', positiveInt, 4)
    .option('--state <file>', 'resume state: files already sent', '.assay-ingest-state.json')
    .option('--type <word>', 'ingest type recorded with the submission', 'AL_CLIENT')
    .option('--path-key <key>', 'metadata key that carries the file path', 'file_path');
  addRemoteOptions(cmd).action(async (paths: string[], o: IngestFlags) => {
    let params: Record<string, unknown>;
    let metadata: Record<string, string>;
    try {
      params = keyValues(o.param, { nest: true, json: true });
      metadata = keyValues(o.metadata, { nest: false, json: false }) as Record<string, string>;
    } catch (err) {
      fail((err as Error).message);
    }
    let client;
    let state: IngestState;
    let files: string[];
    try {
      client = clientFromFlags(o);
      state = new IngestState(o.state);
      files = await collectFiles(paths);
    } catch (err) {
      fail((err as Error).message);
    }
    const progress = new Progress('ingest', files.length);
    let sent = 0;
    let skipped = 0;
    let empty = 0;
    let failed = 0;
    let next = 0;
    const onSignal = () => {
      state.save();
      process.stderr.write('\ninterrupted; state saved, run the same command again to resume\n');
      process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const one = async (path: string): Promise<void> => {
      const abs = resolve(path);
      const st = await stat(abs);
      const prev = state.get(abs);
      if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs) {
        skipped++;
        return progress.tick(1, 0, `sent ${sent} skipped ${skipped} failed ${failed}`);
      }
      const sha256 = await sha256Of(abs);
      if (prev && prev.sha256 === sha256) {
        state.record(abs, { ...prev, size: st.size, mtimeMs: st.mtimeMs });
        skipped++;
        return progress.tick(1, 0, `sent ${sent} skipped ${skipped} failed ${failed}`);
      }
      if (st.size === 0) {
        // The server refuses empty files ("File empty."): nothing to analyse, so not a failure either.
        empty++;
        progress.log(`skipped ${path}: empty file`);
        return progress.tick(1, 0, `sent ${sent} skipped ${skipped} failed ${failed}`);
      }
      try {
        const r = await client.ingest({
          path: abs,
          nq: o.nq,
          params: Object.keys(params).length ? params : undefined,
          metadata: { ...metadata, [o.pathKey]: path },
          alert: o.alert,
          ingestType: o.type,
        });
        state.record(abs, { sha256, size: st.size, mtimeMs: st.mtimeMs, ingestId: r.ingest_id, queue: o.nq, sentAt: new Date().toISOString() });
        sent++;
        process.stdout.write(`${r.ingest_id}\t${sha256}\t${path}\n`);
        progress.tick(1, st.size, `sent ${sent} skipped ${skipped} failed ${failed}`);
      } catch (err) {
        failed++;
        const e = err as ClientError;
        progress.log(`failed ${path}: ${e.message}${e.status ? ` (HTTP ${e.status})` : ''}`);
        progress.tick(1, 0, `sent ${sent} skipped ${skipped} failed ${failed}`);
        // Credentials or permissions are wrong for every file: stop rather than fail each one.
        if (e instanceof ClientError && (e.status === 401 || e.status === 403)) throw err;
      }
    };

    const worker = async () => {
      while (next < files.length) await one(files[next++]!);
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, files.length)) }, worker));
    } catch (err) {
      state.save();
      client.close();
      fail((err as Error).message);
    }
    state.save();
    progress.finish();
    client.close();
    process.stderr.write(`ingest: ${sent} sent, ${skipped} already sent, ${empty} empty, ${failed} failed (state in ${o.state})\n`);
    if (failed) process.exitCode = 1;
  });
  program.addCommand(cmd);
}
