// Extraction limits, decided from the listing before anything is written. The byte budget is the smaller of
// an absolute ceiling and a multiple of the input size (archive bombs expand by factors of 1000 and more);
// small outputs are always allowed so a tiny, very compressible archive is not mistaken for a bomb.
import type { ArchiveEntry } from './listing.js';

export interface Limits {
  maxTotalBytes: number;
  maxRatio: number;
  maxEntries: number;
  /** Outputs up to this size are allowed whatever the ratio. */
  ratioMinBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxTotalBytes: 512 * 1024 * 1024,
  maxRatio: 250,
  maxEntries: 500,
  ratioMinBytes: 16 * 1024 * 1024,
};

function num(v: unknown, dflt: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : dflt;
}

export function limitsFrom(config: Record<string, unknown>): Limits {
  return {
    maxTotalBytes: num(config.max_total_bytes, DEFAULT_LIMITS.maxTotalBytes),
    maxRatio: num(config.max_ratio, DEFAULT_LIMITS.maxRatio),
    maxEntries: Math.floor(num(config.max_entries, DEFAULT_LIMITS.maxEntries)),
    ratioMinBytes: num(config.ratio_min_bytes, DEFAULT_LIMITS.ratioMinBytes),
  };
}

export interface Selection {
  selected: ArchiveEntry[];
  skipped: Array<{ entry: ArchiveEntry; reason: string }>;
  /** Bytes the selection may write; also the hard cap enforced while 7-Zip writes. */
  budget: number;
  declaredTotal: number;
  ratio: number;
  /** Which limits the archive as a whole exceeds: entry_count, total_size, compression_ratio. */
  exceeded: string[];
}

export function selectEntries(files: ArchiveEntry[], inputSize: number, limits: Limits): Selection {
  const budget = Math.min(limits.maxTotalBytes, Math.max(limits.ratioMinBytes, limits.maxRatio * inputSize));
  const declaredTotal = files.reduce((s, f) => s + f.size, 0);
  const ratio = inputSize > 0 ? declaredTotal / inputSize : declaredTotal > 0 ? Infinity : 0;
  const selected: ArchiveEntry[] = [];
  const skipped: Selection['skipped'] = [];
  let total = 0;
  for (const f of files) {
    if (selected.length >= limits.maxEntries) skipped.push({ entry: f, reason: `more than ${limits.maxEntries} entries` });
    else if (total + f.size > budget) skipped.push({ entry: f, reason: `would exceed the ${budget}-byte budget` });
    else {
      selected.push(f);
      total += f.size;
    }
  }
  const exceeded: string[] = [];
  if (files.length > limits.maxEntries) exceeded.push('entry_count');
  if (declaredTotal > limits.maxTotalBytes) exceeded.push('total_size');
  if (declaredTotal > limits.ratioMinBytes && ratio > limits.maxRatio) exceeded.push('compression_ratio');
  return { selected, skipped, budget, declaredTotal, ratio, exceeded };
}
