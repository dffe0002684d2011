// Archive entry names are attacker-controlled. These helpers turn them into harmless relative names for the
// file tree and find what 7-Zip really wrote, without ever following a link out of the output folder.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A display/tree name for an entry: backslashes become slashes, drive letters, leading slashes and
 * "." / ".." components are dropped, control characters are replaced. Never empty.
 */
export function sanitiseEntryName(name: string, fallback = 'unnamed'): string {
  const parts = name
    .replace(/\\/g, '/')
    .replace(/^[A-Za-z]:/, '')
    .split('/')
    .map((p) => p.replace(/[\x00-\x1f\x7f]/g, '_').replace(/^[A-Za-z]:$/, ''))
    .filter((p) => p !== '' && p !== '.' && p !== '..');
  return parts.length ? parts.join('/') : fallback;
}

export interface WrittenFile {
  /** Path relative to the walked root, with "/" separators, as 7-Zip wrote it. */
  rel: string;
  abs: string;
  size: number;
}

export interface WalkResult {
  files: WrittenFile[];
  /** Symbolic links and special files that were left alone. */
  skipped: string[];
}

/** Regular files under `root`; links are reported, never followed. */
export async function walkFiles(root: string): Promise<WalkResult> {
  const files: WrittenFile[] = [];
  const skipped: string[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    names.sort();
    for (const name of names) {
      const abs = join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      const st = await lstat(abs);
      if (st.isDirectory()) await visit(abs, rel);
      else if (st.isFile()) files.push({ rel, abs, size: st.size });
      else skipped.push(rel);
    }
  };
  await visit(root, '');
  return { files, skipped };
}
