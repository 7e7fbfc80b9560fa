import { z } from 'zod';
import { adjustBalance } from '../../domain/merchants/adjust.js';
import { depositFunds } from '../../domain/merchants/deposit.js';
import { merchantLedgerStatement } from '../../domain/merchants/ledger-statement.js';
import { operatorRoute } from './endpoint.js';
import { OperatorError } from './errors.js';
import { MerchantId, PageInfo, Paging, Time, TimeInput, Units } from './fields.js';
import { requireMerchant } from './merchants.js';

// A merchant's money: deposits and adjustments, each with a reason kept on the ledger, and
// the ledger statement with the running balance. Every change goes through the ledger, as
// the CLI's and the console's do.

const Reason = z.string().min(1).max(500).describe('Why: kept as the ledger entry’s note, shown on the merchant’s statement');
const Balance = z.object({ merchantId: z.number().int(), balance: Units.describe('The balance after the entry') });

export const fundsRoutes = [
  operatorRoute({
    name: 'operator.merchant.deposit',
    path: '/api/v1/operator/merchant/deposit',
    summary: 'Credit a merchant through the ledger (a deposit entry with its reason)',
    scope: 'funds:write',
    request: z.object({ merchantId: MerchantId, amount: Units.min(1).describe('More than 0, in 1/10,000 USD'), reason: Reason }),
    response: Balance,
    errors: ['800201'],
    async handle(ctx, input) {
      const merchant = await requireMerchant(ctx, input.merchantId);
      const { balance } = await depositFunds({ ctx, input: { accessCode: merchant.accessCode, amount: input.amount, note: input.reason.trim() } });
      return { merchantId: merchant.id, balance };
    },
  }),

  operatorRoute({
    name: 'operator.merchant.adjust',
    path: '/api/v1/operator/merchant/adjust',
    summary: 'Correct a merchant’s balance up or down (an adjustment entry with its reason); never below zero (200007)',
    scope: 'funds:write',
    request: z.object({
      merchantId: MerchantId,
      amount: Units.refine((n) => n !== 0, 'must not be 0').describe('Positive to credit, negative to debit, never 0; 1/10,000 USD'),
      reason: Reason,
    }),
    response: Balance,
    errors: ['800201', '200007'],
    async handle(ctx, input) {
      const merchant = await requireMerchant(ctx, input.merchantId);
      const { balance } = await adjustBalance({ ctx, input: { accessCode: merchant.accessCode, amount: input.amount, reason: input.reason } });
      return { merchantId: merchant.id, balance };
    },
  }),

  operatorRoute({
    name: 'operator.merchant.statement',
    path: '/api/v1/operator/merchant/statement',
    summary: 'A merchant’s ledger entries, newest first, a page at a time, each with the balance just after it',
    scope: 'merchants:read',
    request: z.object({
      merchantId: MerchantId,
      from: TimeInput.optional().describe('Entries at or after this time'),
      to: TimeInput.optional().describe('Entries before this time'),
      ...Paging,
    }),
    response: z.object({
      entryList: z.array(
        z.object({ entryId: z.number().int(), time: Time, kind: z.string(), reference: z.string().nullable(), note: z.string().nullable(), amount: Units, balance: Units }),
      ),
      ...PageInfo,
    }),
    errors: ['800201'],
    async handle(ctx, input) {
      const statement = await merchantLedgerStatement({
        ctx,
        input: {
          merchantId: input.merchantId,
          from: input.from === undefined ? undefined : Date.parse(input.from),
          to: input.to === undefined ? undefined : Date.parse(input.to),
          page: input.pageNum,
          pageSize: input.pageSize,
        },
      });
      if (!statement) throw new OperatorError('800201', `There is no merchant ${input.merchantId}.`);
      return {
        entryList: statement.lines.map((l) => ({ entryId: l.id, time: l.at.toISOString(), kind: l.kind, reference: l.reference, note: l.note, amount: l.amount, balance: l.balance })),
        total: statement.total,
        pageNum: statement.page,
        pageSize: statement.pageSize,
      };
    },
  }),
];
