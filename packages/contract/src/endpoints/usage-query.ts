import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { Bytes, EsimTranNo, WireTime } from '../fields.js';

export const usageQuery = endpoint({
  name: 'esim.usage.query',
  path: '/api/v1/open/esim/usage/query',
  summary: 'Data usage of up to 10 eSIMs',
  request: z.object({ esimTranNoList: z.array(EsimTranNo).min(1).max(10) }),
  response: z.object({
    esimUsageList: z.array(z.object({ esimTranNo: z.string(), dataUsage: Bytes, totalData: Bytes, lastUpdateTime: WireTime })),
  }),
  successCode: '0',
  errors: ['310403'],
});
