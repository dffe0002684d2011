// Filestore on a local directory: <root>/<aa>/<bb>/<sha256>. Writes go to a temporary file in the same
// filesystem and are renamed into place, so a reader never sees a partial blob and a crash leaves no torn file.
// There is no fsync: like the SQLite database (WAL, synchronous=NORMAL), what is written survives a crash of
// the process; only a crash of the operating system can lose the last writes.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { constants } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertSha256, HashMismatchError, type BlobSource, type Filestore, type PutOptions } from '../filestore.js';

export class LocalFilestore implements Filestore {
  readonly engine = 'local';
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = join(root, '.tmp');
  }

  async init(): Promise<this> {
    await mkdir(this.tmpDir, { recursive: true });
    return this;
  }

  pathOf(sha256: string): string {
    assertSha256(sha256);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  private readonly shards = new Set<string>();

  private async shardDir(sha256: string): Promise<string> {
    const shard = join(this.root, sha256.slice(0, 2), sha256.slice(2, 4));
    if (!this.shards.has(shard)) {
      await mkdir(shard, { recursive: true });
      this.shards.add(shard);
    }
    return shard;
  }

  async put(sha256: string, source: BlobSource, opts: PutOptions = {}): Promise<void> {
    const dest = this.pathOf(sha256);
    const isPath = !(source instanceof Uint8Array) && !(source instanceof Readable);
    if (opts.verified && opts.consume && isPath) {
      // A verified temporary file on the same filesystem: renaming it is the whole write. Replacing an existing
      // blob is harmless, its bytes are the same.
      await this.shardDir(sha256);
      await rename(source.path, dest);
      return;
    }
    const tmp = join(this.tmpDir, `${sha256}.${randomBytes(6).toString('hex')}`);
    if (opts.verified && source instanceof Uint8Array) {
      // Bytes the caller has just hashed: one write and a rename (cheaper than asking first whether it exists).
      return this.placeVia(tmp, sha256, () => writeFile(tmp, source, { flag: 'wx' }));
    }
    if (await this.exists(sha256)) return; // content-addressed: same name, same bytes
    if (opts.verified && isPath) {
      // Bytes the caller has just hashed: a copy (a reflink where the filesystem can) and a rename.
      return this.placeVia(tmp, sha256, () => copyFile(source.path, tmp, constants.COPYFILE_FICLONE));
    }
    const hash = createHash('sha256');
    const input: Readable =
      source instanceof Uint8Array
        ? Readable.from([source])
        : 'path' in source && typeof source.path === 'string' && !(source instanceof Readable)
          ? createReadStream(source.path)
          : (source as Readable);
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    return this.placeVia(tmp, sha256, async () => {
      await pipeline(input, hasher, createWriteStream(tmp, { flags: 'wx' }));
      const actual = hash.digest('hex');
      if (actual !== sha256) throw new HashMismatchError(sha256, actual);
    });
  }

  /** Writes the temporary file with `write`, then renames it into place; the temporary file never outlives a failure. */
  private async placeVia(tmp: string, sha256: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
      await this.shardDir(sha256);
      await rename(tmp, this.pathOf(sha256));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(sha256: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async stream(sha256: string, range?: { start?: number; end?: number }): Promise<Readable | null> {
    if (!(await this.exists(sha256))) return null;
    return createReadStream(this.pathOf(sha256), range);
  }

  async size(sha256: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null;
  }

  async delete(sha256: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(sha256));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async localPath(sha256: string): Promise<{ path: string; release(): Promise<void> } | null> {
    if (!(await this.exists(sha256))) return null;
    return { path: this.pathOf(sha256), release: async () => {} };
  }

  async close(): Promise<void> {}
}
