// Parses 7-Zip's technical listing (`l -slt -ba`): blocks of "Key = value" lines separated by blank lines,
// one block per entry. The same parser serves the service and its tests' oracle, so both read the listing
// the same way.

export interface ArchiveEntry {
  /** Path exactly as stored in the archive (untrusted). */
  path: string;
  size: number;
  packedSize: number | null;
  isDir: boolean;
  encrypted: boolean;
  method: string;
  attributes: string;
  /** Position in the listing, stable across listings of the same archive. */
  index: number;
}

export function parseListing(text: string): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let cur: Record<string, string> | null = null;
  const flush = () => {
    // Single-stream formats (bzip2, xz) may list their one entry without a Path: the name is then derived
    // from the archive's own name.
    if (cur && ('Path' in cur || 'Size' in cur)) entries.push(toEntry(cur, entries.length));
    cur = null;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line === '') {
      flush();
      continue;
    }
    const eq = line.indexOf(' = ');
    const key = eq >= 0 ? line.slice(0, eq) : line.endsWith(' =') ? line.slice(0, -2) : null;
    if (key === null) continue;
    // A new "Path" line always starts a new entry, even if 7-Zip omitted the blank separator.
    if (key === 'Path' && cur && 'Path' in cur) flush();
    cur ??= {};
    cur[key] = eq >= 0 ? line.slice(eq + 3) : '';
  }
  flush();
  return entries;
}

function toEntry(f: Record<string, string>, index: number): ArchiveEntry {
  const attributes = f.Attributes ?? '';
  // Windows attribute letters come first ("HD", "RA"); a Unix mode may follow after a space ("D_ drwxr-xr-x").
  const winAttrs = attributes.split(' ')[0] ?? '';
  const isDir = f.Folder === '+' || winAttrs.includes('D');
  const packed = f['Packed Size'];
  return {
    path: f.Path ?? '',
    size: Number.parseInt(f.Size ?? '0', 10) || 0,
    packedSize: packed ? Number.parseInt(packed, 10) : null,
    isDir,
    encrypted: f.Encrypted === '+',
    method: f.Method ?? '',
    attributes,
    index,
  };
}

/** 7-Zip's messages for a wrong or missing password (listing or extraction). */
export function mentionsWrongPassword(output: string): boolean {
  return /Wrong password|Cannot open encrypted archive|encrypted archive/i.test(output);
}
