import type { Selectable } from 'kysely';
import type { OrdersTable, PackagesTable, ProfilesTable } from '../../db/schema.js';
import type { RunningJob } from '../../jobs/runner.js';
import { randomHex } from '../../lib/random.js';
import { allocatedStatuses } from '../lifecycle/allocation.js';
import type { Profile } from '../ports.js';
import { es2Profile, type Es2ProfileRow } from './es2-allocation.js';
import type { OrderItem } from './items.js';

// The eSIM rows an allocation writes, from the profiles each order was given.

const DAY_MS = 24 * 3600_000;

// Simulated subscriber details every profile carries.
function pinPuk(): { pin: string; puk: string } {
  const digits = BigInt(`0x${randomHex(8)}`).toString().padStart(12, '0');
  return { pin: digits.slice(0, 4), puk: digits.slice(4, 12) };
}

export interface AllocationPlan {
  order: Selectable<OrdersTable>;
  lines: OrderItem[];
  /** Inventory profiles reserved with the order. */
  reserved: Selectable<ProfilesTable>[];
  es2Profiles: Es2ProfileRow[];
  /** How many profiles the simulated SM-DP+ gives it. */
  minted: number;
  job?: RunningJob | undefined;
}

/**
 * The eSIM rows of one order. Profiles reserved for a package are handed out in turn across
 * all the order's lines of that package (two lines of one package must not get the same
 * profiles); simulated profiles and eSIM numbers are taken from the batch's shared lists.
 */
export function esimRows(plan: AllocationPlan, packages: Map<string, Selectable<PackagesTable>>, minted: Profile[], tranNos: string[], now: Date) {
  const { order } = plan;
  const used = new Map<string, number>();
  return plan.lines.flatMap((item) => {
    const pkg = packages.get(item.packageCode)!;
    const pool = plan.reserved.filter((p) => p.package_code === item.packageCode);
    const es2Pool = plan.es2Profiles.filter((p) => p.package_code === item.packageCode);
    return Array.from({ length: item.count }, () => {
      const taken = used.get(item.packageCode) ?? 0;
      used.set(item.packageCode, taken + 1);
      const fromPool = pool[taken];
      const fromEs2 = fromPool ? undefined : es2Pool[taken];
      const profile: Profile = fromPool ?? (fromEs2 ? es2Profile(fromEs2) : minted.shift()!);
      const periods = item.periodNum ?? 1;
      return {
        inventoryId: fromPool ? fromPool.id : null,
        es2Id: fromEs2 ? fromEs2.id : null,
        row: {
          esim_tran_no: tranNos.shift()!,
          order_id: order.id,
          merchant_id: order.merchant_id,
          package_code: pkg.code,
          iccid: profile.iccid,
          imsi: profile.imsi,
          msisdn: '',
          ac: profile.ac,
          public_token: randomHex(16),
          ...pinPuk(),
          apn: 'esimkit',
          ...allocatedStatuses,
          eid: '',
          active_type: pkg.active_type,
          data_type: pkg.data_type,
          sms_status: pkg.sms_status,
          price: item.unitPrice,
          period_num: item.periodNum,
          total_volume: pkg.volume * periods,
          total_duration: pkg.duration * periods,
          order_usage: 0,
          usage_updated_at: null,
          expired_time: now.getTime() + pkg.unused_valid_time * DAY_MS,
          activated_at: null,
          installed_at: null,
          usage_alerts_sent: '[]',
          created_at: now.getTime(),
        },
      };
    });
  });
}

