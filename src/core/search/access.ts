// Which records a caller may see, as a filter ANDed into every search. Administrators see everything. Others
// see submissions they submitted, that were shared with one of their groups (`params.groups`, recorded from
// the submitter's groups) or that were made without groups; and the files, results, errors and alerts of
// those submissions only, as Assemblyline's classification groups would hide them. When the classification
// scheme is enforced, records above the viewer's own level are hidden as well.
import { CLASSIFICATION_DEFINITION } from '../classification.js';
import type { Filter } from '../../store/datastore.js';
import type { SearchIndex } from './indices.js';
import type { Reader } from '../submission/access.js';

/** Who is searching: the same facts that decide whether a single submission may be read. */
export type Viewer = Reader;

function levelOf(classification: string): number | undefined {
  const head = classification.split('//')[0]!.trim().toUpperCase();
  for (const l of CLASSIFICATION_DEFINITION.levels) {
    if ([l.name, l.short_name, ...l.aliases].some((n) => n.toUpperCase() === head)) return l.lvl;
  }
  return undefined;
}

/** Records whose classification names a level above the viewer's. Unknown markings are left to the level. */
function classificationFilter(viewer: Viewer): Filter | null {
  const mine = levelOf(viewer.classification) ?? 0;
  const above = CLASSIFICATION_DEFINITION.levels.filter((l) => l.lvl > mine).flatMap((l) => [l.name, l.short_name, ...l.aliases]);
  if (!above.length) return null;
  const exact: Filter = { op: 'in', field: 'classification', values: above };
  const marked: Filter[] = above.map((n) => ({ op: 'like', field: 'classification', pattern: `${n.replace(/[*?[]/g, (c) => `[${c}]`)}//*` }));
  return { op: 'not', item: { op: 'or', items: [exact, ...marked] } };
}

/** The submissions a non-administrator may read: the same rule as canReadSubmission, as a filter. */
export function readableSubmissions(viewer: Viewer, enforceClassification: boolean = CLASSIFICATION_DEFINITION.enforce): Filter {
  const mine: Filter = { op: 'eq', field: 'params.submitter', value: viewer.uname };
  const ungrouped: Filter = { op: 'not', item: { op: 'exists', field: 'params.groups' } };
  const groups = viewer.groups.map((g) => g.toUpperCase());
  const shared: Filter = { op: 'or', items: groups.length ? [mine, ungrouped, { op: 'in', field: 'params.groups', values: groups }] : [mine, ungrouped] };
  const level = enforceClassification ? classificationFilter(viewer) : null;
  return level ? { op: 'and', items: [level, shared] } : shared;
}

/**
 * Records reached through a readable submission. A file is one of its roots or the file of one of its result
 * or error keys (keys start with the sha256); results and errors are listed by key; an alert names its sid.
 */
function linkFilter(access: SearchIndex['access'], viewer: Viewer, enforceClassification: boolean): Filter | null {
  const where = readableSubmissions(viewer, enforceClassification);
  const via = (field: string, to: string, prefix?: number): Filter => ({ op: 'linked', field, collection: 'submission', to, where, ...(prefix ? { prefix } : {}) });
  switch (access) {
    case 'classification':
      return null;
    case 'submission':
      return readableSubmissions(viewer, false); // the record's own level is checked by accessFilter
    case 'alert':
      return via('sid', 'id');
    case 'result':
      return via('id', 'results');
    case 'error':
      return via('id', 'errors');
    case 'file':
      return { op: 'or', items: [via('id', 'files.sha256'), via('id', 'results', 64), via('id', 'errors', 64)] };
  }
}

export function accessFilter(index: SearchIndex, viewer: Viewer, enforceClassification: boolean = CLASSIFICATION_DEFINITION.enforce): Filter | null {
  if (viewer.isAdmin) return null;
  const parts: Filter[] = [];
  if (enforceClassification) {
    const c = classificationFilter(viewer);
    if (c) parts.push(c);
  }
  const link = linkFilter(index.access, viewer, enforceClassification);
  if (link) parts.push(link);
  if (!parts.length) return null;
  return parts.length === 1 ? parts[0]! : { op: 'and', items: parts };
}
