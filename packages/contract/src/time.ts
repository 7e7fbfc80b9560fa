// Wire formats for time (field-notes §1): responses use `YYYY-MM-DDTHH:mm:ss+0000`
// (no colon in the offset); webhook eventGenerateTime uses ISO 8601 with `Z`.

/** `2026-11-27T09:03:48+0000` */
export function formatWireTime(date: Date): string {
  return date.toISOString().slice(0, 19) + '+0000';
}

/** `2026-11-27T09:03:48Z` */
export function formatEventTime(date: Date): string {
  return date.toISOString().slice(0, 19) + 'Z';
}

/**
 * Parses the time forms clients send in query filters (`2010-06-30T01:20+00:00`,
 * `...+0000`, `...Z`, with or without seconds). Returns null when it is not a time.
 */
export function parseWireTime(text: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!match) return null;
  const [, day, hm, seconds = ':00', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const date = new Date(`${day}T${hm}${seconds}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}
