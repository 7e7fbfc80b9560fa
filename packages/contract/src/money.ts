// Money on the wire and in storage is an integer count of 1/10,000 USD (10000 = $1.00).

export const UNITS_PER_DOLLAR = 10_000;

/** `$7.60` or `7.6` to 76000 units; exact for up to four decimals. */
export function dollarsToUnits(text: string): number {
  const cleaned = text.trim().replace(/^\$/, '');
  const match = /^(\d+)(?:\.(\d{1,4}))?$/.exec(cleaned);
  if (!match) throw new Error(`not a dollar amount: ${JSON.stringify(text)}`);
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(4, '0'));
  return whole * UNITS_PER_DOLLAR + fraction;
}

/** 76000 units to `$7.60` (at least two decimals, more only when the units need them). */
export function formatUnits(units: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  const whole = Math.floor(abs / UNITS_PER_DOLLAR);
  let fraction = String(abs % UNITS_PER_DOLLAR).padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${sign}$${whole}.${fraction}`;
}
