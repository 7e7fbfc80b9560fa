/**
 * An ICCID as esimkit stores it, or undefined when the text is no ICCID: 18 to 20 digits;
 * a 19-digit ICCID may carry one trailing `F` (padded to an even length, as ES2+ and some
 * network systems send it: field-notes §4, es2plus-notes), which is dropped. The one reader
 * of ICCIDs from outside (ES2+ answers and notifications, usage records), so they agree.
 */
export function readIccid(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const digits = /^\d{19}[fF]$/.test(text) ? text.slice(0, 19) : text;
  return /^\d{18,20}$/.test(digits) ? digits : undefined;
}
