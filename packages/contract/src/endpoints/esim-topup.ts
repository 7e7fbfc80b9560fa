import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { Bytes, EsimTranNo, Iccid, MoneyInput, PackageCode, TransactionId, WireTime } from '../fields.js';

export const esimTopup = endpoint({
  name: 'esim.topup',
  path: '/api/v1/open/esim/topup',
  summary: 'Add a compatible TOPUP package to an eSIM (New, In Use or Depleted)',
  request: z.object({
    esimTranNo: EsimTranNo.optional(),
    iccid: Iccid.optional(),
    packageCode: PackageCode.describe('A TOPUP package code (or its slug) from package/list type TOPUP'),
    transactionId: TransactionId,
    amount: MoneyInput.optional().describe('Price of the top-up; checked when given'),
    periodNum: z.number().int().min(1).max(365).optional(),
  }),
  response: z.object({
    transactionId: z.string(),
    iccid: z.string(),
    topUpEsimTranNo: z.string(),
    expiredTime: WireTime,
    totalVolume: Bytes,
    totalDuration: z.number().int(),
    orderUsage: Bytes,
  }),
  successCode: null,
  errors: ['200042', '200002', '200006', '200007', '200008', '310241', '310403'],
  invalidParamCode: '200008',
});
