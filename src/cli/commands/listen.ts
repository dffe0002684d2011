// `assay listen --nq NAME --db URL`: drain a notification queue, fetch each submission's full results and
// write them as normalised rows (schema: docs/listener-schema.md). Runs until SIGINT/SIGTERM, or with
// --until-empty until the queue is empty and nothing is in flight: no submission being fetched here, and no
// ingest for the queue that the server has yet to answer.
import { Command } from 'commander';
import type { Client, ClientError } from '../../client/index.js';
import { openDatabase, type Db } from '../listen/database.js';
import { migrate } from '../listen/migrations.js';
import { markIngest, pendingIngests, recordMessages, storeSubmission } from '../listen/writer.js';
import { fail } from '../options.js';
import { Progress } from './progress.js';
import { addRemoteOptions, clientFromFlags, positiveInt, type RemoteFlags } from './remote.js';

interface ListenFlags extends RemoteFlags {
  nq: string;
  db: string;
  untilEmpty?: boolean;
  idle: number;
  expect: number;
  batch: number;
  concurrency: number;
  pollInterval: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ListenStats {
  received: number;
  stored: number;
  failed: number;
  errors: number;
}

/** The listening loop, separate from the command so it can be driven with any client and database. */
export async function listen(client: Client, db: Db, o: Omit<ListenFlags, keyof RemoteFlags | 'db'>, progress: Progress, stopping: () => boolean): Promise<ListenStats> {
  const stats: ListenStats = { received: 0, stored: 0, failed: 0, errors: 0 };
  const inFlight = new Set<Promise<void>>();
  const status = () => `received ${stats.received} stored ${stats.stored} failed ${stats.failed} errors ${stats.errors}`;

  const handle = async (ingestId: string, sid: string): Promise<void> => {
    try {
      const full = await client.submission.full(sid);
      await storeSubmission(db, full, ingestId);
      stats.stored++;
    } catch (err) {
      stats.errors++;
      progress.log(`submission ${sid}: ${(err as Error).message}`);
      await markIngest(db, ingestId, 'error', (err as Error).message).catch(() => undefined);
    }
    progress.tick(1, 0, status());
  };
  const start = (ingestId: string, sid: string) => {
    const p = handle(ingestId, sid).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const room = async () => {
    while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
  };

  // Messages taken before an interruption were recorded as pending: finish them first.
  for (const p of await pendingIngests(db)) {
    await room();
    start(p.ingest_id, p.sid);
  }

  // Ingests still to be answered, read from the server before each poll that follows an empty one: zero then means
  // that poll sees every message still to come. A server without the count (Assemblyline) leaves the first empty
  // poll as the end.
  let counted = true;
  const outstanding = async (): Promise<number> => {
    if (!counted) return 0;
    try {
      return await client.ingest.outstanding(o.nq);
    } catch (err) {
      if ((err as ClientError).status !== 404) throw err;
      counted = false;
      progress.log('the server does not say how many ingests are outstanding: stopping at the first empty poll');
      return 0;
    }
  };

  let emptySince: number | undefined;
  let lastEmpty = true;
  while (!stopping()) {
    const pending = o.untilEmpty && lastEmpty ? await outstanding() : null;
    let messages;
    try {
      messages = await client.ingest.getMessageList(o.nq, { pageSize: o.batch });
    } catch (err) {
      // The client has already retried with backoff. A listener is a long-running process: an outage is
      // reported and waited out, but wrong credentials or permissions will not fix themselves.
      const status = (err as ClientError).status;
      if (status === 401 || status === 403 || o.untilEmpty) throw err;
      progress.log(`polling ${o.nq}: ${(err as Error).message}; trying again`);
      await sleep(Math.max(o.pollInterval, 5000));
      continue;
    }
    lastEmpty = messages.length === 0;
    if (messages.length) {
      emptySince = undefined;
      await recordMessages(db, o.nq, messages);
      stats.received += messages.length;
      for (const m of messages) {
        if (m.failure) {
          stats.failed++;
          progress.log(`not analysed: ${String(m.submission?.metadata?.file_path ?? m.submission?.files?.[0]?.name ?? m.ingest_id)}: ${m.failure}`);
          progress.tick(1, 0, status());
          continue;
        }
        await room();
        start(m.ingest_id ?? m.submission.sid, m.submission.sid);
      }
      continue;
    }
    if (o.untilEmpty && inFlight.size === 0 && stats.received >= o.expect && pending === 0) {
      emptySince ??= Date.now();
      if (Date.now() - emptySince >= o.idle * 1000) break;
    } else if (pending) {
      emptySince = undefined;
    }
    progress.status(pending ? `${status()}, waiting for ${pending} outstanding` : status());
    await sleep(o.pollInterval);
  }
  await Promise.all(inFlight);
  return stats;
}

export function register(program: Command): void {
  const cmd = new Command('listen')
    .description('Read completion messages from a notification queue and store the full results in SQLite or PostgreSQL')
    .requiredOption('--nq <name>', 'notification queue (as given to `assay ingest --nq`)')
    .requiredOption('--db <url>', 'sqlite:FILE or postgres://user@host/db (add ?schema=NAME for a schema of its own)')
    .option('--until-empty', 'stop once the queue is empty and nothing is in flight (no ingest for the queue still being analysed), instead of at SIGINT/SIGTERM')
    .option('--idle <seconds>', 'with --until-empty: how long the queue must stay empty', positiveInt, 0)
    .option('--expect <n>', 'with --until-empty: keep waiting until at least this many messages have arrived', positiveInt, 0)
    .option('--batch <n>', 'messages taken from the queue per request', positiveInt, 50)
    .option('--concurrency <n>', 'submissions fetched in parallel', positiveInt, 4)
    .option('--poll-interval <ms>', 'wait between polls of an empty queue', positiveInt, 1000);
  addRemoteOptions(cmd).action(async (o: ListenFlags) => {
    if (o.concurrency < 1 || o.batch < 1) fail('--concurrency and --batch must be at least 1');
    let client: Client;
    let db: Db;
    try {
      client = clientFromFlags(o);
      db = await openDatabase(o.db);
    } catch (err) {
      fail((err as Error).message);
    }
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write('\nstopping: finishing the submissions in flight (again to abort)\n');
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const progress = new Progress('listen', undefined);
    try {
      const applied = await migrate(db);
      if (applied.length) progress.log(`database ${db.description}: applied migration ${applied.join(', ')}`);
      const stats = await listen(client, db, o, progress, () => stopping);
      progress.finish();
      process.stderr.write(`listen: ${stats.received} received, ${stats.stored} stored, ${stats.failed} not analysed, ${stats.errors} errors\n`);
      if (stats.errors) process.exitCode = 1;
    } catch (err) {
      process.stderr.write(`assay: ${(err as Error).message}\n`);
      process.exitCode = 1;
    } finally {
      client.close();
      await db.close();
    }
  });
  program.addCommand(cmd);
}
