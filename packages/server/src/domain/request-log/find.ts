import type { MerchantContext } from '../context.js';

/** One of the merchant's logged API requests by id; undefined when it is unknown or another merchant's. */
export async function findRequest({ ctx, input }: { ctx: MerchantContext; input: { id: number } }) {
  if (!Number.isSafeInteger(input.id)) return undefined;
  const r = await ctx.db.kysely.selectFrom('api_requests').selectAll().where('id', '=', input.id).where('merchant_id', '=', ctx.merchant.id).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: Number(r.id),
    requestId: r.request_id,
    endpoint: r.endpoint,
    code: r.code,
    latencyMs: r.latency_us / 1000,
    ip: r.ip,
    requestBody: r.request_body,
    responseBody: r.response_body,
    at: new Date(Number(r.created_at)),
  };
}
