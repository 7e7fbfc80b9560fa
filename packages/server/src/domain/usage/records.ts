import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ServiceContext } from '../context.js';
import type { EsimRow } from '../esims/find.js';
import { lockEsim } from '../esims/lock.js';
import type { EsimStatus } from '../lifecycle/states.js';
import { checkUsageRecord, type CheckedUsageRecord, type UsageRecordInput } from './record-input.js';
import { usageAfterRecord, writeUsageColumns } from './record-usage.js';
import { reportOutcome, reportUsage } from './report.js';

export type { UsageRecordInput } from './record-input.js';

export interface UsageImportResult {
  /** Records applied now. */
  accepted: number;
  /** Records whose id was seen before (in an earlier call, or earlier in this one): nothing changed. */
  duplicates: number;
  /** Records not applied and not kept, each with why; sending one again later may apply it. */
  rejected: { recordId: string; reason: string }[];
}

/** Records per transaction: a few statements each, so a transaction stays short. */
const BATCH = 500;

/**
 * Usage the real network carried and reports late, record by record (the operator API and
 * `esimkit usage import`). Each new record is applied as the sandbox's network use is
 * (domain/usage/network-use.ts) and reported at once: the record is itself the late report,
 * so there is no USAGE_LAG. Idempotent by record id: the id is inserted, or nothing, in the
 * transaction that applies the usage, so a record sent twice, even at the same moment,
 * counts once. docs/usage-records.md says what is rejected and why.
 */
export async function importUsageRecords(ctx: ServiceContext, records: readonly UsageRecordInput[]): Promise<UsageImportResult> {
  const result: UsageImportResult = { accepted: 0, duplicates: 0, rejected: [] };
  const now = ctx.clock.now().getTime();
  const seen = new Set<string>();
  const checked: CheckedUsageRecord[] = [];
  for (const record of records) {
    const outcome = checkUsageRecord(record, now);
    if ('reason' in outcome) result.rejected.push({ recordId: String(record.recordId ?? ''), reason: outcome.reason });
    else if (seen.has(outcome.record.recordId)) result.duplicates += 1;
    else {
      seen.add(outcome.record.recordId);
      checked.push(outcome.record);
    }
  }
  for (let i = 0; i < checked.length; i += BATCH) {
    const batch = await importBatch(ctx, checked.slice(i, i + BATCH));
    result.accepted += batch.accepted;
    result.duplicates += batch.duplicates;
    result.rejected.push(...batch.rejected);
  }
  if (result.accepted > 0) ctx.wakeJobs?.();
  return result;
}

/** An eSIM that has had an ICCID, with its merchant's clock offset (its times are on that clock). */
interface Holder {
  id: number;
  createdAt: number;
  status: EsimStatus;
  offsetMs: number;
}

/**
 * The eSIMs that have had each ICCID, newest first. ICCIDs are reused, so a record belongs to
 * the newest eSIM that existed when its period ended. Read outside the batch's transaction:
 * what it relies on (ICCID, creation, a CANCEL) never changes; an eSIM removed since (a
 * sandbox reset) is noticed when the transaction locks it.
 */
async function holdersOf(ctx: ServiceContext, iccids: string[]): Promise<Map<string, Holder[]>> {
  const rows = await ctx.db.kysely
    .selectFrom('esims')
    .innerJoin('merchants', 'merchants.id', 'esims.merchant_id')
    .select(['esims.id', 'esims.iccid', 'esims.created_at', 'esims.esim_status', 'merchants.clock_offset_ms'])
    .where('esims.iccid', 'in', iccids)
    .orderBy('esims.id', 'desc')
    .execute();
  const holders = new Map<string, Holder[]>();
  for (const row of rows) {
    const list = holders.get(row.iccid) ?? [];
    list.push({ id: Number(row.id), createdAt: Number(row.created_at), status: row.esim_status, offsetMs: Number(row.clock_offset_ms) });
    holders.set(row.iccid, list);
  }
  return holders;
}

interface Matched {
  record: CheckedUsageRecord;
  holder: Holder;
}

async function importBatch(ctx: ServiceContext, records: CheckedUsageRecord[]): Promise<UsageImportResult> {
  const holders = await holdersOf(ctx, [...new Set(records.map((r) => r.iccid))]);
  const rejected: UsageImportResult['rejected'] = [];
  const matched: Matched[] = [];
  for (const record of records) {
    const candidates = holders.get(record.iccid);
    // Record times are real time (the network's); an eSIM's are on its merchant's clock.
    const holder = candidates?.find((h) => h.createdAt <= record.periodEnd + h.offsetMs);
    const reason = !candidates
      ? 'unknown ICCID'
      : !holder
        ? 'no eSIM had this ICCID when the period ended'
        : holder.status === 'CANCEL'
          ? 'the eSIM was cancelled before it was installed'
          : undefined;
    if (reason) rejected.push({ recordId: record.recordId, reason });
    else matched.push({ record, holder: holder! });
  }
  if (matched.length === 0) return { accepted: 0, duplicates: 0, rejected };

  const receivedAt = ctx.clock.now().getTime();
  return ctx.db.kysely.transaction().execute(async (tx) => {
    const fresh = await insertNewRecords(tx, matched, receivedAt);
    const toApply = matched.filter((m) => fresh.has(m.record.recordId));
    const esims = await lockEsims(tx, ctx, toApply.map((m) => m.holder.id));
    const gone = toApply.filter((m) => !esims.has(m.holder.id)).map((m) => m.record.recordId);
    if (gone.length > 0) {
      // Removed since it was found (a sandbox reset): as if it had never existed.
      await tx.deleteFrom('usage_records').where('record_id', 'in', gone).execute();
      for (const recordId of gone) rejected.push({ recordId, reason: 'unknown ICCID' });
    }
    await applyRecords(tx, ctx, esims, toApply);
    return { accepted: toApply.length - gone.length, duplicates: matched.length - toApply.length, rejected };
  });
}

/**
 * Inserts the records whose id is new and answers those ids; an id already stored (or being
 * stored by a concurrent import, which this one then waits for) inserts nothing. Sorted, so
 * two imports sharing ids take their row locks in the same order and cannot deadlock.
 */
async function insertNewRecords(tx: Transaction<Database>, matched: Matched[], receivedAt: number): Promise<Set<string>> {
  const rows = matched
    .map(({ record, holder }) => ({
      record_id: record.recordId,
      iccid: record.iccid,
      esim_id: holder.id,
      bytes: record.bytes,
      period_start: record.periodStart,
      period_end: record.periodEnd,
      received_at: receivedAt,
    }))
    .sort((a, b) => (a.record_id < b.record_id ? -1 : a.record_id > b.record_id ? 1 : 0));
  const inserted = await tx
    .insertInto('usage_records')
    .values(rows)
    .onConflict((oc) => oc.column('record_id').doNothing())
    .returning('record_id')
    .execute();
  return new Set(inserted.map((r) => r.record_id));
}

/** The batch's eSIMs, locked in id order, so two batches sharing eSIMs cannot deadlock (sweeps skip locked rows). */
async function lockEsims(tx: Transaction<Database>, ctx: ServiceContext, ids: number[]): Promise<Map<number, EsimRow>> {
  if (ids.length === 0) return new Map();
  let query = tx
    .selectFrom('esims')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id');
  if (ctx.db.dialect.skipLocked) query = query.forUpdate();
  return new Map((await query.execute()).map((esim) => [Number(esim.id), esim]));
}

/**
 * Counts and reports each record on its locked eSIM, in the order given, so an eSIM's
 * thresholds are crossed by the records that cross them, exactly as reportUsage would one
 * record at a time. Most records only raise the counts and orderUsage: those are kept in
 * memory and written once per eSIM at the end (a few statements per batch, not per record).
 * A record that reaches a DATA_USAGE threshold or uses the volume up is reported by
 * reportUsage itself, the eSIM's counts written first and its row read back after.
 */
async function applyRecords(tx: Transaction<Database>, ctx: ServiceContext, esims: Map<number, EsimRow>, records: readonly Matched[]): Promise<void> {
  const thresholds = ctx.config.dataUsageThresholds;
  const unwritten = new Set<number>();
  for (const { record, holder } of records) {
    const esim = esims.get(holder.id);
    if (!esim || record.bytes === 0) continue;
    const now = new Date(ctx.clock.now().getTime() + holder.offsetMs);
    const used = usageAfterRecord(esim, record, holder.offsetMs, now);
    const report = reportOutcome(used, used.network_usage, thresholds);
    if (report.unchanged || report.quiet) {
      esims.set(holder.id, report.unchanged ? used : { ...used, order_usage: report.usage, usage_updated_at: now.getTime() });
      unwritten.add(holder.id);
    } else {
      await writeUsageColumns(tx, [used]);
      await reportUsage(tx, ctx, holder.id, used.network_usage, now);
      esims.set(holder.id, await lockEsim(tx, ctx.db.dialect, holder.id));
      unwritten.delete(holder.id);
    }
  }
  await writeUsageColumns(tx, [...unwritten].map((id) => esims.get(id)!));
}
