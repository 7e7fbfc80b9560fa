import { parseWireTime } from '@esimkit/contract';
import { sql } from 'kysely';
import type { Verb } from '../context.js';
import { likeLiteral } from '../orders/list.js';
import { findOwnedEsim, type EsimRefInput } from './find.js';

export interface UsageHistory {
  /** Epoch ms of each point, oldest first. */
  at: number[];
  /** orderUsage (bytes) as last reported at that time. */
  used: number[];
  /** The data bought by then (plan plus top-ups), bytes. */
  total: number[];
}

/**
 * One of the merchant's eSIMs' data usage over time, from what is stored: none at its
 * creation, each DATA_USAGE event written for it (the usage reported when
 * a threshold was crossed), and the latest report, up to now; the data bought grows with each top-up.
 * esimkit keeps no per-report history, so between these points the usage is not known
 * (console eSIM detail; docs/console.md says so).
 */
export async function esimUsageHistory({ ctx, input }: Verb<EsimRefInput>): Promise<UsageHistory> {
  const db = ctx.db.kysely;
  const esim = await findOwnedEsim(db, ctx.merchant, input);
  const [purchases, events] = await Promise.all([
    db.selectFrom('esim_packages').select(['volume', 'created_at']).where('esim_id', '=', esim.id).orderBy('id').execute(),
    db
      .selectFrom('webhook_events')
      .select('body')
      .where('merchant_id', '=', ctx.merchant.id)
      .where('notify_type', '=', 'DATA_USAGE')
      .where(sql<boolean>`body like ${`%"esimTranNo":${likeLiteral(JSON.stringify(esim.esim_tran_no))}%`} escape '\\'`)
      .orderBy('id')
      .execute(),
  ]);
  const reports: { at: number; used: number }[] = [{ at: Number(esim.created_at), used: 0 }];
  for (const event of events) {
    const body = JSON.parse(event.body) as { eventGenerateTime?: string; content?: { orderUsage?: number } };
    const at = parseWireTime(body.eventGenerateTime ?? '');
    // Event times are whole seconds: one in the eSIM's first second is not before its creation.
    if (at && typeof body.content?.orderUsage === 'number') reports.push({ at: Math.max(at.getTime(), Number(esim.created_at)), used: body.content.orderUsage });
  }
  if (esim.usage_updated_at !== null) reports.push({ at: Number(esim.usage_updated_at), used: Number(esim.order_usage) });

  // The series ends now (on the merchant's clock), at the last values known: the plot then
  // spans the eSIM's life so far even before any report.
  const now = ctx.clock.now().getTime();
  const times = [...new Set([...reports.map((r) => r.at), ...purchases.map((p) => Number(p.created_at)), now])].filter((t) => t <= now).sort((a, b) => a - b);
  const usedAt = (t: number) => reports.filter((r) => r.at <= t).reduce((max, r) => Math.max(max, r.used), 0);
  const boughtAt = (t: number) => purchases.filter((p) => Number(p.created_at) <= t).reduce((sum, p) => sum + Number(p.volume), 0);
  return { at: times, used: times.map(usedAt), total: times.map(boughtAt) };
}
