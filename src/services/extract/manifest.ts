// The Extract service's manifest. Heuristic ids and names follow Assemblyline's Extract service so scores
// and statistics line up with AL deployments; ids from 100 up are Assay's own.
import type { ServiceManifest } from '../../sdk/index.js';
import { DEFAULT_LIMITS } from './limits.js';

export const HEUR = {
  EXTRACTED_FROM_ARCHIVE: 1,
  PROTECTED_ARCHIVE_EXTRACTED: 10,
  PASSWORD_NOT_FOUND: 12,
  SYMLINKS: 15,
  LISTING_UNAVAILABLE: 24,
  LIMITS: 100,
} as const;

export const manifest: ServiceManifest = {
  name: 'Extract',
  version: '1.0.0',
  stage: 'EXTRACT',
  category: 'Extraction',
  description: 'Extracts the files of containers (zip, 7z, rar, tar, compressed streams, cab, cpio, ISO) with 7-Zip.',
  // Only container types whose extraction is tested; CaRT is unwrapped at ingestion, not here.
  accepts: 'archive/.*',
  rejects: 'empty|metadata/.*|archive/cart',
  timeoutSeconds: 120,
  memoryMb: 1024,
  config: {
    passwords: ['infected', 'password', 'VelvetSweatshop', '/01Hannes Ruescher/01', '123', '1234', '12345', '123456', '4321', 'malware', 'virus'],
    max_total_bytes: DEFAULT_LIMITS.maxTotalBytes,
    max_ratio: DEFAULT_LIMITS.maxRatio,
    max_entries: DEFAULT_LIMITS.maxEntries,
    ratio_min_bytes: DEFAULT_LIMITS.ratioMinBytes,
  },
  submissionParams: [{ name: 'password', type: 'str', default: '', value: '' }],
  heuristics: [
    { id: HEUR.EXTRACTED_FROM_ARCHIVE, name: 'Extracted from archive', score: 0, filetype: 'archive/', description: 'Files were extracted from a standard archive file' },
    { id: HEUR.PROTECTED_ARCHIVE_EXTRACTED, name: 'Extracted from Protected Archive', score: 0, filetype: 'archive/.*', description: 'Password protected archive successfully extracted' },
    {
      id: HEUR.PASSWORD_NOT_FOUND, name: 'Password Protected File Extraction Failed', score: 0, filetype: '.*',
      signatureScoreMap: { raise_score: 500 }, description: 'Failed to extract password protected file.',
    },
    { id: HEUR.SYMLINKS, name: 'Symlink(s) Found', score: 0, filetype: '.*', description: 'File(s) extracted contain one or many symbolic links to an expected file on the host' },
    {
      id: HEUR.LISTING_UNAVAILABLE, name: 'Unable to recover file listing', score: 0, filetype: '.*',
      description: "File listing is probably stored in an encrypted header, so we can't recover the expected files.",
    },
    {
      id: HEUR.LIMITS, name: 'Extraction limits exceeded', score: 0, filetype: 'archive/.*',
      // A compression ratio far beyond real data is the mark of an archive bomb; size and count alone are not.
      signatureScoreMap: { compression_ratio: 500, total_size: 0, entry_count: 0, write_cap: 500 },
      description: 'The archive declares more data or entries than the extraction limits allow; the excess was not extracted.',
    },
  ],
};
