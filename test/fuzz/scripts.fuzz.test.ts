// Scripts: the deobfuscation loop of every language never throws (a step may only give up with a RangeError,
// which the loop absorbs) and stays within its limits on any text, and execute() turns any script into a
// well-formed output. Token soups of each language's obfuscation idioms reach the folding steps.
import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import fc from 'fast-check';
import * as scripts from '../../src/services/scripts/index.js';
import { BATCH } from '../../src/services/scripts/batch.js';
import { HTML } from '../../src/services/scripts/html.js';
import { JAVASCRIPT } from '../../src/services/scripts/javascript.js';
import { peel } from '../../src/services/scripts/peel.js';
import { encodedCommandStep, POWERSHELL } from '../../src/services/scripts/powershell.js';
import { loadPowerShellGrammar } from '../../src/services/scripts/pstree.js';
import type { Transform } from '../../src/services/scripts/transform.js';
import { VBSCRIPT } from '../../src/services/scripts/vbscript.js';
import { batchDropper, jsDropper, powershellLayered, powershellOneLiner, vbsDropper } from '../services/scripts/samples.js';
import { FuzzInput, fuzzer, mutatedInput, type Seed } from './harness.js';
import { alIdentifySeeds, seed, strelkaSeeds } from './seeds.js';
import { runService } from './service.js';

interface Language { type: string; steps: Transform[]; tokens: string[] }

const b64 = (s: string, enc: BufferEncoding = 'utf16le') => Buffer.from(s, enc).toString('base64');
const LANGUAGES: Language[] = [
  {
    type: 'code/ps1', steps: POWERSHELL,
    tokens: ['iex ', 'IEX(', '-enc ', `-EncodedCommand ${b64('iex 1')} `, '[char]', '[char[]](104,116)', ' -join ', "''", '""', "'a'", '"b"', '+', '`', '-f ', '"{0}{1}"', '-replace ',
      '.Replace(', ')', '(', '$x', ' = ', ';', '[Convert]::FromBase64String(', `'${b64('x', 'latin1')}'`, '$env:ComSpec[4,15,25]', '&(', '.(', '{', '}', '\n', ' ', '@"\n', '\n"@'],
  },
  {
    type: 'code/javascript', steps: [encodedCommandStep, ...JAVASCRIPT],
    tokens: ['eval(', 'String.fromCharCode(', '104,116', ')', '(', "'", '"', '+', 'unescape(', '%u0041', '\\x41', '\\u{41}', 'atob(', `'${b64('alert(1)', 'latin1')}'`, '.split("")', '.reverse()', '.join("")',
      'var a = ', ';', '[', ']', ',', '{', '}', 'function f(){return ', '}', '\n', ' ', '/*', '*/', '`', '${'],
  },
  {
    type: 'code/vbs', steps: [encodedCommandStep, ...VBSCRIPT],
    tokens: ['Execute ', 'Chr(', '65', ')', ' & ', '"', 'StrReverse(', 'Replace(', ', ', 'x = ', 'ChrW(', 'Eval(', '\r\n', ' ', ':', "'", 'Dim '],
  },
  {
    type: 'code/batch', steps: [...BATCH, encodedCommandStep],
    tokens: ['set ', 'a', '=', '%a%', '%a:~1,2%', '%a:x=y%', '!a!', '^', '"', 'set "b=', 'call ', 'cmd /c ', '\r\n', ' ', '%%', 'setlocal enabledelayedexpansion\r\n', '&'],
  },
  {
    type: 'code/html', steps: [encodedCommandStep, ...HTML],
    tokens: ['<script>', '</script>', '<script language="vbscript">', 'document.write(', 'unescape(', "'%3Cscript%3E'", '&#x41;', '&lt;', '<!--', '-->', '"', "'", ')', '(', '\n', ' ', '<a href="http://x.example.com/">'],
  },
];

const soup = (lang: Language) =>
  fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...lang.tokens) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength: 60 })
    .map((t) => FuzzInput.text(t.join(''), `${lang.type} tokens`));

const seeds: Seed[] = [
  seed('oneliner.ps1', powershellOneLiner()), seed('layered.ps1', powershellLayered()), seed('dropper.js', jsDropper()), seed('dropper.vbs', vbsDropper()),
  seed('dropper.bat', batchDropper()), ...alIdentifySeeds(['powershell.ps1', 'javascript.js', 'html.html']),
  ...strelkaSeeds(['test.js', 'test.bat', 'test.vba', 'test.html', 'test_hyperlinks.html', 'test_whitespace.html'], 64 * 1024),
];

const LIMITS = { maxRounds: 25, maxSize: 1 << 20 };

function checkPeel(text: string, lang: Language): void {
  const r = peel(text, lang.steps, LIMITS);
  assert.ok(r.rounds.length <= LIMITS.maxRounds);
  assert.ok(r.final.length <= Math.max(LIMITS.maxSize, text.length));
}

const property = fuzzer('scripts');
const language = fc.nat(LANGUAGES.length - 1);

describe('fuzz: scripts', () => {
  // PowerShell folds through its parser when the grammar is loaded, as in the service.
  before(() => loadPowerShellGrammar());
  property('deobfuscation of random text', fc.tuple(fc.string({ unit: 'grapheme', maxLength: 500 }), language), ([t, l]) => checkPeel(t, LANGUAGES[l]!), { caseMs: 5000, runsFactor: 5 });
  for (const lang of LANGUAGES) {
    property(`deobfuscation of ${lang.type} token soups`, soup(lang), (i) => checkPeel(i.text, lang), { caseMs: 5000, runsFactor: 5, weight: 0.5 });
  }
  property('deobfuscation of mutated samples', fc.tuple(mutatedInput(seeds), language), ([i, l]) => checkPeel(i.text, LANGUAGES[l]!), { caseMs: 5000, runsFactor: 3 });
  property('execute on mutated samples', fc.tuple(mutatedInput(seeds), language), async ([i, l]) => {
    await runService(scripts, i.bytes, { fileType: LANGUAGES[l]!.type, fileName: 'script' });
  }, { caseMs: 30_000, weight: 2 });
});
