import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordStatusChanges } from './record.js';
import { ALLOCATED } from './states.js';

/** The statuses a new eSIM row is inserted with. */
export const allocatedStatuses = { esim_status: ALLOCATED.esimStatus, smdp_status: ALLOCATED.smdpStatus };

/** The first timeline rows of newly allocated eSIMs (no webhook: ORDER_STATUS announces them). */
export async function recordAllocation(tx: Transaction<Database>, esims: readonly { id: number; merchantId: number }[], at: Date): Promise<void> {
  await recordStatusChanges(
    tx,
    esims.flatMap((e) => [
      { esimId: e.id, merchantId: e.merchantId, field: 'esimStatus' as const, from: null, to: ALLOCATED.esimStatus, actor: 'system' as const, at },
      { esimId: e.id, merchantId: e.merchantId, field: 'smdpStatus' as const, from: null, to: ALLOCATED.smdpStatus, actor: 'system' as const, at },
    ]),
  );
}
