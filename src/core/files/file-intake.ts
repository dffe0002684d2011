// Taking a file into the system: unwrap CaRT, hash and identify it in one read, store the bytes by sha256 and
// create or freshen its record. Every upload path (ingest, submit, extracted children) goes through here.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { readHead } from '../../sdk/read-head.js';
import { join } from 'node:path';
import type { Collection, Datastore } from '../../store/datastore.js';
import type { Filestore } from '../../store/filestore.js';
import { decodeCartFile, isCart, MANDATORY_HEADER_SIZE, readCartMetadata } from '../cart/index.js';
import { AssayError } from '../errors.js';
import { DescribePool } from './describe-pool.js';
import { recordSighting, type FileFacts, type FileRecord } from './file-record.js';

export interface IntakeOptions {
  name?: string;
  classification?: string;
  ttlDays?: number;
  isSupplementary?: boolean;
  isSectionImage?: boolean;
  /** Keep a CaRT as it is instead of unwrapping it (for files extracted from inside analysis). */
  keepCart?: boolean;
  /** Accept files over the size limit (the submitter asked to ignore it). */
  ignoreSize?: boolean;
}

export interface IntakeResult {
  record: FileRecord;
  /** Metadata from a CaRT wrapper that was removed (its header: name and any other keys). */
  cartHeader: Record<string, unknown> | null;
  /** True when the blob was new to the filestore. */
  isNew: boolean;
}

export interface FileIntakeOptions {
  tmpDir: string;
  maxFileSize: number;
  defaultClassification: string;
  defaultTtlDays: number;
  /** File describers (child processes) without work for this long are stopped, ms (default 60 s). */
  describeIdleMs?: number;
}

export const fileTooBig = (size: number, max: number) => new AssayError(413, `File too big to be scanned (${size} > ${max}).`, {});

/** A CaRT whose header names its Assemblyline type (`al.type`) is analysed as it is, wrapper and all. */
async function declaresType(path: string): Promise<boolean> {
  try {
    const al = (await readCartMetadata(path)).header.al as { type?: unknown } | undefined;
    return typeof al?.type === 'string' && al.type.length > 0;
  } catch {
    return false;
  }
}

export class FileIntake {
  readonly files: Collection<FileRecord>;
  private describer?: DescribePool;

  constructor(
    ds: Datastore,
    private readonly filestore: Filestore,
    private readonly opts: FileIntakeOptions,
  ) {
    this.files = ds.collection<FileRecord>('file');
  }

  /** Hash and identify a local file without storing anything (in child processes, started on first use). */
  describe(path: string, name?: string): Promise<FileFacts> {
    return (this.describer ??= new DescribePool(undefined, undefined, this.opts.describeIdleMs)).describe(path, name);
  }

  async close(): Promise<void> {
    await this.describer?.close();
  }

  /** True when the bytes of the file are in the filestore. */
  hasContent(sha256: string): Promise<boolean> {
    return this.filestore.exists(sha256);
  }

  /** Count one more sighting of a file already stored (a submission by hash); null if unknown. */
  async resight(sha256: string, opts: IntakeOptions = {}): Promise<FileRecord | null> {
    return this.files.update(sha256, (cur) => (cur ? recordSighting(cur, cur as unknown as FileFacts, this.sighting(opts)) : undefined));
  }

  /**
   * Run `use` on the file's content: `path` itself, or a temporary copy of what a CaRT wrapper holds (its
   * header is passed along). Size limits apply to both.
   */
  private async unwrapped<T>(path: string, opts: IntakeOptions, use: (source: string, cartHeader: Record<string, unknown> | null) => Promise<T>): Promise<T> {
    const size = (await stat(path)).size;
    if (size > this.opts.maxFileSize && !opts.ignoreSize) throw fileTooBig(size, this.opts.maxFileSize);
    if (opts.keepCart || size < MANDATORY_HEADER_SIZE || !isCart((await readHead(path, MANDATORY_HEADER_SIZE)).buf) || (await declaresType(path))) {
      return use(path, null);
    }
    const inner = join(this.opts.tmpDir, `uncart-${randomBytes(8).toString('hex')}`);
    try {
      let header: Record<string, unknown>;
      try {
        header = (await decodeCartFile(path, inner, { verify: true })).header;
      } catch (err) {
        throw new AssayError(400, `Invalid CaRT file: ${(err as Error).message}`);
      }
      const innerSize = (await stat(inner)).size;
      if (innerSize > this.opts.maxFileSize && !opts.ignoreSize) throw fileTooBig(innerSize, this.opts.maxFileSize);
      return await use(inner, header);
    } finally {
      await rm(inner, { force: true });
    }
  }

  private sighting(opts: IntakeOptions) {
    return {
      classification: opts.classification ?? this.opts.defaultClassification,
      ttlDays: opts.ttlDays ?? this.opts.defaultTtlDays,
      isSupplementary: opts.isSupplementary,
      isSectionImage: opts.isSectionImage,
    };
  }

  /** Take in the file at `path` (left in place; the caller owns it): store it, describe it, record it. */
  async intake(path: string, opts: IntakeOptions = {}): Promise<IntakeResult> {
    return this.unwrapped(path, opts, async (source, cartHeader) => {
      const name = opts.name ?? (typeof cartHeader?.name === 'string' ? cartHeader.name : undefined);
      return { ...(await this.keep(source, await this.describe(source, name), opts)), cartHeader };
    });
  }

  /**
   * Describe a file as it is (a CaRT stays wrapped), within the size limit, without storing it: files that
   * analysers extract are weighed against the submission's budget before anything is written.
   */
  async describeAsIs(path: string, opts: IntakeOptions = {}): Promise<FileFacts> {
    return this.unwrapped(path, { ...opts, keepCart: true }, (source) => this.describe(source, opts.name));
  }

  /** Store a described file (unless the filestore has it) and create or freshen its record. */
  async keep(path: string, facts: FileFacts, opts: IntakeOptions = {}): Promise<{ record: FileRecord; isNew: boolean }> {
    const isNew = !(await this.filestore.exists(facts.sha256));
    if (isNew) await this.filestore.put(facts.sha256, { path }, { verified: true });
    const record = (await this.files.update(facts.sha256, (cur) => recordSighting(cur, facts, this.sighting(opts))))!;
    return { record, isNew };
  }

  /**
   * Store the file's bytes (a single sha256 pass) and leave describing it for later (`recordStored`): the fast
   * path of high-rate ingestion, which must answer before the costly identification and fuzzy hashing.
   */
  async store(path: string, opts: IntakeOptions = {}): Promise<{ sha256: string; size: number; cartHeader: Record<string, unknown> | null }> {
    return this.unwrapped(path, opts, async (source, cartHeader) => {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of createReadStream(source, { highWaterMark: 1 << 20 })) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      const sha256 = hash.digest('hex');
      if (!(await this.filestore.exists(sha256))) await this.filestore.put(sha256, { path: source }, { verified: true });
      return { sha256, size, cartHeader };
    });
  }

  /**
   * `store` for a temporary upload that was hashed while it was received: the file is moved into the
   * filestore as it is (unless it is a CaRT to unwrap), with no further reading.
   */
  async storeUpload(
    path: string,
    digest: { sha256: string; size: number; head: Uint8Array },
    opts: IntakeOptions = {},
  ): Promise<{ sha256: string; size: number; cartHeader: Record<string, unknown> | null; consumed: boolean }> {
    if (!opts.keepCart && isCart(digest.head)) return { ...(await this.store(path, opts)), consumed: false };
    if (digest.size > this.opts.maxFileSize && !opts.ignoreSize) throw fileTooBig(digest.size, this.opts.maxFileSize);
    await this.filestore.put(digest.sha256, { path }, { verified: true, consume: true });
    return { sha256: digest.sha256, size: digest.size, cartHeader: null, consumed: true };
  }

  /** `storeUpload` for an upload small enough to have been kept in memory (never a CaRT: those need unwrapping). */
  async storeBytes(
    bytes: Uint8Array,
    digest: { sha256: string; size: number },
    opts: IntakeOptions = {},
  ): Promise<{ sha256: string; size: number; cartHeader: null }> {
    if (digest.size > this.opts.maxFileSize && !opts.ignoreSize) throw fileTooBig(digest.size, this.opts.maxFileSize);
    await this.filestore.put(digest.sha256, bytes, { verified: true });
    return { sha256: digest.sha256, size: digest.size, cartHeader: null };
  }

  /** Create or freshen the record of a stored file, describing it from the filestore if it is new. */
  async recordStored(sha256: string, opts: IntakeOptions = {}): Promise<FileRecord> {
    const known = await this.resight(sha256, opts);
    if (known) return known;
    const local = await this.filestore.localPath(sha256);
    if (!local) throw new AssayError(404, `File ${sha256} is not in the filestore`);
    try {
      const facts = await this.describe(local.path, opts.name);
      return (await this.files.update(sha256, (cur) => recordSighting(cur, facts, this.sighting(opts))))!;
    } finally {
      await local.release();
    }
  }
}
