import type { MerchantContext } from '../context.js';
import { merchantRequests, toLoggedRequest } from './list.js';

/** One of the merchant's logged API requests by id; undefined when it is unknown or another merchant's. */
export async function findRequest({ ctx, input }: { ctx: MerchantContext; input: { id: number } }) {
  if (!Number.isSafeInteger(input.id)) return undefined;
  const r = await merchantRequests(ctx).where('api_requests.id', '=', input.id).executeTakeFirst();
  return r && toLoggedRequest(r);
}
