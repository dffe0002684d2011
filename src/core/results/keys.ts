// Result, empty-result and error keys in Assemblyline's exact shape. The Python client and Assemblyline services
// read these keys positionally (sha256 = first 64 chars, service name after the first dot, error code after the
// last ".e"), and the cache is looked up by rebuilding the key, so every character matters:
//
//   result  <sha256>.<service>.v<version>.c<conf_key>            (dots in service and version become "_")
//   empty   <result key>.e
//   error   <sha256>.<service>.v<version>.c<conf_key>.e<code>
//
// conf_key fingerprints what can change a service's output besides the file: its tool version, its configuration
// and the submission parameters that reach it. Assemblyline hashes the *Python repr of a bytes object* built from
// those values, so the exact text fed to md5 is rebuilt here (json.dumps defaults, then bytes repr).
import { compareCodePoints, pythonJsonDumps } from '../util/pyjson.js';
import { createHash } from 'node:crypto';
import { randomId } from '../util/ids.js';
import { ERROR_TYPES, type ErrorType } from './model.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: bigint): string {
  if (n === 0n) return '0';
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out;
}

/** Task fields that enter conf_key. */
export interface ConfKeyTask {
  serviceConfig: Record<string, unknown>;
  deepScan: boolean;
  maxFiles: number;
  /** The submission's minimum classification (its `classification` parameter). */
  minClassification: string;
  ignoreFiltering: boolean;
  /** A cache-ignoring task gets a random salt, so its key never matches a stored one. */
  ignoreCache?: boolean;
}

export interface ConfKeyInput {
  serviceToolVersion?: string | null;
  task?: ConfKeyTask | null;
  /** Partial results are salted like ignore_cache ones: they must never be served from cache. */
  partial?: boolean;
  /** Source of the salt; a fresh random id unless a test pins it. */
  salt?: () => string;
}

/** `json.dumps(value)` with Python's defaults: ", " and ": " separators, keys in insertion order. */
const dumps = (value: unknown) => pythonJsonDumps(value, { separators: [', ', ': '], sortKeys: false });

/** `str(b'...')`: Python's repr of the UTF-8 bytes of `text`. */
export function pythonBytesRepr(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out + quote;
}

function sortedItems(obj: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(obj).sort((a, b) => compareCodePoints(a[0], b[0]));
}

/** The exact text whose md5 makes conf_key, or null when there is nothing to hash. */
export function confKeySource(input: ConfKeyInput): string | null {
  const { task } = input;
  const tool = input.serviceToolVersion ?? null;
  let serviceConfig: string | null = null;
  let params: string | null = null;
  let salt: string | null = null;
  if (task) {
    serviceConfig = dumps(sortedItems(task.serviceConfig));
    params = dumps(sortedItems({
      deep_scan: task.deepScan,
      max_files: task.maxFiles,
      min_classification: task.minClassification,
      ignore_filtering: task.ignoreFiltering,
    }));
    // Assemblyline only salts when there is a task; a partial result without one keeps a stable key.
    if (task.ignoreCache || input.partial) salt = (input.salt ?? randomId)();
  }
  if (tool === null && serviceConfig === null && params === null && salt === null) return null;
  const py = (v: string | null) => v ?? 'None';
  return pythonBytesRepr(`${py(tool)}_${py(serviceConfig)}_${py(params)}_${py(salt)}`);
}

/**
 * conf_key of unsalted inputs, by their JSON text. The same few service configurations and submission settings
 * come back for every file analysed, and rebuilding Python's text for each task costs more than the analysis
 * of a small file by a quick service. The inputs are JSON data, so their JSON text identifies them.
 */
const confKeyMemo = new Map<string, string>();
const CONF_KEY_MEMO_SIZE = 2048;

export function confKey(input: ConfKeyInput = {}): string {
  const salted = Boolean(input.salt || (input.task && (input.task.ignoreCache || input.partial)));
  const memoKey = salted ? null : JSON.stringify([input.serviceToolVersion ?? null, input.task ?? null]);
  const known = memoKey === null ? undefined : confKeyMemo.get(memoKey);
  if (known !== undefined) return known;
  const source = confKeySource(input);
  const key = source === null ? '0' : base62(BigInt(`0x${createHash('md5').update(source, 'utf8').digest('hex').slice(0, 16)}`));
  if (memoKey !== null) {
    if (confKeyMemo.size >= CONF_KEY_MEMO_SIZE) confKeyMemo.clear();
    confKeyMemo.set(memoKey, key);
  }
  return key;
}

export interface ResultKeyInput extends ConfKeyInput {
  sha256: string;
  serviceName: string;
  serviceVersion: string;
  isEmpty?: boolean;
}

function keyStem(sha256: string, serviceName: string, serviceVersion: string, conf: string): string {
  return [sha256, serviceName.replaceAll('.', '_'), `v${serviceVersion.replaceAll('.', '_')}`, `c${conf}`].join('.');
}

export function resultKey(input: ResultKeyInput): string {
  const stem = keyStem(input.sha256, input.serviceName, input.serviceVersion, confKey(input));
  return input.isEmpty ? `${stem}.e` : stem;
}

/** Key of a cached empty result: the result key plus ".e". */
export function emptyResultKey(input: Omit<ResultKeyInput, 'isEmpty'>): string {
  return resultKey({ ...input, isEmpty: true });
}

export interface ErrorKeyInput {
  sha256: string;
  serviceName: string;
  serviceVersion: string;
  errorType: ErrorType;
  serviceToolVersion?: string | null;
  task?: ConfKeyTask | null;
  salt?: () => string;
}

/** Error keys hash the task like result keys but never take the partial salt. */
export function errorKey(input: ErrorKeyInput): string {
  const conf = confKey({ serviceToolVersion: input.serviceToolVersion, task: input.task, salt: input.salt });
  return `${keyStem(input.sha256, input.serviceName, input.serviceVersion, conf)}.e${ERROR_TYPES[input.errorType] ?? 0}`;
}

export function isEmptyResultKey(key: string): boolean {
  return key.endsWith('.e');
}

export interface ParsedResultKey {
  sha256: string;
  serviceName: string;
  /** As written in the key: dots already turned into underscores. */
  serviceVersion: string;
  confKey: string;
  isEmpty: boolean;
}

/** Splits a result or empty-result key; null when it is not one. */
export function parseResultKey(key: string): ParsedResultKey | null {
  const parts = key.split('.');
  const isEmpty = parts.length === 5 && parts[4] === 'e';
  if (parts.length !== 4 && !isEmpty) return null;
  const [sha256, serviceName, version, conf] = parts as [string, string, string, string];
  if (!/^[0-9a-f]{64}$/.test(sha256) || !version.startsWith('v') || !conf.startsWith('c')) return null;
  return { sha256, serviceName, serviceVersion: version.slice(1), confKey: conf.slice(1), isEmpty };
}

export interface ParsedErrorKey {
  sha256: string;
  serviceName: string;
  code: number;
  /** The error type of that code, or null for a code Assemblyline does not define. */
  type: ErrorType | null;
}

const TYPE_BY_CODE = new Map<number, ErrorType>(
  (Object.entries(ERROR_TYPES) as Array<[ErrorType, number]>).map(([name, code]) => [code, name]),
);

/**
 * Reads an error key the way the Python client does: positionally, sha256 = key[:64], service =
 * key[65:] up to the next dot, code = what follows the last ".e". Null when that reading finds no number.
 */
export function parseErrorKey(key: string): ParsedErrorKey | null {
  const at = key.lastIndexOf('.e');
  if (key.length < 66 || at < 0) return null;
  const codeText = key.slice(at + 2);
  if (!/^\d+$/.test(codeText)) return null;
  const code = Number(codeText);
  const rest = key.slice(65);
  const dot = rest.indexOf('.');
  return {
    sha256: key.slice(0, 64),
    serviceName: dot < 0 ? rest : rest.slice(0, dot),
    code,
    type: TYPE_BY_CODE.get(code) ?? null,
  };
}
