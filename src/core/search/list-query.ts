// Query and sort arguments of the simple listing routes (user, API key and signature lists). These accept
// match-all queries and `field:value` terms joined by AND over the fields the caller names; anything richer is
// refused with a SearchException.
import type { Filter, SortKey } from '../../store/datastore.js';
import { badRequest } from '../errors.js';

const TERM = /^([A-Za-z_][\w.]*):(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))$/;

export function parseListQuery(query: string | undefined, allowedFields: readonly string[]): Filter {
  const q = (query ?? '').trim();
  if (!q || q === '*' || q === '*:*' || q === 'id:*') return { op: 'all' };
  const items: Filter[] = [];
  for (const part of q.split(/\s+AND\s+/)) {
    const m = TERM.exec(part.trim());
    if (!m || !(m[1] === 'id' || allowedFields.includes(m[1]!))) {
      throw badRequest(`SearchException: unsupported query "${q}"`);
    }
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    if (value === '*') items.push({ op: 'exists', field: m[1]! });
    else if (value === 'true' || value === 'false') {
      items.push({ op: 'or', items: [{ op: 'eq', field: m[1]!, value }, { op: 'eq', field: m[1]!, value: value === 'true' }] });
    } else items.push({ op: 'eq', field: m[1]!, value });
  }
  return { op: 'and', items };
}

export function parseSort(sort: string | undefined, allowedFields: readonly string[]): SortKey[] {
  if (!sort) return [{ field: 'id', dir: 'asc' }];
  return sort.split(',').map((s) => {
    const [field = '', dir = 'asc'] = s.trim().split(/\s+/);
    if (!(field === 'id' || allowedFields.includes(field)) || (dir !== 'asc' && dir !== 'desc')) {
      throw badRequest(`SearchException: invalid sort "${sort}"`);
    }
    return { field, dir };
  });
}
