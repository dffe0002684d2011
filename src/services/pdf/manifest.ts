// The PDF analyser's manifest. Heuristic ids 1–28 keep the meaning (and, for feature heuristics, the score) they
// have in Assemblyline's PDFId service so verdicts read the same; ids from 30 are ours: behaviours PDFId only
// counts keywords for (JavaScript run on open, Launch actions) and structural anomalies, which are deliberately
// scored low because benign producers create many of them.
import type { ServiceManifest } from '../../sdk/index.js';

export const HEUR = {
  AUTO_OPEN: 1,
  JBIG2: 3,
  ACROFORM: 4,
  RICH_MEDIA: 5,
  OBJSTM: 7,
  ENCRYPT: 11,
  EMBEDDED_FILE: 15,
  JAVASCRIPT: 19,
  COLORS: 20,
  XFA: 23,
  URI: 24,
  JS_ON_OPEN: 30,
  LAUNCH: 31,
  AFTER_EOF: 32,
  INCREMENTAL: 33,
  HEADER_OFFSET: 34,
  OBFUSCATED_NAMES: 35,
  BROKEN_XREF: 36,
  UNBALANCED: 37,
  UNPARSABLE: 38,
} as const;

const PDF = 'document/pdf';

export const manifest: ServiceManifest = {
  name: 'PDF',
  version: '1.0.0',
  stage: 'CORE',
  category: 'Static Analysis',
  description: 'PDFiD-style keyword counts (also inside object streams), JavaScript, actions, embedded files, URIs, encryption, metadata and structural anomalies of PDF documents.',
  accepts: 'document/pdf',
  rejects: 'empty|metadata/.*',
  timeoutSeconds: 90,
  memoryMb: 1024,
  config: { max_pdf_size_mb: 50, max_extracted: 50, max_js_bytes: 5 * 1024 * 1024 },
  heuristics: [
    { id: HEUR.AUTO_OPEN, name: 'AutoOpen', score: 50, filetype: PDF, description: 'An action runs automatically when the document is opened (/OpenAction or /AA).', attack: ['T1204.002'] },
    { id: HEUR.JBIG2, name: 'JBIG2Decode', score: 50, filetype: PDF, description: 'The JBIG2 filter is used; its decoders have a history of exploitable bugs.', attack: ['T1203'] },
    { id: HEUR.ACROFORM, name: 'AcroForm', score: 25, filetype: PDF, description: 'The document has an interactive form (/AcroForm), which can carry actions and scripts.' },
    { id: HEUR.RICH_MEDIA, name: 'RichMedia', score: 25, filetype: PDF, description: '/RichMedia can embed Flash or other media in the document.' },
    { id: HEUR.OBJSTM, name: 'Objstms Detected', score: 0, filetype: PDF, description: 'Objects are stored in compressed object streams, where raw keyword scans cannot see them.' },
    { id: HEUR.ENCRYPT, name: 'Encrypt', score: 25, filetype: PDF, description: 'The document is encrypted (/Encrypt), which hides its strings and streams from scanners.', attack: ['T1027'] },
    { id: HEUR.EMBEDDED_FILE, name: 'Embedded file', score: 50, filetype: PDF, description: 'The document carries embedded files.', attack: ['T1027.009'] },
    { id: HEUR.JAVASCRIPT, name: 'Javascript', score: 100, filetype: PDF, description: 'JavaScript is present in the PDF file.', attack: ['T1059.007'] },
    { id: HEUR.COLORS, name: 'Color', score: 50, filetype: PDF, description: 'A /Colors value above 2^24, an overflow pattern of known exploits.', attack: ['T1203'] },
    { id: HEUR.XFA, name: 'XFA', score: 25, filetype: PDF, description: 'XML Forms Architecture, which can hide scripts from PDF-level scanners.' },
    { id: HEUR.URI, name: 'URI', score: 0, filetype: PDF, description: 'The document links to URIs.' },
    {
      id: HEUR.JS_ON_OPEN, name: 'JavaScript runs on open', score: 250, filetype: PDF,
      description: 'An /OpenAction or /AA additional action runs JavaScript without any user interaction.', attack: ['T1204.002', 'T1059.007'],
    },
    {
      id: HEUR.LAUNCH, name: 'Launch action', score: 250, filetype: PDF,
      description: 'A /Launch action starts a program or opens a file outside the reader.', attack: ['T1204.002', 'T1059'],
    },
    { id: HEUR.AFTER_EOF, name: 'Data after last %%EOF', score: 10, filetype: PDF, description: 'Bytes that are not whitespace follow the last %%EOF marker.', attack: ['T1027'] },
    { id: HEUR.INCREMENTAL, name: 'Incremental updates', score: 0, filetype: PDF, description: 'The file was saved with incremental updates (several %%EOF markers).' },
    { id: HEUR.HEADER_OFFSET, name: 'Header not at start of file', score: 10, filetype: PDF, description: 'The %PDF header is not at offset 0, a trick to confuse type detection.', attack: ['T1036'] },
    { id: HEUR.OBFUSCATED_NAMES, name: 'Obfuscated names', score: 100, filetype: PDF, description: 'Names written with #xx escapes, which hide keywords such as /JavaScript from simple scanners.', attack: ['T1027'] },
    { id: HEUR.BROKEN_XREF, name: 'Broken cross-reference', score: 10, filetype: PDF, description: 'startxref does not point to a cross-reference table or stream.' },
    { id: HEUR.UNBALANCED, name: 'Unbalanced keywords', score: 10, filetype: PDF, description: 'obj/endobj or stream/endstream counts differ.' },
    { id: HEUR.UNPARSABLE, name: 'Unparsable PDF', score: 0, filetype: PDF, description: 'The object structure could not be parsed; only raw keyword counts are reported.' },
  ],
};
