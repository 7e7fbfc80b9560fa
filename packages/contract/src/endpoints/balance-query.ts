import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { Money, WireTime } from '../fields.js';

export const balanceQuery = endpoint({
  name: 'balance.query',
  path: '/api/v1/open/balance/query',
  summary: "The merchant's balance, derived from its ledger",
  request: z.object({}),
  response: z.object({
    balance: Money,
    lastUpdateTime: WireTime.describe('Time of the latest ledger entry'),
  }),
  successCode: '0',
  errors: [],
});
