import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { integerInput, OrderNo, PackageCode, PeriodNum, PriceCheck, Slug, TransactionId } from '../fields.js';

export const PackageInfo = z.object({
  packageCode: PackageCode.optional().describe('Package code, or a slug'),
  slug: Slug.optional(),
  count: integerInput(z.number().int().min(1).max(30)).describe('eSIMs of this package, 1-30'),
  price: PriceCheck.optional().describe('Price of one eSIM: for daily plans the per-day price or the per-day price x periodNum; checked when given; 0 means no check'),
  periodNum: PeriodNum.optional(),
});

export const esimOrder = endpoint({
  name: 'esim.order',
  path: '/api/v1/open/esim/order',
  summary: 'Order eSIM profiles; they are allocated asynchronously (ORDER_STATUS webhook, or esim/query by orderNo)',
  request: z.object({
    transactionId: TransactionId,
    amount: PriceCheck.optional().describe('Total of the order; checked when given; 0 means no check'),
    packageInfoList: z.array(PackageInfo).min(1).max(30),
  }),
  response: z.object({ orderNo: OrderNo, transactionId: z.string() }),
  successCode: null,
  errors: ['310241', '200005', '200006', '200007', '200008', '200011'],
  invalidParamCode: '200008',
});
