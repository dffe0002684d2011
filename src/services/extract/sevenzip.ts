// Runs 7-Zip (compiled to WebAssembly) against real directories. The archive's folder and the output folder
// are mounted with NODEFS so data streams between 7-Zip and the disk instead of living in the JS heap.
// 7-Zip runs synchronously on this thread; the runtime's worker isolation and time limit bound it.
import { createRequire } from 'node:module';
import type { FSStream, SevenZipModule, SevenZipModuleFactory } from '7z-wasm';

const require = createRequire(import.meta.url);

export interface RunResult {
  rc: number;
  stdout: string;
  stderr: string;
  /** Bytes 7-Zip wrote under the output mount. */
  written: number;
  /** The write budget was exhausted: output is truncated. */
  writeCapHit: boolean;
}

export interface Mount {
  /** Real directory on disk. */
  hostDir: string;
  /** Mount point inside the emscripten file system. */
  point: string;
}

interface Emscripten extends SevenZipModule {
  FS: SevenZipModule['FS'] & { ErrnoError: new (errno: number) => Error };
}

// ENOSPC in emscripten's errno numbering: 7-Zip sees a full disk and stops writing that entry.
const ENOSPC = 51;

let instance: Promise<Emscripten> | undefined;
let sink: { out: string[]; err: string[] } = { out: [], err: [] };
let writeBudget: { prefix: string; left: number; written: number; hit: boolean } | undefined;
let mountSeq = 0;

async function load(): Promise<Emscripten> {
  // The package ships a CommonJS build whose default export is the factory; requiring it avoids the
  // ESM/CJS default-export ambiguity.
  const factory = require('7z-wasm') as SevenZipModuleFactory;
  const mod = (await factory({
    stdin: () => null as unknown as number, // never answer a password prompt: EOF makes 7-Zip fail fast
    print: (s: string) => { sink.out.push(s); },
    printErr: (s: string) => { sink.err.push(s); },
  })) as Emscripten;
  const fs = mod.FS;
  // Permissions come from the archive: a directory stored as 000 would make the rest of the extraction
  // (and the clean-up of the work directory) fail, and nothing downstream needs them.
  fs.chmod = () => undefined;
  fs.lchmod = () => undefined;
  fs.fchmod = () => undefined;
  // Header sizes can lie (gzip trailers, forged zip headers): count what is really written and refuse
  // writes past the budget so a bomb can never fill the disk.
  const write = fs.write.bind(fs);
  fs.write = (stream: FSStream, buffer: ArrayBufferView, offset: number, length: number, position?: number, canOwn?: boolean) => {
    const path = (stream as unknown as { path?: string }).path ?? '';
    if (writeBudget && path.startsWith(writeBudget.prefix)) {
      if (length > writeBudget.left) {
        writeBudget.hit = true;
        throw new fs.ErrnoError(ENOSPC);
      }
      writeBudget.left -= length;
      writeBudget.written += length;
    }
    return write(stream, buffer, offset, length, position, canOwn);
  };
  return mod;
}

function get(): Promise<Emscripten> {
  instance ??= load();
  return instance;
}

/** Mount point names for host directories, unique within this process. */
export function mountPoint(label: string): string {
  return `/m${++mountSeq}-${label}`;
}

/**
 * Runs one 7-Zip command with the given directories mounted. `outPoint` (a mount point) limits writes to
 * `maxWrite` bytes.
 */
export async function run7z(args: string[], mounts: Mount[], limit?: { outPoint: string; maxWrite: number }): Promise<RunResult> {
  const mod = await get();
  const fs = mod.FS;
  const mounted: string[] = [];
  sink = { out: [], err: [] };
  writeBudget = limit ? { prefix: `${limit.outPoint}/`, left: limit.maxWrite, written: 0, hit: false } : undefined;
  try {
    for (const m of mounts) {
      fs.mkdir(m.point);
      fs.mount(mod.NODEFS, { root: m.hostDir }, m.point);
      mounted.push(m.point);
    }
    let rc: number;
    // On Node the module's exit hook stores 7-Zip's status in process.exitCode, which would make the
    // hosting process exit with the last archive's error code; keep the process's own value.
    const exitCode = process.exitCode;
    try {
      rc = (mod.callMain(args) as unknown as number) ?? 0;
    } catch (e) {
      // 7-Zip throws a bare number (a C++ exception) for some fatal errors, e.g. a missing input.
      sink.err.push(`7-Zip aborted: ${String(e)}`);
      rc = 255;
    } finally {
      process.exitCode = exitCode;
    }
    return {
      rc,
      stdout: sink.out.join('\n'),
      stderr: sink.err.join('\n'),
      written: writeBudget?.written ?? 0,
      writeCapHit: writeBudget?.hit ?? false,
    };
  } finally {
    writeBudget = undefined;
    for (const point of mounted.reverse()) {
      try {
        fs.unmount(point);
        fs.rmdir(point);
      } catch {
        // A failed unmount only leaks a mount point name; the next call uses a fresh one.
      }
    }
  }
}
