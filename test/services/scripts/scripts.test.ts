// Scripts on obfuscated samples built here: each must peel down to its clean code, tag the indicators hidden in
// its layers and raise the heuristics its behaviour calls for; hostile input must end in a result, not a hang.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { execute, manifest } from '../../../src/services/scripts/index.js';
import { foldConcatenation, loadPowerShellGrammar } from '../../../src/services/scripts/pstree.js';
import type { ServiceOutput } from '../../../src/sdk/index.js';
import { allTags, heuristicIds, runFile, runOn, tempDir } from '../../helpers/service.js';
import {
  BATCH_CLEAN_LINE, batchDropper, JS_INNER, jsDropper, PS_ONE_LINER_CLEAN, powershellLayered, powershellOneLiner, VBS_INNER, vbsDropper,
} from './samples.js';

const child = (out: ServiceOutput) => readFileSync(out.extracted![0]!.path, 'utf8');

/** The score the runtime would give: Σ signature scores (or the heuristic score), each heuristic capped. */
function score(out: ServiceOutput): number {
  let total = 0;
  for (const s of out.sections) {
    if (!s.heuristic) continue;
    const def = manifest.heuristics.find((h) => h.id === s.heuristic!.id)!;
    const sigs = Object.entries(s.heuristic.signatures ?? {});
    let v = sigs.length ? sigs.reduce((a, [k, n]) => a + (def.signatureScoreMap?.[k] ?? def.score) * n, 0) : def.score;
    if (def.maxScore) v = Math.min(v, def.maxScore);
    total += v;
  }
  return total;
}

describe('Scripts deobfuscation', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir('assay-scripts-');
  });
  after(() => dir.cleanup());

  it('peels the encoded PowerShell one-liner to the download cradle', async () => {
    const out = await runOn(execute, dir.dir, 'dropper.ps1', 'code/ps1', powershellOneLiner());
    assert.equal(out.extracted?.[0]?.name, 'dropper.deobfuscated.ps1');
    assert.equal(child(out), PS_ONE_LINER_CLEAN);
    assert.deepEqual(allTags(out, 'network.static.uri'), ['http://evil.example.com/a.ps1']);
    assert.deepEqual(allTags(out, 'network.static.domain'), ['evil.example.com']);
    const ids = heuristicIds(out);
    for (const id of [1, 2, 3, 8, 9, 11]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids.join(',')}`);
    const cradle = out.sections.find((s) => s.heuristic?.id === 2)!;
    assert.deepEqual(Object.keys(cradle.heuristic!.signatures!), ['net_webclient']);
    const hidden = out.sections.find((s) => s.heuristic?.id === 8)!;
    assert.deepEqual(Object.keys(hidden.heuristic!.signatures!).sort(), ['hidden_window', 'no_profile']);
    const summary = out.sections.find((s) => s.title === 'Deobfuscation')!.body as { techniques: Record<string, number> };
    for (const t of ['PowerShell -EncodedCommand (base64 UTF-16LE)', '[char] arrays joined', 'string concatenation']) assert.ok(t in summary.techniques, t);
    assert.deepEqual(allTags(out, 'file.powershell.cmdlet'), ['New-Object']);
    assert.ok(score(out) >= 1000, `score ${score(out)}`);
  });

  it('undoes -f, -replace, .Replace(), backticks and a DeflateStream layer', async () => {
    const out = await runOn(execute, dir.dir, 'layered.ps1', 'code/ps1', powershellLayered());
    const clean = child(out);
    assert.match(clean, /^\$cmd = 'Invoke-Expression';$/m);
    assert.match(clean, /^\$s = 'HELLO WORLD';$/m);
    assert.match(clean, /^Write-Host 'hi';$/m);
    assert.match(clean, /^Get-Date;$/m);
    assert.match(clean, /; Write-Output 'from a variable';$/m);
    assert.match(clean, /^Set-MpPreference -DisableRealtimeMonitoring \$true; Start-Process 'C:\\Users\\Public\\x.exe'$/m);
    const ids = heuristicIds(out);
    assert.ok(ids.includes(6) && ids.includes(4), ids.join(','));
    const techniques = Object.keys((out.sections[0]!.body as { techniques: Record<string, number> }).techniques);
    for (const t of ['-f format operator', '-replace', '.Replace()', 'backtick escapes', 'DeflateStream over base64', 'Invoke-Expression of a string']) {
      assert.ok(techniques.includes(t), `${t} in ${techniques.join(', ')}`);
    }
  });

  it('folds String.fromCharCode into eval and runs the code eval would', async () => {
    const out = await runOn(execute, dir.dir, 'dropper.js', 'code/jscript', jsDropper());
    const clean = child(out);
    assert.ok(clean.includes(JS_INNER), clean);
    assert.match(clean, /^var u = "http:\/\/fragments\.example\.org\/x";$/m);
    assert.match(clean, /^var r = "world\.exe";$/m);
    assert.match(clean, /^var k = "WScript";$/m);
    // eval of a variable that is only ever given a constant value runs that value.
    assert.match(clean, /^var c1 = 'new ActiveX'; var c2 = c1 \+ "Object\('MSXML2\.XMLHTTP'\)"; new ActiveXObject\('MSXML2\.XMLHTTP'\);$/m);
    assert.ok(allTags(out, 'network.static.uri').includes('http://bad.example.net/p.exe'));
    assert.ok(allTags(out, 'network.static.uri').includes('http://fragments.example.org/x'));
    const ids = heuristicIds(out);
    for (const id of [2, 3, 4, 8, 9]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids.join(',')}`);
  });

  it('resolves VBScript Chr() concatenation run by Execute', async () => {
    const out = await runOn(execute, dir.dir, 'dropper.vbs', 'code/vbs', vbsDropper());
    const clean = child(out);
    assert.ok(clean.split('\r\n').includes(VBS_INNER), clean);
    assert.match(clean, /^u = "http:\/\/evil\.example\.com\/payload\.bin"$/m);
    assert.match(clean, /^p = "powershell"$/m);
    assert.match(clean, /^MsgBox "from a variable"$/m);
    assert.ok(allTags(out, 'network.static.uri').includes('http://evil.example.com/payload.bin'));
    const ids = heuristicIds(out);
    for (const id of [4, 7, 10]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids.join(',')}`);
    const persistence = out.sections.find((s) => s.heuristic?.id === 7)!;
    assert.deepEqual(Object.keys(persistence.heuristic!.signatures!), ['scheduled_task']);
  });

  it('substitutes batch set variables, slices and carets', async () => {
    const out = await runOn(execute, dir.dir, 'dropper.bat', 'code/batch', batchDropper());
    const last = child(out).split('\r\n').pop()!;
    assert.equal(last, `powershell ${BATCH_CLEAN_LINE}`);
    assert.ok(allTags(out, 'network.static.uri').includes('http://batch.example.com/b.ps1'));
    const techniques = Object.keys((out.sections[0]!.body as { techniques: Record<string, number> }).techniques);
    for (const t of ['caret escapes', 'set variable substitution', '%var:~x,y% substring slicing']) assert.ok(techniques.includes(t), t);
    for (const id of [2, 3, 8, 11]) assert.ok(heuristicIds(out).includes(id), `heuristic ${id}`);
  });

  it('deobfuscates the scripts inside an HTA', async () => {
    const hta = `<html><head><script language="VBScript">\r\n${vbsDropper()}\r\n</script><script>${jsDropper()}</script></head></html>`;
    const out = await runOn(execute, dir.dir, 'x.hta', 'code/hta', hta);
    const clean = child(out);
    assert.ok(clean.includes(VBS_INNER) && clean.includes(JS_INNER));
    assert.equal(out.extracted![0]!.name, 'x.deobfuscated.hta');
  });

  it('folds PowerShell sums on the syntax tree, respecting precedence', async () => {
    await loadPowerShellGrammar();
    const fold = (t: string) => foldConcatenation(t)!.text;
    assert.equal(fold(`$a = 'a' + "b" + ('c')`), `$a = 'abc'`);
    assert.equal(fold(`$a = 'x' + 'y'.ToUpper()`), `$a = 'x' + 'y'.ToUpper()`);
    assert.equal(fold(`$a = 'a'+'b'+$x+'c'+'d'`), `$a = 'ab'+$x+'cd'`);
    // A sum that may start with a number is only folded where it is certainly string concatenation.
    assert.equal(fold(`$a = $n+'c'+'d'`), `$a = $n+'c'+'d'`);
    assert.equal(fold(`Write-Host ('it''s' + ' fine')`), `Write-Host ('it''s fine')`);
  });

  it('stops nested encodings at the round limit and reports a partial result', async () => {
    let s = "Write-Output 'done'";
    for (let i = 0; i < 8; i++) s = `powershell -enc ${Buffer.from(s, 'utf16le').toString('base64')}`;
    const full = await runOn(execute, dir.dir, 'nested.ps1', 'code/ps1', s);
    assert.ok(child(full).includes("Write-Output 'done'"));
    assert.ok(heuristicIds(full).includes(9));
    const capped = await runOn(execute, dir.dir, 'nested.ps1', 'code/ps1', s, { max_rounds: 3 });
    assert.equal(capped.partial, true);
    assert.equal((capped.sections[0]!.body as Record<string, unknown>).stopped_by, 'round limit');
    // A layer that would outgrow the output limit is left encoded.
    const big = `powershell -enc ${Buffer.from(`Write-Output '${'x'.repeat(4000)}'`, 'utf16le').toString('base64')}`;
    const bomb = await runOn(execute, dir.dir, 'big.ps1', 'code/ps1', big, { max_output_mb: 0.002 });
    assert.equal(bomb.partial, true);
    assert.equal(bomb.extracted, undefined);
    assert.equal(bomb.sections[0]!.title, 'Deobfuscation stopped at the size limit');
  });

  it('survives hostile input: garbage, truncation, unparsable JavaScript, huge chains', async () => {
    const cut = powershellOneLiner().slice(0, 120);
    const garbage = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256));
    const chain = Array.from({ length: 20_000 }, (_, i) => `'${i % 10}'`).join('+');
    for (const [name, type, data] of [
      ['cut.ps1', 'code/ps1', cut], ['garbage.js', 'code/javascript', garbage], ['bad.js', 'code/javascript', 'var a = ("x" + "y"; eval(String.fromCharCode(97,'],
      ['chain.ps1', 'code/ps1', chain], ['chars.vbs', 'code/vbs', 'x = Chr(99999999) & Chr(-1) & Chr('], ['b.bat', 'code/batch', '%a:~99,-99%^'],
      ['tags.hta', 'code/hta', '<script>'.repeat(100_000)], ['parens.ps1', 'code/ps1', `[char[]](${'1,'.repeat(100_000)}`],
    ] as const) {
      const t0 = Date.now();
      const out = await runOn(execute, dir.dir, name, type, data);
      assert.ok(Array.isArray(out.sections), name);
      assert.ok(Date.now() - t0 < 20_000, `${name} took ${Date.now() - t0} ms`);
    }
    const folded = await runOn(execute, dir.dir, 'chain.ps1', 'code/ps1', chain);
    assert.equal(child(folded).length, 20_002);
  });
});

describe('Scripts on the strelka fixtures', () => {
  // Their whole outputs are pinned by the golden tests (testdata/scripts/); these facts hold whatever else changes.
  const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/strelka-fixtures/', import.meta.url));
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => { dir = await tempDir('assay-scripts-fixtures-'); });
  after(() => dir.cleanup());

  it('test.vba: its PowerShell downloads and starts what it fetched; test.bat, plain, yields no child', async (t) => {
    if (!existsSync(CORPUS)) {
      if (process.env.CI === 'true') assert.fail(`corpus missing at ${CORPUS}`);
      return t.skip('corpus not present');
    }
    const vba = await runFile(execute, `${CORPUS}test.vba`, dir.dir, 'test.vba', 'code/vbs');
    const ids = heuristicIds(vba);
    assert.ok(ids.includes(2) && ids.includes(4), JSON.stringify(ids));
    assert.ok(vba.sections.some((s) => s.tags?.['network.static.uri']?.includes('https://www.test.com/test.bat')));
    const bat = await runFile(execute, `${CORPUS}test.bat`, dir.dir, 'test.bat', 'code/batch');
    assert.equal(bat.extracted, undefined);
  });
});
