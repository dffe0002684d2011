// Taking a file into the system: unwrap CaRT, hash and identify it in one read, store the bytes by sha256 and
// create or freshen its record. Every upload path (ingest, submit, extracted children) goes through here.
import { randomBytes } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Collection, Datastore } from '../../store/datastore.js';
import type { Filestore } from '../../store/filestore.js';
import { decodeCartFile, isCart, MANDATORY_HEADER_SIZE, readCartMetadata } from '../cart/index.js';
import { AssayError } from '../errors.js';
import { hashFile } from '../hashes/file-hasher.js';
import { createIdentifier, IDENTIFY_HEADER_BYTES, type Identifier } from '../identify/index.js';
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
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
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
  private identifier?: Promise<Identifier>;

  constructor(
    ds: Datastore,
    private readonly filestore: Filestore,
    private readonly opts: FileIntakeOptions,
  ) {
    this.files = ds.collection<FileRecord>('file');
  }

  /** libmagic loads once, on first use. */
  private getIdentifier(): Promise<Identifier> {
    return (this.identifier ??= createIdentifier());
  }

  /** Hash and identify a local file without storing anything. */
  async describe(path: string, name?: string): Promise<FileFacts> {
    const [digests, identifier] = await Promise.all([hashFile(path, { headerSize: IDENTIFY_HEADER_BYTES }), this.getIdentifier()]);
    const ident = identifier.identify(digests.header, { size: digests.size, name, path });
    return {
      sha256: digests.sha256,
      sha1: digests.sha1,
      md5: digests.md5,
      ssdeep: digests.ssdeep,
      tlsh: digests.tlsh,
      size: digests.size,
      entropy: digests.entropy,
      type: digests.size === 0 ? 'empty' : ident.type,
      magic: ident.magic,
      mime: ident.mime,
      header: digests.header,
    };
  }

  /** True when the bytes of the file are in the filestore. */
  hasContent(sha256: string): Promise<boolean> {
    return this.filestore.exists(sha256);
  }

  /** Count one more sighting of a file already stored (a submission by hash); null if unknown. */
  async resight(sha256: string, opts: { classification?: string; ttlDays?: number } = {}): Promise<FileRecord | null> {
    const rec = await this.files.update(sha256, (cur) =>
      cur
        ? recordSighting(cur, cur as unknown as FileFacts, {
            classification: opts.classification ?? this.opts.defaultClassification,
            ttlDays: opts.ttlDays ?? this.opts.defaultTtlDays,
          })
        : undefined,
    );
    return rec;
  }

  /** Take in the file at `path` (left in place; the caller owns it). */
  async intake(path: string, opts: IntakeOptions = {}): Promise<IntakeResult> {
    const size = (await stat(path)).size;
    if (size > this.opts.maxFileSize && !opts.ignoreSize) {
      throw fileTooBig(size, this.opts.maxFileSize);
    }
    let source = path;
    let cartHeader: Record<string, unknown> | null = null;
    let unwrapped: string | undefined;
    try {
      if (!opts.keepCart && size >= MANDATORY_HEADER_SIZE && isCart(await readHead(path, MANDATORY_HEADER_SIZE)) && !(await declaresType(path))) {
        unwrapped = join(this.opts.tmpDir, `uncart-${randomBytes(8).toString('hex')}`);
        try {
          cartHeader = (await decodeCartFile(path, unwrapped, { verify: true })).header;
        } catch (err) {
          throw new AssayError(400, `Invalid CaRT file: ${(err as Error).message}`);
        }
        source = unwrapped;
        const inner = (await stat(source)).size;
        if (inner > this.opts.maxFileSize && !opts.ignoreSize) throw fileTooBig(inner, this.opts.maxFileSize);
      }
      const name = opts.name ?? (typeof cartHeader?.name === 'string' ? cartHeader.name : undefined);
      const facts = await this.describe(source, name);
      const isNew = !(await this.filestore.exists(facts.sha256));
      if (isNew) await this.filestore.put(facts.sha256, { path: source });
      const record = (await this.files.update(facts.sha256, (cur) =>
        recordSighting(cur, facts, {
          classification: opts.classification ?? this.opts.defaultClassification,
          ttlDays: opts.ttlDays ?? this.opts.defaultTtlDays,
          isSupplementary: opts.isSupplementary,
          isSectionImage: opts.isSectionImage,
        }),
      ))!;
      return { record, cartHeader, isNew };
    } finally {
      if (unwrapped) await rm(unwrapped, { force: true });
    }
  }
}
