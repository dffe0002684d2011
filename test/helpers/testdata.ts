// The golden test data under testdata/: one folder per analyser holding its inputs (checked-in files, or
// `.corpus` pointers to samples of the shared corpus), each with its expected `.out`, and a `task.json` saying
// which type label and service configuration the analyser is given. testdata/README.md is the reference.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parsePointer, pointerAvailable, readPointer, REPO_ROOT, type CorpusPointer } from './corpus.js';

export const TESTDATA = join(REPO_ROOT, 'testdata');

const POINTER = '.corpus';
const EXPECTED = '.out';
const TASK_FILE = 'task.json';

export interface TaskSpec {
  type: string;
  config: Record<string, unknown>;
}

interface TaskFile {
  type: string;
  config?: Record<string, unknown>;
  /** Per input, by exact name or "*<suffix>": overrides of the type and configuration. */
  inputs?: Record<string, { type?: string; config?: Record<string, unknown> }>;
}

export interface GoldenInput {
  /** The input's name, also the file name the analyser is told. */
  name: string;
  /** The expected result. */
  outPath: string;
  task: TaskSpec;
  /** Set when the input is a corpus sample rather than a checked-in file. */
  pointer?: CorpusPointer;
  /** A checked-in input. */
  path?: string;
}

export function analyserFolders(): string[] {
  return readdirSync(TESTDATA).filter((f) => statSync(join(TESTDATA, f)).isDirectory()).sort();
}

function readTaskFile(dir: string): TaskFile {
  const task = JSON.parse(readFileSync(join(dir, TASK_FILE), 'utf8')) as TaskFile;
  if (typeof task.type !== 'string') throw new Error(`${join(dir, TASK_FILE)}: "type" is required`);
  return task;
}

function taskFor(file: TaskFile, name: string): TaskSpec {
  const exact = file.inputs?.[name];
  const bySuffix = Object.entries(file.inputs ?? {}).find(([k]) => k.startsWith('*') && name.endsWith(k.slice(1)))?.[1];
  const o = exact ?? bySuffix ?? {};
  return { type: o.type ?? file.type, config: o.config ?? file.config ?? {} };
}

export interface FolderListing {
  inputs: GoldenInput[];
  /** Inconsistencies of the folder: `.out` files with no input, task.json entries naming no input. */
  problems: string[];
}

/** The inputs of one analyser folder, sorted by name. */
export function listInputs(analyser: string): FolderListing {
  const dir = join(TESTDATA, analyser);
  const files = readdirSync(dir).sort();
  const taskFile = readTaskFile(dir);
  const problems: string[] = [];
  const inputs: GoldenInput[] = [];
  for (const f of files) {
    // Dot files are the file manager's or the version control's, not inputs.
    if (f === TASK_FILE || f.endsWith(EXPECTED) || f.startsWith('.')) continue;
    const pointer = f.endsWith(POINTER);
    const name = pointer ? f.slice(0, -POINTER.length) : f;
    if (pointer && files.includes(name)) problems.push(`${name} is both checked in and a corpus pointer`);
    inputs.push({
      name, outPath: join(dir, `${name}${EXPECTED}`), task: taskFor(taskFile, name),
      ...(pointer ? { pointer: parsePointer(readFileSync(join(dir, f), 'utf8')) } : { path: join(dir, f) }),
    });
  }
  const names = new Set(inputs.map((i) => i.name));
  for (const f of files) if (f.endsWith(EXPECTED) && !names.has(f.slice(0, -EXPECTED.length))) problems.push(`${f} has no input`);
  for (const k of Object.keys(taskFile.inputs ?? {})) if (!k.startsWith('*') && !names.has(k)) problems.push(`${TASK_FILE} names ${k}, which is not an input`);
  return { inputs, problems };
}

/** Whether the input can be read here: checked-in inputs always, corpus samples when the corpus is present. */
export function inputAvailable(input: GoldenInput): boolean {
  return input.pointer ? pointerAvailable(input.pointer) : existsSync(input.path!);
}

export async function readInput(input: GoldenInput): Promise<Buffer> {
  return input.pointer ? readPointer(input.pointer) : readFileSync(input.path!);
}
