// The submission file tree (`/submission/tree/`, `/submission/full/`): root files, and below each file what its
// results extracted, named as the extracting results named them. A file already placed in the tree is not placed
// again (its would-be parent is marked `truncated`) unless the full tree is asked for, and the tree stops at
// max_extraction_depth + 1 levels, so a file extracting itself or a zip bomb cannot blow it up.
import { defaultClassification, type ClassificationOps } from './c12n.js';

export interface FileTreeNode {
  name: string[];
  type: string;
  sha256: string;
  size: number;
  children: Record<string, FileTreeNode>;
  truncated: boolean;
  /** Sum of the scores of this file's results. */
  score: number;
}

export interface TreeFileInfo {
  sha256: string;
  type: string;
  size: number;
  classification?: string;
}

/** The parts of a result record the tree needs. */
export interface TreeResult {
  sha256: string;
  result: { score: number };
  response: { extracted: ReadonlyArray<{ sha256: string; name: string }>; supplementary: ReadonlyArray<{ sha256: string }> };
}

export interface FileTreeInput {
  /** The submission's root files, in submission order. */
  files: ReadonlyArray<{ sha256: string; name: string }>;
  /** Stored results of the submission (empty results left out: they extract nothing and score 0). */
  results: Iterable<TreeResult>;
  /** File records by sha256; a file without one is left out and makes the tree partial. */
  fileInfo: ReadonlyMap<string, TreeFileInfo>;
  maxExtractionDepth: number;
  fullTree?: boolean;
  /** Viewer's classification: files above it are left out and the tree is `filtered`. */
  userClassification?: string;
  classificationOps?: ClassificationOps;
  /** Set when the submission is not completed or some of its results could not be read. */
  partial?: boolean;
}

export interface FileTree {
  tree: Record<string, FileTreeNode>;
  classification: string;
  filtered: boolean;
  partial: boolean;
  /** Sha256s of every supplementary file, each once. */
  supplementary: string[];
}

export function buildFileTree(input: FileTreeInput): FileTree {
  const c12n = input.classificationOps ?? defaultClassification;
  const scores = new Map<string, number>();
  const names = new Map<string, string[]>();
  const children = new Map<string, Array<{ sha256: string; name: string }>>();
  const supplementary = new Set<string>();
  const forbidden = new Set<string>();
  let partial = input.partial ?? false;
  let classification = c12n.unrestricted;

  for (const info of input.fileInfo.values()) {
    const c = info.classification ?? c12n.unrestricted;
    if (input.userClassification !== undefined && !c12n.isAccessible(input.userClassification, c)) {
      forbidden.add(info.sha256);
      partial = true;
    } else {
      classification = c12n.max(classification, c);
    }
  }

  for (const r of input.results) {
    scores.set(r.sha256, (scores.get(r.sha256) ?? 0) + r.result.score);
    const list = children.get(r.sha256) ?? [];
    for (const x of r.response.extracted) {
      const known = names.get(x.sha256) ?? [];
      if (!known.includes(x.name)) known.push(x.name);
      names.set(x.sha256, known);
      list.push(x);
    }
    children.set(r.sha256, list);
    for (const s of r.response.supplementary) supplementary.add(s.sha256);
  }

  // Every file placed (or about to be) anywhere in the tree; roots are entered before their own walk.
  const placed = new Set<string>();
  const place = (file: { sha256: string; name: string }, branch: Record<string, FileTreeNode>, level: number): void => {
    if (level >= input.maxExtractionDepth + 1) return;
    const sha = file.sha256;
    if ((!input.fullTree && sha in branch) || forbidden.has(sha)) return;
    const info = input.fileInfo.get(sha);
    if (!info) {
      partial = true;
      return;
    }
    const node: FileTreeNode = {
      name: [...(names.get(sha) ?? [file.name])],
      type: info.type,
      sha256: info.sha256,
      size: info.size,
      children: {},
      truncated: false,
      score: scores.get(sha) ?? 0,
    };
    for (const child of children.get(sha) ?? []) {
      if (!input.fullTree && placed.has(child.sha256)) {
        node.truncated = true;
        continue;
      }
      placed.add(child.sha256);
      place(child, node.children, level + 1);
    }
    branch[sha] = node;
  };

  const tree: Record<string, FileTreeNode> = {};
  for (const f of input.files) {
    placed.add(f.sha256);
    place(f, tree, 0);
  }
  return { tree, classification, filtered: forbidden.size > 0, partial, supplementary: [...supplementary] };
}

/** Per-file score: Σ of that file's result scores (the submission's max_score is the largest of these). */
export function fileScores(results: Iterable<{ sha256: string; result: { score: number } }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of results) out.set(r.sha256, (out.get(r.sha256) ?? 0) + r.result.score);
  return out;
}
