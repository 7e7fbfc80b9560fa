import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { esimkitJson } from './esimkit.js';

// Production mode orders only from a real source of profiles: the run imports inventory
// (what an operator does with `esimkit inventory import`), so the chaos also covers
// reserving profiles across crashes (no profile may reach two eSIMs).

/** The ITU-T E.118 check digit that completes `body`. */
function luhnComplete(body: string): string {
  for (let d = 0; d <= 9; d++) {
    const digits = body + d;
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let n = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
      sum += n;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error(`not digits: ${body}`);
}

/** Writes `perPackage` profiles for each slug to a CSV and imports it; ICCIDs 8999<package><serial><check>. */
export function importInventory(slugs: string[], perPackage: number, dir: string, env: Record<string, string>): number {
  let imported = 0;
  for (const [p, slug] of slugs.entries()) {
    const rows = ['iccid,imsi,ac'];
    for (let serial = 0; serial < perPackage; serial++) {
      const iccid = luhnComplete(`8999${String(p + 1).padStart(2, '0')}${String(serial).padStart(12, '0')}`);
      const imsi = `00101${String(p + 1).padStart(2, '0')}${String(serial).padStart(8, '0')}`;
      const ac = `LPA:1$smdp.chaos.invalid$${iccid.slice(-12)}${String(serial).padStart(20, '0')}`;
      rows.push(`${iccid},${imsi},${ac}`);
    }
    const file = join(dir, `inventory-${slug}.csv`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    imported += esimkitJson<{ imported: number }>(['inventory', 'import', file, '--package', slug], env).imported;
  }
  return imported;
}
