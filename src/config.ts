// Configuration: built-in defaults, overridden by an optional JSON config file, then by ASSAY_* environment
// variables, then by command-line flags. Every limit the server enforces lives here so operators can tune it.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_TAG_SAFELIST, type ConfiguredTagSafelist } from './core/lists/tag-defaults.js';

export interface VerdictThresholds {
  info: number;
  suspicious: number;
  highly_suspicious: number;
  malicious: number;
}

export interface AssayConfig {
  server: {
    host: string;
    port: number;
    /** Plain HTTP (behind a TLS-terminating proxy). HTTPS with a self-signed certificate otherwise. */
    http: boolean;
    cert?: string;
    key?: string;
    /** Largest request body accepted, in bytes (uploads included). */
    bodyLimit: number;
    logLevel: string;
    /** Largest request head (request line and headers), bytes; larger ones get a 431. */
    maxHeaderSize: number;
    /** Longest path parameter (an id, a hash), characters. */
    maxParamLength: number;
    /**
     * Deepest nesting of arrays and objects accepted in a JSON body (or a multipart `json` part). Code that walks
     * request JSON recursively relies on it; SQLite refuses documents nested 1000 deep, so keep it well below.
     */
    maxJsonDepth: number;
    /**
     * Compare every answer serialised through its route's response schema with what the handler returned, and
     * fail the request when a field was dropped or coerced. For development and test servers: it doubles the
     * cost of serialising.
     */
    checkResponses: boolean;
  };
  dataDir: string;
  auth: {
    sessionDurationSeconds: number;
    /** Failed logins allowed per user (and per address) before the lock below applies. */
    maxFailures: number;
    failureTtlSeconds: number;
    /** How long a verified API key stays trusted in memory before its hash is checked again. */
    apikeyCacheSeconds: number;
    apikeyCacheSize: number;
    allowApikeys: boolean;
    allowExtendedApikeys: boolean;
    apikeyMaxDtl: number | null;
  };
  submission: {
    maxFileSize: number;
    dtl: number;
    maxDtl: number;
    defaultMaxExtracted: number;
    defaultMaxSupplementary: number;
    maxExtractionDepth: number;
    /** Bytes of extracted and supplementary files one submission may store; files past it are not kept. */
    maxExtractedBytes: number;
    verdicts: VerdictThresholds;
    /** Size of a submission's metadata once flattened, bytes of JSON. */
    maxMetadataBytes: number;
    /** Longest metadata value, characters (Assemblyline's submission.max_metadata_length). */
    maxMetadataLength: number;
  };
  ui: {
    fqdn: string;
    allowUrlSubmissions: boolean;
    /** Services added to the selection of every URL submission (the downloader fetches the URL). */
    urlSubmissionAutoServiceSelection: string[];
    /** URL schemes accepted for URL submissions; anything else is refused when submitted. */
    urlSubmissionSchemes: string[];
    allowRawDownloads: boolean;
    allowZipDownloads: boolean;
    readOnly: boolean;
    tos: string | null;
  };
  system: { organisation: string; type: string };
  services: {
    /** Load the analysers that ship with Assay. */
    builtin: boolean;
    /** Extra directories of service modules, besides the built-in ones. */
    paths: string[];
    /** Worker processes running analysers; default: one per CPU. */
    workers: number | null;
    /** Memory ceiling of a worker when the manifest names none, MiB. */
    defaultMemoryMb: number;
    /**
     * Resident memory of the server and its workers together, MiB; 0 for none. Near it new analyses wait; past
     * it the largest worker is stopped (its task is retried). No task is allowed more than the server leaves.
     */
    memoryCeilingMb: number;
    /** Analyser workers and file describers idle this long are stopped (started again when needed), s. */
    workerIdleSeconds: number;
    /** Per-service configuration by service name, over the manifest's defaults (e.g. URLDownload's allow-list). */
    config: Record<string, Record<string, unknown>>;
  };
  lists: {
    /** Tag values never reported as indicators, besides the safelist's tag items. */
    tagSafelist: ConfiguredTagSafelist;
  };
  search: {
    /** Largest page (`rows`) of a search or listing. */
    maxRows: number;
    /** Largest `offset` of a search or listing (deep paging has no limit). */
    maxOffset: number;
    /** Longest query (or filter query), characters. */
    maxQueryLength: number;
    /** Most terms, phrases, ranges and other clauses in a query and its filters together. */
    maxQueryClauses: number;
    /** Deepest nesting of parentheses and NOTs in a query. */
    maxQueryDepth: number;
    /** Longest single term, phrase or range bound of a query, characters. */
    maxTermLength: number;
    /**
     * Field comparisons a query and its filters may become, a bare term counting once per default field of the
     * index; bounds the time SQLite spends planning one search.
     */
    maxQueryExpansion: number;
  };
  ingester: {
    /** Ingests analysed at the same time. */
    maxInflight: number;
    /** Queue length per priority band above which ingests of that band are dropped at random. */
    samplingAt: { low: number; medium: number; high: number; critical: number };
  };
}

export const ASSAY_VERSION = '4.6.0.assay0';

export function defaultConfig(): AssayConfig {
  return {
    server: {
      host: '0.0.0.0',
      port: 8443,
      http: false,
      bodyLimit: 110 * 1024 * 1024,
      logLevel: 'info',
      maxHeaderSize: 16 * 1024,
      maxParamLength: 1000,
      maxJsonDepth: 100,
      checkResponses: false,
    },
    dataDir: './assay-data',
    auth: {
      sessionDurationSeconds: 3600,
      maxFailures: 5,
      failureTtlSeconds: 60,
      apikeyCacheSeconds: 300,
      apikeyCacheSize: 10_000,
      allowApikeys: true,
      allowExtendedApikeys: true,
      apikeyMaxDtl: null,
    },
    submission: {
      maxFileSize: 104_857_600,
      dtl: 30,
      maxDtl: 0,
      defaultMaxExtracted: 500,
      defaultMaxSupplementary: 500,
      maxExtractionDepth: 6,
      maxExtractedBytes: 1024 * 1024 * 1024,
      verdicts: { info: 0, suspicious: 300, highly_suspicious: 700, malicious: 1000 },
      maxMetadataBytes: 1024 * 1024,
      maxMetadataLength: 4096,
    },
    ui: {
      fqdn: 'localhost',
      allowUrlSubmissions: true,
      urlSubmissionAutoServiceSelection: ['URLDownload'],
      urlSubmissionSchemes: ['http', 'https'],
      allowRawDownloads: true,
      allowZipDownloads: true,
      readOnly: false,
      tos: null,
    },
    system: { organisation: 'ACME', type: 'production' },
    services: { builtin: true, paths: [], workers: null, defaultMemoryMb: 1024, memoryCeilingMb: 1024, workerIdleSeconds: 60, config: {} },
    lists: { tagSafelist: DEFAULT_TAG_SAFELIST },
    search: { maxRows: 10_000, maxOffset: 10_000_000, maxQueryLength: 1024 * 1024, maxQueryClauses: 512, maxQueryDepth: 64, maxTermLength: 10_000, maxQueryExpansion: 4096 },
    ingester: { maxInflight: 64, samplingAt: { low: 10_000_000, medium: 2_000_000, high: 1_000_000, critical: 500_000 } },
  };
}

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where `over` wins; arrays and scalars are replaced, objects merged key by key. */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlain(over)) return base;
  const out: Plain = { ...(base as Plain) };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k], v) : v;
  }
  return out as T;
}

/** Environment variables understood by every command, with the config path each one sets. */
export const ENV_VARS: Array<{ name: string; path: string; kind: 'string' | 'int' | 'bool'; help: string }> = [
  { name: 'ASSAY_HOST', path: 'server.host', kind: 'string', help: 'address to listen on' },
  { name: 'ASSAY_PORT', path: 'server.port', kind: 'int', help: 'port to listen on' },
  { name: 'ASSAY_HTTP', path: 'server.http', kind: 'bool', help: 'serve plain HTTP instead of HTTPS' },
  { name: 'ASSAY_CERT', path: 'server.cert', kind: 'string', help: 'TLS certificate (PEM)' },
  { name: 'ASSAY_KEY', path: 'server.key', kind: 'string', help: 'TLS private key (PEM)' },
  { name: 'ASSAY_DATA', path: 'dataDir', kind: 'string', help: 'data directory' },
  { name: 'ASSAY_LOG_LEVEL', path: 'server.logLevel', kind: 'string', help: 'log level (fatal..trace)' },
  { name: 'ASSAY_MAX_FILE_SIZE', path: 'submission.maxFileSize', kind: 'int', help: 'largest file accepted, bytes' },
  { name: 'ASSAY_MAX_EXTRACTED_BYTES', path: 'submission.maxExtractedBytes', kind: 'int', help: 'bytes of extracted files per submission' },
  { name: 'ASSAY_MEMORY_CEILING_MB', path: 'services.memoryCeilingMb', kind: 'int', help: 'memory of the server and its workers together, MiB (0: none)' },
  { name: 'ASSAY_SESSION_DURATION', path: 'auth.sessionDurationSeconds', kind: 'int', help: 'session idle lifetime, s' },
];

function setPath(obj: Plain, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!isPlain(cur[p])) cur[p] = {};
    cur = cur[p] as Plain;
  }
  cur[parts[parts.length - 1]!] = value;
}

export function parseBool(v: string): boolean {
  return ['1', 'true', 'yes', 'on', ''].includes(v.trim().toLowerCase());
}

function envOverrides(env: NodeJS.ProcessEnv): Plain {
  const out: Plain = {};
  for (const e of ENV_VARS) {
    const raw = env[e.name];
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (e.kind === 'int') {
      value = Number.parseInt(raw, 10);
      if (!Number.isFinite(value)) throw new Error(`${e.name} must be an integer, got "${raw}"`);
    } else if (e.kind === 'bool') value = parseBool(raw);
    setPath(out, e.path, value);
  }
  return out;
}

export interface LoadOptions {
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Overrides from command-line flags, already shaped like the config. */
  overrides?: unknown;
}

/**
 * Limits other limits rely on, refused at start-up when out of range rather than failing requests later:
 * request JSON is walked by recursion and stored in SQLite (which refuses documents nested 1000 deep), the
 * query parser recurses once per level of nesting, and every field comparison of a query is a bound SQL value
 * (SQLite takes 32766 per statement, some comparisons take two).
 */
function checkSafetyLimits(cfg: AssayConfig): void {
  const ranges: Array<[string, number, number, number]> = [
    ['server.maxJsonDepth', cfg.server.maxJsonDepth, 1, 500],
    ['search.maxQueryDepth', cfg.search.maxQueryDepth, 1, 500],
    ['search.maxQueryExpansion', cfg.search.maxQueryExpansion, 1, 16_000],
  ];
  for (const [name, value, min, max] of ranges) {
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/**
 * Resolve the effective configuration. The config file is `--config`, else `ASSAY_CONFIG`, else
 * `<dataDir>/config.json` when present.
 */
export function loadConfig(opts: LoadOptions = {}): AssayConfig {
  const env = opts.env ?? process.env;
  let cfg = defaultConfig();
  const fromEnv = envOverrides(env);
  const dataDirHint =
    (isPlain(opts.overrides) && typeof opts.overrides.dataDir === 'string' && opts.overrides.dataDir) ||
    env.ASSAY_DATA ||
    cfg.dataDir;
  const file = opts.configFile ?? env.ASSAY_CONFIG ?? resolve(dataDirHint, 'config.json');
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read config file ${file}: ${(err as Error).message}`);
    }
    cfg = deepMerge(cfg, parsed);
  } else if (opts.configFile ?? env.ASSAY_CONFIG) {
    throw new Error(`config file ${file} does not exist`);
  }
  cfg = deepMerge(cfg, fromEnv);
  cfg = deepMerge(cfg, opts.overrides);
  cfg.dataDir = resolve(cfg.dataDir);
  checkSafetyLimits(cfg);
  return cfg;
}
