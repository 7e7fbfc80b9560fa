import { randomInt } from 'node:crypto';
import type { Sequences } from '../db/sequences.js';
import type { Profile, ProfileSource } from '../domain/ports.js';
import { luhnCheckDigit } from '../lib/identifiers.js';
import { randomHex } from '../lib/random.js';

// ICCID: 89 (telecom) + 852 (country code) + 42 (issuer) + 11-digit serial + Luhn = 19 digits.
// The serial comes from a database sequence, so two eSIMs never get the same minted ICCID.
const ICCID_PREFIX = '8985242';
// IMSI: MCC 454 + MNC 42 + 10-digit MSIN (15 digits).
const IMSI_PREFIX = '45442';

/** The simulated SM-DP+: mints profiles (an operator's inventory or a real SM-DP+ can stand in). */
export class SimulatedSmdp implements ProfileSource {
  constructor(
    private readonly sequences: Sequences,
    private readonly address: string,
  ) {}

  async mint(count: number): Promise<Profile[]> {
    const first = await this.sequences.next('iccid', count);
    return Array.from({ length: count }, (_, i) => {
      const body = ICCID_PREFIX + String(first + i).padStart(11, '0');
      const matchingId = randomHex(16).toUpperCase();
      return {
        iccid: body + luhnCheckDigit(body),
        imsi: IMSI_PREFIX + String(randomInt(0, 1e10)).padStart(10, '0'),
        ac: `LPA:1$${this.address}$${matchingId}`,
      };
    });
  }
}
