import { signaturePolicies } from '@esimkit/contract';
import { z } from 'zod';
import type { ServiceContext } from '../../domain/context.js';
import { merchantAccount, type MerchantAccount } from '../../domain/merchants/account.js';
import { createMerchant } from '../../domain/merchants/create.js';
import { listMerchants } from '../../domain/merchants/list.js';
import { setMerchantDisabled, updateMerchantSettings } from '../../domain/merchants/update-settings.js';
import { operatorRoute } from './endpoint.js';
import { OperatorError } from './errors.js';
import { iso, MerchantId, Time, Units } from './fields.js';

// Merchants: create (the credentials are answered once), list, read, change how the partner
// API treats one (signature policy, rate limit, IP block list), disable and enable. Money
// is in funds.ts, the ledger statement in statement.ts.

const SignaturePolicy = z.enum(signaturePolicies).describe('off, warn, optional or required (README: signatures)');
const RateLimit = z.number().min(0).describe('Requests a second; 0 = unlimited');
const RateBurst = z.number().int().min(1).describe('Requests at once (bucket size); default: the rate, at least 1');
const IpBlocklist = z.array(z.string().min(1).max(64)).max(1000).describe('IP addresses or CIDR blocks refused with 101002');

const Merchant = z.object({
  merchantId: z.number().int(),
  name: z.string(),
  accessCode: z.string(),
  signaturePolicy: SignaturePolicy,
  rateLimit: z.number(),
  rateBurst: z.number().int(),
  ipBlocklist: z.array(z.string()),
  disabled: z.boolean(),
  balance: Units,
  webhookUrl: z.string().nullable(),
  createdAt: Time,
});

function render(m: MerchantAccount): z.input<typeof Merchant> {
  return {
    merchantId: m.id,
    name: m.name,
    accessCode: m.accessCode,
    signaturePolicy: m.signaturePolicy,
    rateLimit: m.rateLimit,
    rateBurst: m.rateBurst,
    ipBlocklist: m.ipBlocklist,
    disabled: m.disabled,
    balance: m.balance,
    webhookUrl: m.webhookUrl,
    createdAt: iso(m.createdAt),
  };
}

/** The merchant by id, or 800201. */
export async function requireMerchant(ctx: ServiceContext, id: number): Promise<MerchantAccount> {
  const merchant = await merchantAccount({ ctx, input: { id } });
  if (!merchant) throw new OperatorError('800201', `There is no merchant ${id}.`);
  return merchant;
}

async function current(ctx: ServiceContext, id: number) {
  return render(await requireMerchant(ctx, id));
}

export const merchantRoutes = [
  operatorRoute({
    name: 'operator.merchant.create',
    path: '/api/v1/operator/merchant/create',
    summary: 'Create a merchant; its secret key is answered this once (fund it with merchant/deposit)',
    scope: 'merchants:write',
    request: z.object({
      name: z.string().min(1).max(200),
      signaturePolicy: SignaturePolicy.optional().describe('Default: warn in sandbox mode, optional in production'),
      rateLimit: RateLimit.optional().describe('Requests a second; 0 = unlimited; default 8'),
      rateBurst: RateBurst.optional(),
      ipBlocklist: IpBlocklist.optional(),
    }),
    response: Merchant.extend({ secretKey: z.string().describe('Signs the merchant’s requests; not answered again') }),
    errors: [],
    async handle(ctx, input) {
      const created = await createMerchant({
        ctx,
        input: {
          name: input.name,
          ...(input.signaturePolicy !== undefined ? { signaturePolicy: input.signaturePolicy } : {}),
          ...(input.rateLimit !== undefined ? { rateLimit: input.rateLimit } : {}),
          ...(input.rateBurst !== undefined ? { rateBurst: input.rateBurst } : {}),
          ...(input.ipBlocklist !== undefined ? { ipBlocklist: input.ipBlocklist.map((e) => e.trim()) } : {}),
        },
      });
      return { ...(await current(ctx, created.id)), secretKey: created.secretKey };
    },
  }),

  operatorRoute({
    name: 'operator.merchant.list',
    path: '/api/v1/operator/merchant/list',
    summary: 'Every merchant, oldest first, or those whose name or access code contains `search`',
    scope: 'merchants:read',
    request: z.object({ search: z.string().max(200).optional() }),
    response: z.object({
      merchantList: z.array(
        z.object({ merchantId: z.number().int(), name: z.string(), accessCode: z.string(), signaturePolicy: z.string(), rateLimit: z.number(), balance: Units, disabled: z.boolean(), createdAt: Time }),
      ),
    }),
    errors: [],
    async handle(ctx, input) {
      const merchants = await listMerchants({ ctx, input: { search: input.search } });
      return { merchantList: merchants.map(({ id, ...m }) => ({ merchantId: id, ...m })) };
    },
  }),

  operatorRoute({
    name: 'operator.merchant.get',
    path: '/api/v1/operator/merchant/get',
    summary: 'One merchant: its API settings, balance (read fresh) and webhook URL; never its secret key',
    scope: 'merchants:read',
    request: z.object({ merchantId: MerchantId }),
    response: Merchant,
    errors: ['800201'],
    handle: (ctx, input) => current(ctx, input.merchantId),
  }),

  operatorRoute({
    name: 'operator.merchant.settings',
    path: '/api/v1/operator/merchant/settings',
    summary: 'Change the signature policy and/or the rate limit; the next partner request is served with them',
    scope: 'merchants:write',
    request: z
      .object({ merchantId: MerchantId, signaturePolicy: SignaturePolicy.optional(), rateLimit: RateLimit.optional(), rateBurst: RateBurst.optional() })
      .refine((i) => i.rateBurst === undefined || i.rateLimit !== undefined, { message: 'rateBurst is given with rateLimit', path: ['rateBurst'] }),
    response: Merchant,
    errors: ['800201'],
    async handle(ctx, input) {
      const merchant = await requireMerchant(ctx, input.merchantId);
      await updateMerchantSettings({
        ctx,
        input: {
          accessCode: merchant.accessCode,
          ...(input.signaturePolicy !== undefined ? { signaturePolicy: input.signaturePolicy } : {}),
          ...(input.rateLimit !== undefined ? { rateLimit: input.rateLimit } : {}),
          ...(input.rateBurst !== undefined ? { rateBurst: input.rateBurst } : {}),
        },
      });
      return current(ctx, merchant.id);
    },
  }),

  operatorRoute({
    name: 'operator.merchant.blocklist',
    path: '/api/v1/operator/merchant/blocklist',
    summary: 'Replace the merchant’s IP block list (an empty list blocks nothing)',
    scope: 'merchants:write',
    request: z.object({ merchantId: MerchantId, ipBlocklist: z.array(z.string().max(64)).max(1000).describe('IP addresses or CIDR blocks; [] for none') }),
    response: Merchant,
    errors: ['800201'],
    async handle(ctx, input) {
      const merchant = await requireMerchant(ctx, input.merchantId);
      await updateMerchantSettings({ ctx, input: { accessCode: merchant.accessCode, ipBlocklist: input.ipBlocklist.map((e) => e.trim()).filter(Boolean) } });
      return current(ctx, merchant.id);
    },
  }),

  ...(['disable', 'enable'] as const).map((verb) =>
    operatorRoute({
      name: `operator.merchant.${verb}`,
      path: `/api/v1/operator/merchant/${verb}`,
      summary:
        verb === 'disable'
          ? 'Disable a merchant: the partner API answers its access code 000101 and its console users are refused; its eSIMs and webhooks go on'
          : 'Enable a disabled merchant again',
      scope: 'merchants:write',
      request: z.object({ merchantId: MerchantId }),
      response: Merchant,
      errors: ['800201'],
      async handle(ctx, input) {
        const merchant = await requireMerchant(ctx, input.merchantId);
        await setMerchantDisabled({ ctx, input: { accessCode: merchant.accessCode, disabled: verb === 'disable' } });
        return current(ctx, merchant.id);
      },
    }),
  ),
];
