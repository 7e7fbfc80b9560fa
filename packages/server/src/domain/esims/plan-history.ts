import type { Verb } from '../context.js';
import { findOwnedEsim, type EsimRefInput } from './find.js';

export interface PlanPurchase {
  kind: 'BASE' | 'TOPUP';
  packageCode: string;
  /** The plan's esimTranNo, or the top-up's topUpEsimTranNo. */
  tranNo: string;
  volume: number;
  duration: number;
  price: number;
  createdAt: number;
}

/** What was bought for one of the merchant's eSIMs, oldest first: its plan, then each top-up (console eSIM detail). */
export async function esimPlanHistory({ ctx, input }: Verb<EsimRefInput>): Promise<PlanPurchase[]> {
  const esim = await findOwnedEsim(ctx.db.kysely, ctx.merchant, input);
  const rows = await ctx.db.kysely.selectFrom('esim_packages').selectAll().where('esim_id', '=', esim.id).orderBy('id').execute();
  return rows.map((r) => ({
    kind: r.kind,
    packageCode: r.package_code,
    tranNo: r.tran_no,
    volume: Number(r.volume),
    duration: Number(r.duration),
    price: Number(r.price),
    createdAt: Number(r.created_at),
  }));
}
