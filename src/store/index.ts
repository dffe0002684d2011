// Opens the storage engines named by the configuration. Only this module knows which drivers exist; the rest
// of the code receives the interfaces.
import { join } from 'node:path';
import type { Datastore } from './datastore.js';
import type { Filestore } from './filestore.js';
import type { QueueStore } from './queues.js';
import { openSqlite, type SqliteHandle } from './sqlite/database.js';
import { SqliteDatastore } from './sqlite/sqlite-datastore.js';
import { SqliteQueueStore } from './sqlite/sqlite-queues.js';
import { LocalFilestore } from './local-fs/local-filestore.js';

export interface Storage {
  datastore: Datastore;
  filestore: Filestore;
  queues: QueueStore;
  close(): Promise<void>;
}

/** The embedded default: one SQLite file and a local blob directory inside the data dir. */
export async function openEmbeddedStorage(dataDir: string): Promise<Storage> {
  const db: SqliteHandle = openSqlite(join(dataDir, 'assay.db'));
  const datastore = new SqliteDatastore(db);
  const queues = new SqliteQueueStore(db);
  const filestore = await new LocalFilestore(join(dataDir, 'files')).init();
  return {
    datastore,
    filestore,
    queues,
    async close() {
      await queues.close();
      await filestore.close();
      await datastore.close();
      db.close();
    },
  };
}
