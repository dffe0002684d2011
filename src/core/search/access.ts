// Which records a caller may see, as a filter ANDed into every search. Administrators see everything. Others
// see submissions they submitted or that were shared with one of their groups (`params.groups`, recorded
// from the submitter's groups), and, when the classification scheme is enforced, only records at or below
// their own classification level.
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

export function accessFilter(index: SearchIndex, viewer: Viewer, enforceClassification: boolean = CLASSIFICATION_DEFINITION.enforce): Filter | null {
  if (viewer.isAdmin) return null;
  const parts: Filter[] = [];
  if (enforceClassification) {
    const c = classificationFilter(viewer);
    if (c) parts.push(c);
  }
  if (index.access === 'submission') {
    const mine: Filter = { op: 'eq', field: 'params.submitter', value: viewer.uname };
    const groups = viewer.groups.map((g) => g.toUpperCase());
    parts.push(groups.length ? { op: 'or', items: [mine, { op: 'in', field: 'params.groups', values: groups }] } : mine);
  }
  if (!parts.length) return null;
  return parts.length === 1 ? parts[0]! : { op: 'and', items: parts };
}
