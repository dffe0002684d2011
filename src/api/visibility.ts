// The server's one Visibility (core/search/visibility.ts), for the route modules that reach it by this name.
import type { Visibility } from '../core/search/visibility.js';
import type { AppContext } from './context.js';

export type { Guarded } from '../core/search/visibility.js';

export function visibilityOf(ctx: AppContext): Visibility {
  return ctx.visibility;
}
