// Extract: lists a container with 7-Zip, applies the extraction limits to the listing, finds the password
// when entries (or the listing itself) are encrypted, then extracts the selected entries to the task's work
// directory under neutral names. Entry names are sanitised before they reach the file tree.
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ExtractedFile, OutputSection, ServiceContext, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { passwordCandidates } from '../../sdk/passwords.js';
import { type ArchiveEntry, mentionsWrongPassword, parseListing } from './listing.js';
import { limitsFrom, selectEntries, type Selection } from './limits.js';
import { HEUR, manifest } from './manifest.js';
import { sanitiseEntryName, walkFiles } from './paths.js';
import { mountPoint, run7z, type Mount, type RunResult } from './sevenzip.js';

export { manifest };

const TOOL_VERSION = '7-Zip 24.09 (7z-wasm 1.2.0)';

interface Job {
  archive: string;
  inMount: Mount;
  outMount: Mount;
}

function list(job: Job, password: string): Promise<RunResult> {
  return run7z(['l', '-slt', '-ba', '-bsp0', `-p${password}`, job.archive], [job.inMount]);
}

/** Extracts into a fresh stage directory; returns the 7-Zip result and the stage's host path. */
async function extractTo(job: Job, password: string, names: string[] | null, budget: number, n: number): Promise<{ r: RunResult; stageHost: string }> {
  const stage = `stage-${n}`;
  const args = ['x', '-bsp0', '-y', '-aou', '-spd', '-scsUTF-8', `-p${password}`, `-o${job.outMount.point}/${stage}`, job.archive];
  if (names) {
    // A list file avoids command-line limits; -spd makes "*" and "?" in names literal.
    await writeFile(join(job.outMount.hostDir, `${stage}.list`), names.join('\n') + '\n');
    args.push(`@${job.outMount.point}/${stage}.list`);
  }
  const r = await run7z(args, [job.inMount, job.outMount], { outPoint: job.outMount.point, maxWrite: budget });
  await rm(join(job.outMount.hostDir, `${stage}.list`), { force: true });
  return { r, stageHost: join(job.outMount.hostDir, stage) };
}

function streamName(fileName: string): string | null {
  const base = sanitiseEntryName(fileName, '');
  if (!base) return null;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : `${base}.out`;
}

function safeFileName(treeName: string, n: number): string {
  const base = (treeName.split('/').pop() ?? '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 80);
  return `${String(n).padStart(4, '0')}_${base || 'file'}`;
}

function checkAbort(ctx: ServiceContext): void {
  if (ctx.signal.aborted) throw new Error('Extract: task aborted');
}

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const sections: OutputSection[] = [];
  const limits = limitsFrom(task.serviceConfig ?? {});
  const inputSize = (await stat(ctx.filePath)).size;
  const job: Job = {
    archive: '',
    inMount: { hostDir: dirname(ctx.filePath), point: mountPoint('in') },
    outMount: { hostDir: ctx.workDir, point: mountPoint('out') },
  };
  job.archive = `${job.inMount.point}/${basename(ctx.filePath)}`;
  const candidates = passwordCandidates(task);

  // 1. Listing. An encrypted header hides even the names: only the right password lists it.
  let listing = await list(job, '');
  let password: string | null = null;
  const headersEncrypted = listing.rc !== 0 && mentionsWrongPassword(listing.stdout + listing.stderr);
  if (headersEncrypted) {
    for (const pw of candidates) {
      checkAbort(ctx);
      const r = await list(job, pw);
      if (r.rc === 0) {
        listing = r;
        password = pw;
        break;
      }
    }
    if (password === null) {
      sections.push({
        title: 'Password protected archive: password not found',
        body: `The file listing is encrypted and none of the ${candidates.length} candidate passwords opened it.`,
        heuristic: { id: HEUR.PASSWORD_NOT_FOUND },
      });
      sections.push({ title: 'Unable to recover file listing', body: 'The archive headers are encrypted.', heuristic: { id: HEUR.LISTING_UNAVAILABLE }, depth: 1 });
      return { sections, serviceToolVersion: TOOL_VERSION };
    }
  }
  const entries = parseListing(listing.stdout);
  if (entries.length === 0) {
    // 7-Zip names the file by its mount path, which means nothing outside this process.
    const why = (listing.stderr || listing.stdout).split('\n').filter((l) => /ERROR|Cannot/i.test(l)).join('\n')
      .replaceAll(job.archive, task.fileName || 'file');
    sections.push({ title: '7-Zip could not open the file as an archive', body: why || `7-Zip exit code ${listing.rc}` });
    return { sections, serviceToolVersion: TOOL_VERSION };
  }
  const files = entries.filter((e) => !e.isDir);

  // 2. Limits, from the declared sizes, before anything is written.
  const sel = selectEntries(files, inputSize, limits);

  // 3. Extraction. Plain entries first, then the encrypted ones: trying a password is extracting with it,
  // and 7-Zip names each entry the password failed for, so entries protected by different passwords are
  // each recovered by their own.
  const stages: string[] = [];
  let written = 0;
  let writeCapHit = false;
  let stageN = 0;
  const extractRun = async (pw: string, names: string[] | null) => {
    const attempt = await extractTo(job, pw, names, Math.max(0, sel.budget - written), stageN++);
    written += attempt.r.written;
    writeCapHit ||= attempt.r.writeCapHit;
    return attempt;
  };
  const plain = sel.selected.filter((e) => !e.encrypted);
  let remaining = sel.selected.filter((e) => e.encrypted);
  if (plain.length) {
    const names = plain.length === files.length ? null : plain.map((e) => e.path);
    stages.push((await extractRun(password ?? '', names)).stageHost);
  }
  const used: string[] = [];
  const tries = [...new Set(password !== null ? [password, ...candidates] : candidates)].filter((pw) => pw !== '');
  for (const pw of tries) {
    if (!remaining.length || writeCapHit) break;
    checkAbort(ctx);
    const attempt = await extractRun(pw, remaining.map((e) => e.path));
    const failed = failedEntries(attempt.r, remaining);
    const ok = remaining.filter((e) => !failed.has(e.path));
    if (ok.length) {
      used.push(pw);
      stages.push(attempt.stageHost);
      // Entries the password did not fit are left as empty or partial files: drop them.
      for (const e of remaining) if (failed.has(e.path)) await removeEntry(attempt.stageHost, e.path);
    } else {
      await rm(attempt.stageHost, { recursive: true, force: true });
    }
    remaining = remaining.filter((e) => failed.has(e.path));
  }
  if (headersEncrypted && password !== null && !used.includes(password)) used.unshift(password);
  const passwordFailed = remaining.length > 0;

  // 4. Move what 7-Zip wrote to neutral names; the tree keeps the sanitised original path.
  const extracted: ExtractedFile[] = [];
  const sizes: number[] = [];
  const linksSkipped: string[] = [];
  const dest = join(ctx.workDir, 'extracted');
  // A compressed stream (gz without a stored name, bz2, xz) has one nameless entry that 7-Zip names
  // after the file it read, which here is a storage name: use the submitted name without its extension.
  const single = files.length === 1 && files[0].path === '' ? streamName(task.fileName) : null;
  for (const stageHost of stages) {
    const walked = await walkFiles(stageHost);
    linksSkipped.push(...walked.skipped);
    await mkdir(dest, { recursive: true });
    for (const f of walked.files) {
      if (extracted.length >= limits.maxEntries) break;
      const name = (walked.files.length === 1 ? single : null) ?? sanitiseEntryName(f.rel);
      const path = join(dest, safeFileName(name, extracted.length));
      await rename(f.abs, path);
      extracted.push({ name, path, description: `Extracted from ${task.fileType || 'archive'}`, parentRelation: 'EXTRACTED' });
      sizes.push(f.size);
    }
    await rm(stageHost, { recursive: true, force: true });
  }

  // 5. Report.
  sections.push(extractedSection(task, extracted, sizes, files.length));
  if (used.length) {
    sections.push({
      title: 'Password found',
      body: `The archive was opened with the password${used.length > 1 ? 's' : ''}: ${used.join(', ')}`,
      heuristic: { id: HEUR.PROTECTED_ARCHIVE_EXTRACTED },
    });
  }
  if (passwordFailed) sections.push(passwordSection(remaining, tries.length));
  const limitsSection = limitsReport(sel, writeCapHit, limits.maxEntries);
  if (limitsSection) sections.push(limitsSection);
  if (linksSkipped.length) {
    sections.push({ title: 'Symbolic links and special files not extracted', body: linksSkipped.join('\n'), heuristic: { id: HEUR.SYMLINKS } });
  }

  const output: ServiceOutput = { sections, extracted, serviceToolVersion: TOOL_VERSION };
  if (used.length) output.tempSubmissionData = { passwords: used };
  if (sel.skipped.length || writeCapHit || passwordFailed) output.partial = true;
  return output;
}

/** Deletes the file 7-Zip wrote for an entry, under either spelling of its name, never outside the stage. */
async function removeEntry(stageHost: string, entryPath: string): Promise<void> {
  const stripped = entryPath.split('/').filter((p) => p !== '' && p !== '.' && p !== '..').join('/');
  for (const rel of new Set([sanitiseEntryName(entryPath), stripped])) {
    const abs = resolve(stageHost, rel);
    if (rel && abs.startsWith(`${resolve(stageHost)}/`)) await rm(abs, { force: true });
  }
}

/** Entries of `tried` that 7-Zip says the password did not decrypt. */
function failedEntries(r: RunResult, tried: ArchiveEntry[]): Set<string> {
  const text = `${r.stdout}\n${r.stderr}`;
  if (r.rc === 0) return new Set();
  const named = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /Wrong password\??\s*:\s*(.+)$/.exec(line);
    if (m) named.add(m[1].trim());
  }
  const failed = new Set(tried.filter((e) => named.has(e.path) || named.has(sanitiseEntryName(e.path))).map((e) => e.path));
  // Errors that name no entry (or other failures of an encrypted run) mean none can be trusted.
  if (failed.size === 0 && (mentionsWrongPassword(text) || r.rc !== 0)) return new Set(tried.map((e) => e.path));
  return failed;
}

function extractedSection(task: ServiceTask, extracted: ExtractedFile[], sizes: number[], listed: number): OutputSection {
  const section: OutputSection = {
    title: `${extracted.length} of ${listed} file(s) extracted`,
    body: extracted.map((e, i) => ({ name: e.name, size: sizes[i] })),
    bodyFormat: 'TABLE',
  };
  if (extracted.length && (task.fileType ?? '').startsWith('archive/')) section.heuristic = { id: HEUR.EXTRACTED_FROM_ARCHIVE };
  return section;
}

function passwordSection(encrypted: ArchiveEntry[], tried: number): OutputSection {
  return {
    title: 'Password protected archive: password not found',
    body: `None of the ${tried} candidate passwords decrypted these entries:\n${encrypted.map((e) => sanitiseEntryName(e.path)).join('\n')}`,
    heuristic: { id: HEUR.PASSWORD_NOT_FOUND },
  };
}

function limitsReport(sel: Selection, writeCapHit: boolean, maxEntries: number): OutputSection | null {
  const signatures: Record<string, number> = {};
  for (const s of sel.exceeded) signatures[s] = 1;
  if (writeCapHit) signatures.write_cap = 1;
  if (!sel.skipped.length && !Object.keys(signatures).length) return null;
  const body: Record<string, unknown> = {
    declared_total_bytes: sel.declaredTotal,
    compression_ratio: Number.isFinite(sel.ratio) ? Math.round(sel.ratio * 10) / 10 : 'infinite',
    byte_budget: sel.budget,
    max_entries: maxEntries,
    skipped_entries: sel.skipped.length,
  };
  if (writeCapHit) body.write_cap = 'the archive wrote more than it declared; extraction was cut at the byte budget';
  const shown = sel.skipped.slice(0, 50).map((s) => `${sanitiseEntryName(s.entry.path)} (${s.entry.size} bytes): ${s.reason}`);
  if (shown.length) body.skipped = shown.join('\n');
  return {
    title: 'Extraction limits exceeded',
    body,
    bodyFormat: 'KEY_VALUE',
    heuristic: Object.keys(signatures).length ? { id: HEUR.LIMITS, signatures } : undefined,
  };
}
