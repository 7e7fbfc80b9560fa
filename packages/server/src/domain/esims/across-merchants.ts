import { sql, type Selectable } from 'kysely';
import type { EsimsTable } from '../../db/schema.js';
import type { EsimStatus } from '../lifecycle/states.js';
import { containsPattern } from '../../lib/like.js';
import type { ServiceContext, Verb } from '../context.js';
import { toEsimSummary, type EsimSummary } from './search.js';
import { countAndPage } from '../paging.js';

// The operator's view of eSIMs: every merchant's, read only (console operator pages). The
// actions on an eSIM are the partner's (their API, their console); an operator only looks.

export interface OperatorEsimFilter {
  merchantId?: number | undefined;
  status?: EsimStatus | undefined;
  /** Part of the ICCID, the esimTranNo or the orderNo. */
  search?: string | undefined;
  pageNum: number;
  pageSize: number;
}

/** An eSIM as the partner's search reads it, with its id and merchant. */
export interface OperatorEsim extends EsimSummary {
  id: number;
  merchantId: number;
  merchantName: string;
}

function baseQuery(ctx: ServiceContext) {
  return ctx.db.kysely
    .selectFrom('esims')
    .innerJoin('merchants', 'merchants.id', 'esims.merchant_id')
    .innerJoin('orders', 'orders.id', 'esims.order_id');
}

const COLUMNS = [
  'esims.id',
  'esims.esim_tran_no',
  'esims.iccid',
  'orders.order_no',
  'esims.merchant_id',
  'merchants.name as merchant_name',
  'esims.package_code',
  'esims.esim_status',
  'esims.smdp_status',
  'esims.total_volume',
  'esims.order_usage',
  'esims.expired_time',
  'esims.created_at',
] as const;

export async function listEsimsAcrossMerchants({ ctx, input }: Verb<OperatorEsimFilter, ServiceContext>): Promise<{ esims: OperatorEsim[]; total: number }> {
  let base = baseQuery(ctx);
  if (input.merchantId !== undefined) base = base.where('esims.merchant_id', '=', input.merchantId);
  if (input.status) base = base.where('esims.esim_status', '=', input.status);
  const search = input.search?.trim().toUpperCase();
  if (search) {
    const pattern = containsPattern(search);
    base = base.where(
      sql<boolean>`(esims.iccid like ${pattern} escape '\\' or upper(esims.esim_tran_no) like ${pattern} escape '\\' or upper(orders.order_no) like ${pattern} escape '\\')`,
    );
  }
  const { rows, total } = await countAndPage(base, input, (q) => q.select(COLUMNS).orderBy('esims.id', 'desc'));
  return { esims: rows.map(toEsim), total };
}

export interface OperatorEsimDetail extends OperatorEsim {
  /** Status changes, oldest first (the partner's esim timeline). */
  events: { field: string; from: string | null; to: string; actor: string; at: number }[];
}

/** One eSIM of any merchant with its timeline, by esimTranNo; undefined when there is none. */
export async function esimForOperator({ ctx, input }: Verb<{ esimTranNo: string }, ServiceContext>): Promise<OperatorEsimDetail | undefined> {
  const row = await baseQuery(ctx).select(COLUMNS).where('esims.esim_tran_no', '=', input.esimTranNo).executeTakeFirst();
  if (!row) return undefined;
  const events = await ctx.db.kysely.selectFrom('esim_events').selectAll().where('esim_id', '=', row.id).orderBy('id').execute();
  return { ...toEsim(row), events: events.map((e) => ({ field: e.field, from: e.from_value, to: e.to_value, actor: e.actor, at: Number(e.at) })) };
}

type JoinedEsimRow = Pick<Selectable<EsimsTable>, 'id' | 'esim_tran_no' | 'iccid' | 'merchant_id' | 'package_code' | 'esim_status' | 'smdp_status' | 'total_volume' | 'order_usage' | 'expired_time' | 'created_at'> & {
  order_no: string;
  merchant_name: string;
};

function toEsim(r: JoinedEsimRow): OperatorEsim {
  return { ...toEsimSummary(r), id: Number(r.id), merchantId: Number(r.merchant_id), merchantName: r.merchant_name };
}
