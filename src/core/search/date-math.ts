// Elasticsearch date math: `now`, `now-1d`, `now/d`, `2024-01-01||+1M/M`, and plain ISO dates. Rounding
// follows the range side: lower bounds (`gte`, `lt`) round down, upper bounds (`lte`, `gt`) round up to the
// last millisecond of the unit, as Elasticsearch does.
import { isoDate } from '../util/time.js';

const UNITS = new Set(['y', 'M', 'w', 'd', 'h', 'H', 'm', 's']);

function add(d: Date, n: number, unit: string): void {
  switch (unit) {
    case 'y': d.setUTCFullYear(d.getUTCFullYear() + n); break;
    case 'M': d.setUTCMonth(d.getUTCMonth() + n); break;
    case 'w': d.setTime(d.getTime() + n * 7 * 86_400_000); break;
    case 'd': d.setTime(d.getTime() + n * 86_400_000); break;
    case 'h': case 'H': d.setTime(d.getTime() + n * 3_600_000); break;
    case 'm': d.setTime(d.getTime() + n * 60_000); break;
    case 's': d.setTime(d.getTime() + n * 1000); break;
  }
}

function roundDown(d: Date, unit: string): void {
  switch (unit) {
    case 'y': d.setUTCMonth(0, 1); d.setUTCHours(0, 0, 0, 0); break;
    case 'M': d.setUTCDate(1); d.setUTCHours(0, 0, 0, 0); break;
    case 'w': {
      const dow = (d.getUTCDay() + 6) % 7; // weeks start on Monday
      d.setUTCDate(d.getUTCDate() - dow);
      d.setUTCHours(0, 0, 0, 0);
      break;
    }
    case 'd': d.setUTCHours(0, 0, 0, 0); break;
    case 'h': case 'H': d.setUTCMinutes(0, 0, 0); break;
    case 'm': d.setUTCSeconds(0, 0); break;
    case 's': d.setUTCMilliseconds(0); break;
  }
}

/** Parse an anchor date: ISO 8601 (date only, or date and time) or epoch milliseconds. */
function parseAnchor(s: string): { date: Date; dayOnly: boolean } | null {
  if (/^\d{4}-\d\d-\d\d$/.test(s)) return { date: new Date(`${s}T00:00:00Z`), dayOnly: true };
  if (/^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:?\d\d)?$/.test(s)) {
    const date = new Date(/Z|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
    return Number.isNaN(date.getTime()) ? null : { date, dayOnly: false };
  }
  if (/^\d{10,13}$/.test(s)) return { date: new Date(Number(s)), dayOnly: false };
  return null;
}

/**
 * The ISO date (Assemblyline's stored format) a date-math expression stands for, or null when it is not one.
 * `roundUp` selects the end of a rounded unit (and of a date-only day) instead of its start.
 */
export function resolveDateMath(expr: string, roundUp = false, now = Date.now()): string | null {
  let anchor: Date;
  let rest: string;
  let dayOnly = false;
  if (expr.startsWith('now')) {
    anchor = new Date(now);
    rest = expr.slice(3);
  } else {
    const sep = expr.indexOf('||');
    const a = parseAnchor(sep >= 0 ? expr.slice(0, sep) : expr);
    if (!a) return null;
    anchor = a.date;
    dayOnly = a.dayOnly && sep < 0;
    rest = sep >= 0 ? expr.slice(sep + 2) : '';
  }
  const re = /([+-])(\d+)([yMwdhHms])|\/([yMwdhHms])/y;
  let rounded: string | null = null;
  while (re.lastIndex < rest.length) {
    const m = re.exec(rest);
    if (!m) return null;
    if (m[4]) {
      roundDown(anchor, m[4]);
      rounded = m[4];
    } else if (UNITS.has(m[3]!)) add(anchor, (m[1] === '-' ? -1 : 1) * Number(m[2]), m[3]!);
  }
  if (roundUp && (rounded || dayOnly)) {
    add(anchor, 1, rounded ?? 'd');
    anchor.setTime(anchor.getTime() - 1);
  }
  // A day that does not exist (2024-13-45) or arithmetic past the last representable date is not a date.
  return Number.isNaN(anchor.getTime()) ? null : isoDate(anchor);
}

/** A duration such as `1d`, `12h`, `30m` (the alert list's `tc`), in milliseconds; null when unreadable. */
export function durationMs(s: string): number | null {
  const m = /^(\d+)([yMwdhHms])$/.exec(s.trim());
  if (!m) return null;
  const d = new Date(0);
  add(d, Number(m[1]), m[2]!);
  return Number.isNaN(d.getTime()) ? null : d.getTime();
}
