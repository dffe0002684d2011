// Query, sort and paging arguments of the account listing routes (/user/list/, /apikey/list/). These accept
// match-all queries and `field:value` terms joined by AND; anything richer is refused with a SearchException
// (see core/search/list-query.ts, which parses them).
import { Type } from '@sinclair/typebox';

export const ListQuery = Type.Object({
  // Ranges are checked by pageArgs, which names the settings that set them.
  offset: Type.Optional(Type.Integer({ default: 0 })),
  rows: Type.Optional(Type.Integer({ default: 100 })),
  query: Type.Optional(Type.String({ description: 'match-all (`*:*`, `id:*`) or `field:value` terms joined by AND' })),
  sort: Type.Optional(Type.String({ description: 'e.g. "id asc" or "uname desc"' })),
});
