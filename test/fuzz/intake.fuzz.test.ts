// The submit and ingest intake, called directly rather than over HTTP: the `json` part of a multipart upload
// (or a JSON body), the request's params merged over the defaults, the metadata flattened, and the whole
// initialisation with a file store that keeps nothing. Any request either comes out well-formed or is refused
// with an AssayError (a 4xx the client is shown); nothing else escapes, however deep or odd its JSON.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { FastifyRequest } from 'fastify';
import fc from 'fast-check';
import { readSubmissionRequest } from '../../src/api/upload.js';
import { defaultConfig } from '../../src/config.js';
import { AssayError } from '../../src/core/errors.js';
import type { FileIntake } from '../../src/core/files/file-intake.js';
import { cartMetadata, requestMetadata } from '../../src/core/submission/metadata.js';
import { initSubmission, type InitOptions } from '../../src/core/submission/init.js';
import { defaultParams, profileParams, resolveParams, type SubmissionParams, type Submitter } from '../../src/core/submission/params.js';
import { newSubmission } from '../../src/core/submission/record.js';
import { expectControlled, FuzzInput, fuzzer, mutatedInput } from './harness.js';
import { seed } from './seeds.js';

const cfg = defaultConfig();
const LIMITS = { maxDepth: cfg.server.maxJsonDepth, maxBytes: cfg.submission.maxMetadataBytes, maxValueLength: cfg.submission.maxMetadataLength };
const DEFAULTS = defaultParams('TLP:C', 30) as unknown as Record<string, unknown>;
const isClientError = (e: unknown) => e instanceof AssayError && e.status >= 400 && e.status < 500;

// Names the request JSON uses, names every object inherits, and a few that are neither.
const KEYS = [
  ...Object.keys(DEFAULTS), 'selected', 'excluded', 'rescan', 'resubmit', 'runtime_excluded', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
  'valueOf', 'prototype', 'x', '', 'a.b',
];
const leaf = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('1e3', '0x10', ' 7', '-0', 'NaN', 'Infinity'));
const { value: json } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
}));
/** Objects nested `n` deep, as JSON text: JSON.parse takes any depth, code walking the result may not. */
const deep = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('{"a":', '[', '{"metadata":', '{"params":{"services":')).map(([n, open]) => {
  const close = open === '[' ? ']' : '}'.repeat(open.split('{').length - 1);
  return FuzzInput.text(open.repeat(n) + '1' + close.repeat(n), `${JSON.stringify(open)} x${n}`);
});

const user: Submitter = { uname: 'alice', groups: ['USERS'], classification: 'TLP:C', roles: ['submission_customize', 'submission_create'] };

/** The params have exactly the known fields with their types; `resolved` ones also build a submission record. */
function checkParams(p: Record<string, unknown>, resolved: boolean): void {
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.deepEqual(Object.keys(p).sort(), Object.keys(DEFAULTS).sort());
  for (const [k, v] of Object.entries(DEFAULTS)) {
    if (v === null) assert.ok(p[k] === null || typeof p[k] === 'string', `params.${k}`);
    else if (Array.isArray(v)) assert.ok(Array.isArray(p[k]), `params.${k}`);
    else if (typeof v === 'number') assert.ok(Number.isSafeInteger(p[k]), `params.${k}`);
    else assert.equal(typeof p[k], typeof v, `params.${k}`);
  }
  if (!resolved) return;
  assert.ok((p.priority as number) >= 0 && (p.priority as number) <= 1500, 'priority');
  newSubmission({ sid: 'x', files: [], params: p as unknown as SubmissionParams, metadata: {} });
}

function checkMetadata(m: Record<string, string>): void {
  for (const v of Object.values(m)) assert.equal(typeof v, 'string');
}

/** A request as Fastify hands it over: a multipart upload with this `json` part, or a parsed JSON body. */
function request(text: string, multipart: boolean): FastifyRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return {
    isMultipart: () => multipart,
    body,
    headers: { 'content-type': multipart ? 'multipart/form-data' : 'application/json' },
    parts: async function* () {
      yield { type: 'field', fieldname: 'json', value: text, valueTruncated: false };
    },
  } as unknown as FastifyRequest;
}

let dir = '';
const intake = {
  async intake() {
    return { record: { sha256: 'a'.repeat(64), size: 3 }, cartHeader: currentCart };
  },
  async store() {
    return { sha256: 'a'.repeat(64), size: 3, cartHeader: currentCart };
  },
  async storeUpload() {
    return { sha256: 'a'.repeat(64), size: 3, cartHeader: currentCart };
  },
  async storeBytes() {
    return { sha256: 'a'.repeat(64), size: 3 };
  },
  files: { get: async () => null, search: async () => ({ items: [] }) },
  hasContent: async () => false,
  resight: async () => null,
} as unknown as FileIntake;
let currentCart: Record<string, unknown> | null = null;

function initOptions(endpoint: 'ingest' | 'submit'): InitOptions {
  return {
    endpoint, intake, tmpDir: dir, maxFileSize: 1 << 20, ttl: 30, maxDtl: 0, allowUrlSubmissions: true, urlServices: ['URLDownload'],
    urlSchemes: cfg.ui.urlSubmissionSchemes, metadata: LIMITS,
  };
}

const SEEDS = [
  { params: { deep_scan: true, services: { selected: ['Extraction'] }, priority: '500' }, metadata: { a: { b: 'c' }, n: 1 }, name: 'x.exe', plaintext: 'hello' },
  { url: 'hxxp://evil[.]example[.]com/a', submission_profile: 'static', metadata: { source: 'sensor' } },
  { sha256: 'a'.repeat(64), params: { service_spec: { Extract: { password: 'x' } }, ttl: 0 } },
  { base64: 'aGVsbG8=', generate_alert: true, notification_queue: 'q', notification_threshold: 100 },
].map((s, i) => seed(`request-${i}`, JSON.stringify(s)));

const property = fuzzer('intake');

describe('fuzz: submit and ingest intake', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assay-fuzz-intake-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  property('params', fc.tuple(json, fc.option(fc.constantFrom('static', 'default', 'nope', '__proto__'), { nil: undefined })), ([params, profile]) => {
    try {
      checkParams(resolveParams({ params, submission_profile: profile }, user, { ttl: 30, maxDtl: 0 }) as unknown as Record<string, unknown>, true);
    } catch (e) {
      expectControlled(e, isClientError, 'resolveParams');
    }
    try {
      const saved = { ...user, profiles: { default: params as Record<string, unknown> } };
      checkParams(profileParams(undefined, saved, { ttl: 30 }) as unknown as Record<string, unknown>, false);
    } catch (e) {
      expectControlled(e, isClientError, 'profileParams');
    }
  }, { caseMs: 5000, runsFactor: 25 });

  property('metadata', fc.oneof(json, deep.map((d) => JSON.parse(d.text) as unknown)), (metadata) => {
    try {
      checkMetadata(requestMetadata(metadata, LIMITS));
    } catch (e) {
      expectControlled(e, isClientError, 'requestMetadata');
    }
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return;
    try {
      checkMetadata(cartMetadata(metadata as Record<string, unknown>, LIMITS));
    } catch (e) {
      expectControlled(e, isClientError, 'cartMetadata');
    }
  }, { caseMs: 5000, runsFactor: 10 });

  const bodies = fc.oneof(json.map((v) => FuzzInput.text(JSON.stringify(v) ?? 'null', 'json value')), deep, mutatedInput(SEEDS));
  property('json part and body', fc.tuple(bodies, fc.boolean()), async ([text, multipart]) => {
    try {
      const parsed = await readSubmissionRequest(request(text.text, multipart), dir, cfg);
      assert.ok(typeof parsed.data === 'object' && parsed.data !== null && !Array.isArray(parsed.data));
      await parsed.cleanup();
    } catch (e) {
      expectControlled(e, isClientError, 'readSubmissionRequest');
    }
  }, { caseMs: 5000, runsFactor: 10 });

  const requests = fc.oneof(fc.dictionary(fc.constantFrom(...KEYS, 'params', 'metadata', 'url', 'plaintext', 'base64', 'sha256', 'md5', 'name'), json, { maxKeys: 6 }),
    mutatedInput(SEEDS).map((i) => {
      try {
        return JSON.parse(i.text) as unknown;
      } catch {
        return {};
      }
    }));
  property('initialisation', fc.tuple(requests, fc.constantFrom('ingest' as const, 'submit' as const), fc.option(fc.dictionary(fc.constantFrom(...KEYS), json), { nil: null })), async ([data, endpoint, cart]) => {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
    currentCart = cart;
    try {
      const init = await initSubmission({ data: data as Record<string, unknown> }, user, initOptions(endpoint));
      checkParams(init.params as unknown as Record<string, unknown>, true);
      checkMetadata(init.metadata);
      assert.ok(init.file.name.length > 0);
    } catch (e) {
      expectControlled(e, isClientError, 'initSubmission');
    }
  }, { caseMs: 5000, runsFactor: 10 });
});
