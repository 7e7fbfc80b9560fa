import type { Verb } from '../context.js';
import { cancelEs2ProfileOfEsim } from '../orders/es2-cancellation.js';
import { changeEsimStatus } from './change-status.js';
import { requireEsimRef, type EsimRefInput } from './find.js';

/**
 * esim/revoke: closes the eSIM and its plan for good. Never refunded. A profile from a real
 * SM-DP+ that no device has downloaded yet is cancelled there, so its activation code cannot
 * install a revoked plan.
 */
export async function revokeEsim({ ctx, input }: Verb<EsimRefInput>): Promise<Record<string, never>> {
  await changeEsimStatus(ctx, requireEsimRef(input), 'REVOKE', async (tx, esim) => {
    if (esim.smdp_status === 'RELEASED') await cancelEs2ProfileOfEsim(tx, esim.id);
  });
  return {};
}
