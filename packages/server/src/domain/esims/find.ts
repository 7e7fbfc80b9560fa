import type { Selectable } from 'kysely';
import type { EsimsTable } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import type { MerchantSettings } from '../context.js';
import { ApiError } from '../errors.js';

export type EsimRow = Selectable<EsimsTable>;

export interface EsimRefInput {
  esimTranNo?: string | undefined;
  iccid?: string | undefined;
}

/** Lifecycle operations name an eSIM by esimTranNo or iccid; neither is a missing parameter. */
export function requireEsimRef(input: EsimRefInput, missingCode: '000105' | '200042' = '000105'): EsimRefInput {
  if (!input.esimTranNo && !input.iccid) throw new ApiError(missingCode, 'Either esimTranNo or iccid is required.');
  return input;
}

/**
 * The merchant's eSIM by esimTranNo (preferred) or ICCID. ICCIDs are reused, so an ICCID
 * names the merchant's newest eSIM with it. An eSIM that does not exist and one that is
 * another merchant's get the same answer, 310403, so nothing leaks.
 */
export async function findOwnedEsim(db: Executor, merchant: MerchantSettings, ref: EsimRefInput): Promise<EsimRow> {
  const query = db.selectFrom('esims').selectAll().where('merchant_id', '=', merchant.id);
  // esimTranNo is unique: no ordering, so the planner takes its index rather than the
  // merchant's (a query sorted by id walked every eSIM of the merchant).
  const esim = ref.esimTranNo
    ? await query.where('esim_tran_no', '=', ref.esimTranNo).executeTakeFirst()
    : await query.where('iccid', '=', normaliseIccid(ref.iccid!)).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!esim) throw new ApiError('310403', 'The ICCID or esimTranNo does not exist.');
  return esim;
}

/**
 * An eSIM by its row id, found a moment ago: a sandbox reset may have removed it since, and
 * the caller then answers as for a missing eSIM.
 */
export async function esimById(db: Executor, esimId: number): Promise<EsimRow> {
  return foundMeanwhile(await db.selectFrom('esims').selectAll().where('id', '=', esimId).executeTakeFirst());
}

/** An eSIM re-read by id, or the 310403 a partner gets when it has gone since it was found. */
export function foundMeanwhile(esim: EsimRow | undefined): EsimRow {
  if (!esim) throw new ApiError('310403', 'The ICCID or esimTranNo does not exist (the sandbox was reset meanwhile).');
  return esim;
}

/** Incoming ICCIDs are accepted with a trailing F (field-notes §4); stored ones have none. */
export function normaliseIccid(iccid: string): string {
  return iccid.replace(/[fF]$/, '');
}
