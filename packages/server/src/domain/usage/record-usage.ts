import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { activationFields, DAY_MS, isDailyPlan } from '../esims/activation.js';
import type { EsimRow } from '../esims/find.js';
import { LIVE_STATUSES } from '../lifecycle/states.js';
import type { CheckedUsageRecord } from './record-input.js';

/**
 * The eSIM once the network's record is counted (not yet reported): the bytes join the
 * network's count, and today's when the period ends in the eSIM's current day (a daily
 * plan's day runs from one reset to the next; a total-data plan counts every use, as the
 * sandbox's network does); a live plan not yet activated starts at the record's period start
 * (no earlier than the eSIM was made, no later than now). Times are on the merchant's clock.
 */
export function usageAfterRecord(esim: EsimRow, record: CheckedUsageRecord, offsetMs: number, now: Date): EsimRow {
  const periodStart = record.periodStart + offsetMs;
  const periodEnd = record.periodEnd + offsetMs;
  const activation: Partial<ReturnType<typeof activationFields>> =
    esim.activated_at === null && (LIVE_STATUSES as readonly string[]).includes(esim.esim_status)
      ? activationFields(esim, new Date(Math.min(Math.max(periodStart, esim.created_at), now.getTime())))
      : {};
  const resetAt = activation.daily_reset_at ?? esim.daily_reset_at;
  const countsToday = !isDailyPlan(esim) || (resetAt !== null && periodEnd >= resetAt - DAY_MS && periodEnd < resetAt);
  return {
    ...esim,
    ...activation,
    network_usage: esim.network_usage + record.bytes,
    daily_usage: esim.daily_usage + (countsToday ? record.bytes : 0),
  };
}

/** The columns counting and reporting usage may change (never a status: that is the lifecycle's). */
const USAGE_COLUMNS = ['network_usage', 'daily_usage', 'order_usage', 'usage_updated_at', 'activated_at', 'expired_time', 'validity_warn_at', 'daily_reset_at'] as const;

/** Rows per statement: 9 bound values each, far below either database's limit. */
const ROWS_PER_STATEMENT = 500;

/**
 * Writes those columns of many locked eSIMs in one UPDATE ... FROM (VALUES ...), the same
 * SQL on both databases (each VALUES column is named columnN in both). The first row's casts
 * type PostgreSQL's otherwise untyped parameters and the other rows take its types; casting
 * every value made PostgreSQL spend longer planning the statement than running it.
 */
export async function writeUsageColumns(tx: Transaction<Database>, rows: readonly EsimRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const values = rows
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((row, r) => sql`(${sql.join([row.id, ...USAGE_COLUMNS.map((c) => row[c])].map((v) => (r === 0 ? sql`CAST(${v} AS bigint)` : sql`${v}`)))})`);
    const assignments = USAGE_COLUMNS.map((column, c) => sql`${sql.ref(column)} = v.${sql.raw(`column${c + 2}`)}`);
    await sql`UPDATE esims SET ${sql.join(assignments)} FROM (VALUES ${sql.join(values)}) AS v WHERE esims.id = v.column1`.execute(tx);
  }
}
