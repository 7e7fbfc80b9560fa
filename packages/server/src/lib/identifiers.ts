// Identifier formats of field-notes §4, standards-correct.

/** Luhn check digit of a digit string (ITU-T E.118 ICCIDs end with one). */
export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isLuhnValid(digits: string): boolean {
  return /^\d{2,}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** EID (GSMA SGP.29): 32 digits whose value mod 97 is 1. */
export function isValidEid(eid: string): boolean {
  if (!/^\d{32}$/.test(eid)) return false;
  let remainder = 0;
  for (const ch of eid) remainder = (remainder * 10 + (ch.charCodeAt(0) - 48)) % 97;
  return remainder === 1;
}

/** Completes 30 EID digits with their two check digits: 98 - (N·100 mod 97). */
export function eidWithCheckDigits(first30: string): string {
  let remainder = 0;
  for (const ch of `${first30}00`) remainder = (remainder * 10 + (ch.charCodeAt(0) - 48)) % 97;
  return first30 + String(98 - remainder).padStart(2, '0');
}

/** `yyMMddHHmm` in UTC: the time part of orderNo and esimTranNo. */
export function minuteStamp(date: Date): string {
  const iso = date.toISOString();
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16);
}

/**
 * The per-minute sequence suffix: four digits as on the live service; past 9,999 in one
 * minute six digits, so numbers stay unique rather than wrap.
 */
export function sequenceSuffix(value: number): string {
  return value < 10_000 ? String(value).padStart(4, '0') : String(value).padStart(6, '0');
}
