import type { Verb } from '../context.js';
import { changeEsimStatus } from './change-status.js';
import { requireEsimRef, type EsimRefInput } from './find.js';

/** esim/revoke: closes the eSIM and its plan for good. Never refunded. */
export async function revokeEsim({ ctx, input }: Verb<EsimRefInput>): Promise<Record<string, never>> {
  await changeEsimStatus(ctx, requireEsimRef(input), 'REVOKE');
  return {};
}
