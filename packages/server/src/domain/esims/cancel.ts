import type { Verb } from '../context.js';
import { postLedgerEntry } from '../ledger.js';
import { changeEsimStatus } from './change-status.js';
import { requireEsimRef, type EsimRefInput } from './find.js';

/** esim/cancel: only a new eSIM not yet downloaded; its price goes back to the balance. */
export async function cancelEsim({ ctx, input }: Verb<EsimRefInput>): Promise<Record<string, never>> {
  await changeEsimStatus(
    ctx,
    requireEsimRef(input),
    { from: ['GOT_RESOURCE'], to: 'CANCEL', also: (esim) => esim.smdp_status === 'RELEASED' },
    async (tx, esim, now) => {
      await postLedgerEntry(tx, { merchantId: esim.merchant_id, amount: esim.price, kind: 'refund', reference: esim.esim_tran_no, note: 'cancel', now });
    },
  );
  return {};
}
