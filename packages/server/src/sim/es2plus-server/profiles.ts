import { luhnCheckDigit } from '../../lib/identifiers.js';
import { randomCode } from '../../lib/random.js';

// The simulated SM-DP+'s profiles and their states (SGP.22 §5.3 as es2plus-notes.md tells
// it), in memory: a restart of the simulator forgets them. ES2+ moves a profile
//   Available -> Allocated (downloadOrder) -> Confirmed (confirmOrder, releaseFlag false)
//   -> Released (confirmOrder with releaseFlag true, or releaseProfile)
// and the simulated device moves it on: Downloaded -> Installed (enabled or not) -> Deleted.
// cancelOrder puts an order back to Available or retires the profile (Unavailable).

export type ProfileState = 'Available' | 'Allocated' | 'Confirmed' | 'Released' | 'Downloaded' | 'Installed' | 'Deleted' | 'Unavailable';

export interface SmdpProfile {
  iccid: string;
  profileType: string;
  state: ProfileState;
  /** Installed profiles: whether the device has it enabled. */
  enabled: boolean;
  eid: string | undefined;
  matchingId: string | undefined;
}

/** How many profiles of each type the SM-DP+ holds: any number minted on demand, or a fixed stock. */
export type StockPolicy = { kind: 'unlimited' } | { kind: 'fixed'; counts: ReadonlyMap<string, number> };

// 89 (telecom) + 44 (country) + 77 (issuer) + 12-digit serial + Luhn = 19 digits. The serial
// starts from the clock, so a restarted simulator does not hand out the ICCIDs it sold before.
const ICCID_PREFIX = '894477';

export class ProfileStore {
  private readonly profiles = new Map<string, SmdpProfile>();
  private readonly fixedTypes = new Set<string>();
  private serial = (Date.now() * 10) % 1e12;

  constructor(private readonly policy: StockPolicy) {
    if (policy.kind === 'fixed') for (const [type, count] of policy.counts) this.add(type, count);
  }

  /** Adds `count` Available profiles of a type (and the given ICCIDs); they are then the type's stock. */
  add(profileType: string, count: number, iccids: readonly string[] = []): SmdpProfile[] {
    this.fixedTypes.add(profileType);
    const made = [...iccids, ...Array.from({ length: count }, () => this.mintIccid())].map((iccid) => {
      const profile: SmdpProfile = { iccid, profileType, state: 'Available', enabled: false, eid: undefined, matchingId: undefined };
      this.profiles.set(iccid, profile);
      return profile;
    });
    return made;
  }

  get(iccid: string): SmdpProfile | undefined {
    return this.profiles.get(iccid);
  }

  byMatchingId(matchingId: string): SmdpProfile | undefined {
    for (const profile of this.profiles.values()) if (profile.matchingId === matchingId) return profile;
    return undefined;
  }

  /** Whether downloadOrder knows this profile type at all. */
  knowsType(profileType: string): boolean {
    return this.policy.kind === 'unlimited' || this.fixedTypes.has(profileType);
  }

  /** An Available profile of the type: from stock, or minted when the stock is unlimited and empty. */
  takeAvailable(profileType: string): SmdpProfile | undefined {
    for (const profile of this.profiles.values()) if (profile.profileType === profileType && profile.state === 'Available') return profile;
    if (this.policy.kind === 'fixed' || this.fixedTypes.has(profileType)) return undefined;
    const iccid = this.mintIccid();
    const profile: SmdpProfile = { iccid, profileType, state: 'Available', enabled: false, eid: undefined, matchingId: undefined };
    this.profiles.set(iccid, profile);
    return profile;
  }

  /** A matching id no other profile holds. */
  newMatchingId(): string {
    for (;;) {
      const id = `${randomCode(5)}-${randomCode(5)}-${randomCode(5)}-${randomCode(5)}`;
      if (!this.byMatchingId(id)) return id;
    }
  }

  list(): SmdpProfile[] {
    return [...this.profiles.values()].map((p) => ({ ...p }));
  }

  private mintIccid(): string {
    this.serial = (this.serial + 1) % 1e12;
    const body = ICCID_PREFIX + String(this.serial).padStart(12, '0');
    return body + luhnCheckDigit(body);
  }
}
