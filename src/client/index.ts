// The Assay TypeScript SDK: a typed client for the Assemblyline 4 REST API that Assay serves.
//
//   import { Client } from 'assay/client';
//   const client = new Client({ url: 'https://localhost:8443', apikey: { user: 'admin', key: 'name:secret' }, insecure: true });
//   const { ingest_id } = await client.ingest({ path: 'sample.exe', nq: 'sensor-1', metadata: { file_path: 'sample.exe' } });
import { Connection, type ConnectionOptions } from './connection.js';
import { alertModule } from './modules/alert.js';
import { apikeyModule, userModule } from './modules/accounts.js';
import { fileModule } from './modules/file.js';
import { ingestModule } from './modules/ingest.js';
import { badlistModule, safelistModule } from './modules/lists.js';
import { ontologyModule } from './modules/ontology.js';
import { errorModule, resultModule } from './modules/result.js';
import { searchModule } from './modules/search.js';
import { signatureModule } from './modules/signature.js';
import { submissionModule } from './modules/submission.js';
import { submitModule } from './modules/submit.js';
import { heuristicsModule, helpModule, liveModule, serviceModule } from './modules/system.js';

export class Client {
  readonly connection: Connection;
  readonly ingest: ReturnType<typeof ingestModule>;
  readonly submit: ReturnType<typeof submitModule>;
  readonly submission: ReturnType<typeof submissionModule>;
  readonly file: ReturnType<typeof fileModule>;
  readonly result: ReturnType<typeof resultModule>;
  readonly error: ReturnType<typeof errorModule>;
  readonly search: ReturnType<typeof searchModule>;
  readonly ontology: ReturnType<typeof ontologyModule>;
  readonly alert: ReturnType<typeof alertModule>;
  readonly safelist: ReturnType<typeof safelistModule>;
  readonly badlist: ReturnType<typeof badlistModule>;
  readonly signature: ReturnType<typeof signatureModule>;
  readonly user: ReturnType<typeof userModule>;
  readonly apikey: ReturnType<typeof apikeyModule>;
  readonly help: ReturnType<typeof helpModule>;
  readonly service: ReturnType<typeof serviceModule>;
  readonly heuristics: ReturnType<typeof heuristicsModule>;
  readonly live: ReturnType<typeof liveModule>;

  constructor(options: ConnectionOptions) {
    const c = (this.connection = new Connection(options));
    this.ingest = ingestModule(c);
    this.submit = submitModule(c);
    this.submission = submissionModule(c);
    this.file = fileModule(c);
    this.result = resultModule(c);
    this.error = errorModule(c);
    this.search = searchModule(c);
    this.ontology = ontologyModule(c);
    this.alert = alertModule(c);
    this.safelist = safelistModule(c);
    this.badlist = badlistModule(c);
    this.signature = signatureModule(c);
    this.user = userModule(c);
    this.apikey = apikeyModule(c);
    this.help = helpModule(c);
    this.service = serviceModule(c);
    this.heuristics = heuristicsModule(c);
    this.live = liveModule(c);
  }

  /** Release keep-alive sockets (call when done, or the process may linger until they time out). */
  close(): void {
    this.connection.close();
  }
}

/** Create a client and check the credentials with one call (whoami), so bad settings fail here. */
export async function connect(options: ConnectionOptions): Promise<Client> {
  const client = new Client(options);
  try {
    await client.user.whoami();
  } catch (err) {
    client.close();
    throw err;
  }
  return client;
}

export { ClientError } from './errors.js';
export { Connection, type ConnectionOptions } from './connection.js';
export type * from './types.js';
export type { FileSource } from './upload.js';
export type { IngestOptions } from './modules/ingest.js';
export type { SubmitOptions } from './modules/submit.js';
export type { WaitOptions, ListOptions } from './modules/submission.js';
export type { DownloadEncoding, DownloadOptions } from './modules/file.js';
export { SEARCH_INDICES, type SearchIndex, type SearchOptions, type StreamOptions, type FacetOptions, type HistogramOptions, type StatsOptions, type GroupedOptions, type FieldInfo } from './modules/search.js';
export type { OntologyRecord } from './modules/ontology.js';
export type { ListItem } from './modules/lists.js';
export type { SignatureData } from './modules/signature.js';
export type { ApikeyRecord } from './modules/accounts.js';
export type { ServiceRecord, LiveMessage } from './modules/system.js';
export type { AlertQuery, AlertPriority, AlertStatus } from './modules/alert.js';
