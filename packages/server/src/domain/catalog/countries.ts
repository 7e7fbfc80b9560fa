import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Country names and flags come from the flag-icons package (maintained SVG flags of every
// ISO 3166 country plus a few others such as Kosovo). Names from the price list win when
// present: they are what the vendor shows ("Hong Kong (China)").
const require = createRequire(import.meta.url);
const flagIconsRoot = dirname(require.resolve('flag-icons/package.json'));
const flagIconsCountries = require('flag-icons/country.json') as { code: string; name: string }[];

// Codes the price list uses that flag-icons does not know (AN, the Netherlands Antilles, was
// withdrawn from ISO 3166-1 but carriers still list it): without these a region's
// subLocationList would name the country by its bare code.
const extraNames: Record<string, string> = { AN: 'Netherlands Antilles' };

const namesByCode = new Map([...flagIconsCountries.map((c) => [c.code.toUpperCase(), c.name] as const), ...Object.entries(extraNames)]);
const flagCodes = new Set(flagIconsCountries.map((c) => c.code.toUpperCase()));

export function countryName(code: string, fallback?: string): string {
  return fallback ?? namesByCode.get(code.toUpperCase()) ?? code.toUpperCase();
}

/** Absolute path of the 4:3 SVG flag for an ISO-2 code, or of the neutral flag. */
export function flagFile(code: string): string {
  const lower = code.toLowerCase();
  const known = /^[a-z]{2}$/.test(lower) && flagCodes.has(lower.toUpperCase());
  return join(flagIconsRoot, 'flags', '4x3', `${known ? lower : 'xx'}.svg`);
}

/** Public URL of a country's flag, served by esimkit itself. */
export function flagUrl(publicUrl: string, code: string): string {
  return `${publicUrl}/img/flags/${code.toLowerCase()}.svg`;
}
