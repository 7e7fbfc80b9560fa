import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { Bytes, EsimTranNo, Iccid, PackageCode, PeriodNum, PriceCheck, TransactionId, WireTime } from '../fields.js';

export const esimTopup = endpoint({
  name: 'esim.topup',
  path: '/api/v1/open/esim/topup',
  summary: 'Add a compatible TOPUP package to an eSIM (New, In Use or Depleted)',
  request: z.object({
    esimTranNo: EsimTranNo.optional(),
    iccid: Iccid.optional(),
    packageCode: PackageCode.describe('A TOPUP package code (or its slug) from package/list type TOPUP'),
    transactionId: TransactionId,
    amount: PriceCheck.optional().describe('Price of the top-up; checked when given; 0 means no check'),
    periodNum: PeriodNum.optional(),
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
