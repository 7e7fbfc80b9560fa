import { UNITS_PER_DOLLAR } from '@esimkit/contract/money';

// Small helpers for the mistakes public client code keeps making: prices are 1/10,000 USD
// (not cents), supportTopUpType 1 means "no", volumes are binary bytes.

/** 76000 units to 7.6 (dollars as a number, for display or arithmetic outside the API). */
export function unitsToDollars(units: number): number {
  return units / UNITS_PER_DOLLAR;
}

/** 1073741824 to `1 GB`, 536870912 to `512 MB` (binary units, as plan volumes are). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number(value.toFixed(2))} ${units[unit]}`;
}

/** supportTopUpType: 1 no, 2 yes, 3 yes with periodNum. */
export function supportsTopUp(pkg: { supportTopUpType: number }): boolean {
  return pkg.supportTopUpType >= 2;
}
