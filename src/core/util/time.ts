// Assemblyline writes every date as ISO 8601 UTC with microseconds ("2024-05-01T12:34:56.123456Z").

export function isoDate(d: Date | number = Date.now()): string {
  const date = typeof d === 'number' ? new Date(d) : d;
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function daysFromNow(days: number, from = Date.now()): string {
  return isoDate(from + days * 86_400_000);
}
