import type { Verb } from '../context.js';
import { changeEsimStatus } from './change-status.js';
import { requireEsimRef, type EsimRefInput } from './find.js';

/** esim/suspend: pauses data service of an eSIM in use. */
export async function suspendEsim({ ctx, input }: Verb<EsimRefInput>): Promise<Record<string, never>> {
  await changeEsimStatus(ctx, requireEsimRef(input), 'SUSPEND');
  return {};
}

/** esim/unsuspend: resumes a suspended eSIM. */
export async function unsuspendEsim({ ctx, input }: Verb<EsimRefInput>): Promise<Record<string, never>> {
  await changeEsimStatus(ctx, requireEsimRef(input), 'UNSUSPEND');
  return {};
}
