import { isIP } from 'node:net';

/** Validates operator input: every entry must be an IP or CIDR block. Returns the entries that are not. */
export function invalidBlocklistEntries(entries: string[]): string[] {
  return entries.filter((entry) => {
    const [address, prefix] = entry.trim().split('/');
    const family = isIP(address ?? '');
    if (!family) return true;
    if (prefix === undefined) return false;
    const bits = Number(prefix);
    return !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32);
  });
}

/** A block list as typed by a person: entries separated by commas, spaces or lines, blanks dropped. */
export function splitBlocklist(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
