// Who may read a submission's derived documents (report, ontology). Assemblyline decides this with its
// classification engine, where a submission is marked with the submitter's groups. Assay's shipped classification
// has no groups, so the groups recorded in the submission's parameters play that role: a reader must share one
// of them, unless they submitted it or administer the system. Classification levels are checked as well.
import { defaultClassification, type ClassificationOps } from '../results/c12n.js';

export interface Reader {
  uname: string;
  groups: readonly string[];
  classification: string;
  isAdmin: boolean;
}

export interface GuardedSubmission {
  classification: string;
  params: { submitter: string; groups: readonly string[] };
}

export function canReadSubmission(reader: Reader, sub: GuardedSubmission, c12n: ClassificationOps = defaultClassification): boolean {
  if (reader.isAdmin) return true;
  if (!c12n.isAccessible(reader.classification, sub.classification)) return false;
  if (sub.params.submitter === reader.uname) return true;
  const groups = sub.params.groups ?? [];
  // A submission made without groups (e.g. by a service account) is visible to every reader.
  if (groups.length === 0) return true;
  const mine = new Set(reader.groups.map((g) => g.toUpperCase()));
  return groups.some((g) => mine.has(g.toUpperCase()));
}

export function canReadClassified(reader: Reader, classification: string, c12n: ClassificationOps = defaultClassification): boolean {
  return reader.isAdmin || c12n.isAccessible(reader.classification, classification);
}

/** The reader behind an authenticated request. */
export function readerOf(p: { user: { uname: string; groups: string[]; classification: string }; roles: ReadonlySet<string> }): Reader {
  return { uname: p.user.uname, groups: p.user.groups ?? [], classification: p.user.classification, isAdmin: p.roles.has('administration') };
}
