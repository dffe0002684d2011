// The file record (Assemblyline's `file` model): what a file is and when it was seen, keyed by sha256.
import { isoDate } from '../util/time.js';

/** What describing a file finds: digests, size, entropy, type, and its first bytes. */
export interface FileFacts {
  sha256: string;
  sha1: string;
  md5: string;
  ssdeep: string;
  tlsh: string | null;
  size: number;
  entropy: number;
  type: string;
  magic: string;
  mime: string | null;
  header: Uint8Array;
}

/** The stored record: the facts (all but the header bytes) plus what the system tracks about the file. */
export interface FileRecord extends Omit<FileFacts, 'header'> {
  /** First 64 bytes, printable ASCII kept and everything else shown as '.'. */
  ascii: string;
  /** First 64 bytes in lowercase hex. */
  hex: string;
  classification: string;
  seen: { count: number; first: string; last: string };
  expiry_ts: string | null;
  archive_ts: string | null;
  from_archive: boolean;
  is_section_image: boolean;
  is_supplementary: boolean;
  labels: string[];
  label_categories: { info: string[]; technique: string[]; attribution: string[] };
  comments: unknown[];
  uri_info?: Record<string, unknown> | null;
}

export function dotdump(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  return s;
}

export interface SeenOptions {
  classification: string;
  /** Days to keep the record; 0 keeps it forever. */
  ttlDays: number;
  now?: number;
  isSupplementary?: boolean;
  isSectionImage?: boolean;
}

function expiryFor(ttlDays: number, now: number): string | null {
  return ttlDays > 0 ? isoDate(now + ttlDays * 86_400_000) : null;
}

/** The record after one more sighting: a new record, or the existing one freshened. */
export function recordSighting(existing: FileRecord | null, facts: FileFacts, opts: SeenOptions): FileRecord {
  const now = opts.now ?? Date.now();
  const when = isoDate(now);
  const expiry = expiryFor(opts.ttlDays, now);
  if (existing) {
    // A file lives as long as its longest-lived sighting; "forever" (null) wins over any date.
    const keep =
      existing.expiry_ts === null || expiry === null ? null : existing.expiry_ts > expiry ? existing.expiry_ts : expiry;
    return {
      ...existing,
      seen: { count: existing.seen.count + 1, first: existing.seen.first, last: when },
      expiry_ts: keep,
      is_supplementary: existing.is_supplementary && Boolean(opts.isSupplementary),
    };
  }
  const head = facts.header.subarray(0, 64);
  return {
    sha256: facts.sha256,
    sha1: facts.sha1,
    md5: facts.md5,
    ssdeep: facts.ssdeep,
    tlsh: facts.tlsh,
    size: facts.size,
    type: facts.type,
    magic: facts.magic,
    mime: facts.mime,
    entropy: facts.entropy,
    ascii: dotdump(head),
    hex: Buffer.from(head).toString('hex'),
    classification: opts.classification,
    seen: { count: 1, first: when, last: when },
    expiry_ts: expiry,
    archive_ts: null,
    from_archive: false,
    is_section_image: Boolean(opts.isSectionImage),
    is_supplementary: Boolean(opts.isSupplementary),
    labels: [],
    label_categories: { info: [], technique: [], attribution: [] },
    comments: [],
  };
}
