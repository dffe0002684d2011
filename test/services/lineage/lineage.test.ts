// Lineage rules on type chains, and the service's output for tasks carrying an ancestry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execute, manifest } from '../../../src/services/lineage/index.js';
import { BUILTIN_RULES, configuredRules, matchRules } from '../../../src/services/lineage/rules.js';
import type { ServiceTask } from '../../../src/sdk/index.js';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { checkOutput } from '../../../src/core/runtime/output.js';
import { validateTags } from '../../../src/sdk/tags/validate.js';

const names = (types: string[]) => matchRules(types, BUILTIN_RULES).map((r) => r.name).sort();

function task(fileType: string, ancestry: Array<[string, string]>, serviceConfig: Record<string, unknown> = {}): ServiceTask {
  const sha = 'a'.repeat(64);
  return {
    sid: '1', sha256: sha, fileType, fileName: 'payload', depth: ancestry.length, maxFiles: 10, deepScan: false, ignoreCache: false,
    fileInfo: { md5: '0'.repeat(32), sha1: '0'.repeat(40), sha256: sha, size: 1, type: fileType, magic: 'data', mime: null },
    serviceConfig, tempSubmissionData: {}, tags: [], metadata: {},
    ancestry: ancestry.map(([type, name], i) => ({ type, name, sha256: String(i).repeat(64) })),
  };
}

async function run(t: ServiceTask) {
  const out = await execute(t, { filePath: '/nonexistent', workDir: '/nonexistent', signal: new AbortController().signal, log: () => {} });
  const checked = await checkOutput(JSON.parse(JSON.stringify(out)), process.cwd());
  assert.ok(checked.ok, checked.ok ? '' : checked.message);
  for (const s of out.sections) assert.deepEqual(validateTags(s.tags ?? {}).invalid, []);
  return out;
}

describe('Lineage rules', () => {
  it('has a valid manifest whose score map covers every built-in rule', () => {
    validateManifest(manifest);
    const map = manifest.heuristics[0]!.signatureScoreMap!;
    for (const r of BUILTIN_RULES) assert.equal(map[r.name], r.score, r.name);
    assert.equal(manifest.disableCache, true);
  });

  it('scores executables dropped by documents, directly or through containers', () => {
    assert.deepEqual(names(['document/office/word', 'executable/windows/pe32']), ['exe_from_office_document']);
    assert.deepEqual(names(['document/office/excel', 'document/office/ole', 'archive/zip', 'executable/windows/dll64']), ['exe_from_office_document']);
    assert.deepEqual(names(['document/pdf', 'executable/linux/elf64']), ['exe_from_pdf']);
    assert.deepEqual(names(['document/office/word', 'code/vbs']), ['script_from_office_document']);
  });

  it('scores e-mail delivery chains', () => {
    assert.deepEqual(names(['document/email', 'archive/zip', 'code/javascript']), ['script_from_archive', 'script_from_archive_in_email']);
    assert.deepEqual(names(['document/email', 'archive/7-zip', 'archive/zip', 'code/jscript']), ['script_from_archive', 'script_from_archive_in_email']);
    assert.deepEqual(names(['document/office/email', 'executable/windows/pe32']), ['exe_from_email']);
    assert.deepEqual(names(['document/email', 'shortcut/windows']), ['shortcut_from_email']);
    // An Outlook message is an e-mail, not an Office document.
    assert.ok(!names(['document/office/email', 'executable/windows/pe32']).includes('exe_from_office_document'));
  });

  it('scores payloads decoded out of scripts', () => {
    assert.deepEqual(names(['code/javascript', 'executable/windows/pe32']), ['exe_from_script']);
    assert.deepEqual(names(['code/hta', 'code/ps1', 'executable/windows/pe64']), ['exe_from_script']);
    assert.deepEqual(names(['code/javascript', 'code/ps1']), ['powershell_from_script']);
  });

  it('scores executables under nested archives, not under one', () => {
    assert.deepEqual(names(['archive/zip', 'archive/zip', 'executable/linux/elf64']), ['exe_in_nested_archive']);
    assert.deepEqual(names(['archive/zip', 'executable/windows/pe32']), []);
  });

  it('leaves ordinary chains alone', () => {
    for (const c of [
      ['archive/zip', 'document/pdf'], ['document/office/word', 'image/png'], ['archive/tar', 'code/c'], ['executable/windows/pe32', 'image/ico'],
      ['document/pdf', 'code/xml'], ['archive/zip', 'archive/zip', 'text/plain'], ['document/office/word', 'code/html/component'],
    ]) assert.deepEqual(names(c), [], c.join(' > '));
  });

  it('compiles configured rules and reports the broken ones', () => {
    const { rules, errors } = configuredRules({ jar_in_iso: { pattern: 'archive/iso\\|(?:[^|]+\\|)*java/jar$' }, broken: { pattern: '(' }, bad: 3 });
    assert.deepEqual(rules.map((r) => r.name), ['jar_in_iso']);
    assert.equal(errors.length, 2);
  });
});

describe('Lineage service', () => {
  it('says nothing about a submitted file', async () => {
    assert.deepEqual((await run(task('executable/windows/pe32', []))).sections, []);
  });

  it('names the chain, tags it the Assemblyline way and fires the matching signatures', async () => {
    const out = await run(task('executable/windows/pe32', [['document/email', 'mail.eml'], ['document/office/word', 'invoice.docm']]));
    assert.equal(out.sections[0]!.title, 'Lineage: EMAIL → WORD → PE32');
    assert.deepEqual(out.sections[0]!.tags, { 'file.ancestry': ['document/email,ROOT|document/office/word,EXTRACTED|executable/windows/pe32,EXTRACTED'] });
    const timeline = out.sections[0]!.body as Array<{ title: string; opposite_content: string }>;
    assert.deepEqual(timeline.map((e) => e.title), ['mail.eml', 'invoice.docm', 'payload']);
    const h = out.sections.find((s) => s.heuristic?.id === 1)!.heuristic!;
    assert.deepEqual(h.signatures, { exe_from_office_document: 1, exe_from_email: 1 });
  });

  it('reports a chain with no rule hit without a heuristic', async () => {
    const out = await run(task('document/pdf', [['archive/zip', 'docs.zip']]));
    assert.equal(out.sections.length, 1);
    assert.equal(out.sections[0]!.heuristic, undefined);
  });

  it('applies configured rules under their own heuristic', async () => {
    const out = await run(task('java/jar', [['archive/iso', 'x.iso']], { signatures: { jar_in_iso: { pattern: '^archive/iso\\|java/jar$' } } }));
    assert.deepEqual(out.sections.find((s) => s.heuristic?.id === 2)?.heuristic?.signatures, { jar_in_iso: 1 });
  });
});
