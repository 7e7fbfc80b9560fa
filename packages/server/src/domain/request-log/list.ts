import type { Selectable } from 'kysely';
import type { ApiRequestsTable } from '../../db/schema.js';
import type { MerchantContext } from '../context.js';

/** What the console shows for a shared answer that was not written (the insert failed) or was pruned. */
export const SHARED_ANSWER_GONE = '(this answer was shared by many requests and is no longer kept)';

export interface RequestLogQuery {
  /** Newest first; this many at most (1-200, default 50). */
  limit?: number;
  /** Requests older than this id (the next page). */
  before?: number;
  endpoint?: string;
  /** Only failures (answers other than success). */
  failedOnly?: boolean;
}

/** The merchant's logged requests: every read of the log starts here, so none can forget the merchant. */
export function merchantRequests(ctx: MerchantContext) {
  return ctx.db.kysely
    .selectFrom('api_requests')
    .leftJoin('api_shared_answers', 'api_shared_answers.id', 'api_requests.shared_answer_id')
    .selectAll('api_requests')
    .select('api_shared_answers.body as shared_answer')
    .where('api_requests.merchant_id', '=', ctx.merchant.id);
}

/** A logged request as the console shows it. */
export function toLoggedRequest(r: Selectable<ApiRequestsTable> & { shared_answer: string | null }) {
  return {
    id: Number(r.id),
    requestId: r.request_id,
    endpoint: r.endpoint,
    code: r.code,
    latencyMs: r.latency_us / 1000,
    ip: r.ip,
    requestBody: r.request_body,
    responseBody: r.shared_answer_id === null ? r.response_body : (r.shared_answer ?? SHARED_ANSWER_GONE),
    at: new Date(Number(r.created_at)),
  };
}

/** The merchant's recent API requests, newest first. */
export async function listRequests({ ctx, input }: { ctx: MerchantContext; input: RequestLogQuery }) {
  const limit = Math.min(200, Math.max(1, input.limit ?? 50));
  let query = merchantRequests(ctx).orderBy('api_requests.id', 'desc').limit(limit);
  if (input.before !== undefined) query = query.where('api_requests.id', '<', input.before);
  if (input.endpoint) query = query.where('endpoint', '=', input.endpoint);
  if (input.failedOnly) query = query.where('code', 'not in', ['0', 'null']);
  const rows = await query.execute();
  return rows.map(toLoggedRequest);
}
