// PDF: the byte-level scans (structure, keyword counts) never throw on any text, and execute() turns any PDF
// look-alike into a well-formed output; pdf-lib's failures are reported as an unparsable-objects section.
import { describe } from 'node:test';
import * as pdf from '../../src/services/pdf/index.js';
import { countKeywords } from '../../src/services/pdf/keywords.js';
import { blankJunk, readStructure } from '../../src/services/pdf/structure.js';
import { attachmentPdf, namesJavaScriptPdf, obfuscateJs, openActionPdf } from '../services/pdf/build.js';
import { fuzzer, keepPrefix, mutatedInput, randomInput, type FuzzInput, type Seed } from './harness.js';
import { alIdentifySeeds, seed, strelkaSeeds } from './seeds.js';
import { runService } from './service.js';

/** A hand-written PDF with an object stream reference, a JavaScript action and a Launch action. */
const HANDMADE = [
  '%PDF-1.5', '1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R /Names << /JavaScript 5 0 R >> >> endobj',
  '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj', '3 0 obj << /Type /Page /Parent 2 0 R /AA << /O 6 0 R >> >> endobj',
  '4 0 obj << /S /JavaScript /JS (app.alert\\(1\\)) >> endobj', '5 0 obj << /Names [(a) 4 0 R] >> endobj',
  '6 0 obj << /S /Launch /F (cmd.exe) >> endobj', '7 0 obj << /Length 12 /Filter /FlateDecode >> stream\nxxxxxxxxxxxx\nendstream endobj',
  'trailer << /Root 1 0 R /Size 8 >>', 'startxref 0', '%%EOF',
].join('\n');

const opened = await openActionPdf();
const seeds: Seed[] = [
  seed('handmade.pdf', HANDMADE), seed('openaction.pdf', opened), seed('attachment.pdf', await attachmentPdf()),
  seed('names-js.pdf', await namesJavaScriptPdf()), seed('obfuscated.pdf', obfuscateJs(opened)),
  ...alIdentifySeeds(['pdf.pdf']), ...strelkaSeeds(['test.pdf'], 128 * 1024),
];

function scans(input: FuzzInput): void {
  const text = input.buffer.toString('latin1');
  const structure = readStructure(text);
  countKeywords(text);
  blankJunk(input.buffer, text, structure.headerOffset);
}

const run = (input: FuzzInput) => runService(pdf, input.bytes, { fileType: 'document/pdf', fileName: 'sample.pdf' });

const property = fuzzer('pdf');

describe('fuzz: PDF', () => {
  property('byte scans of random bytes', randomInput({ prefixes: ['%PDF-1.7\n', '%PDF-1.4\n1 0 obj <<'] }), scans, { caseMs: 5000, runsFactor: 25 });
  property('byte scans of mutated seeds', mutatedInput(seeds), scans, { caseMs: 5000, runsFactor: 10 });
  property('execute on random bytes', randomInput({ prefixes: ['%PDF-1.7\n'] }), run, { caseMs: 30_000, runsFactor: 2 });
  property('execute on mutated seeds', mutatedInput(seeds, { repair: keepPrefix(5) }), run, { caseMs: 30_000, weight: 4 });
});
