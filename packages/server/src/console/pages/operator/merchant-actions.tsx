import { signaturePolicies } from '@esimkit/contract';
import { adjustBalance } from '../../../domain/merchants/adjust.js';
import { splitBlocklist } from '../../../domain/merchants/blocklist.js';
import { depositFunds } from '../../../domain/merchants/deposit.js';
import { merchantAccount, type MerchantAccount } from '../../../domain/merchants/account.js';
import { setMerchantDisabled, updateMerchantSettings } from '../../../domain/merchants/update-settings.js';
import { action, redirect, type SignedInContext } from '../../routes.js';
import { dollarsToUnits, idParam, refused, notFound } from './parts.js';

// The merchant page's forms. Each calls the merchant verb the CLI calls (or the one the
// console added beside it) and goes back to the merchant page saying what happened; a verb's
// refusal (an amount of 0, a debit below zero: 200007, a bad IP) is shown by the route helper
// with its code, as the API would answer it. Settings verbs drop the API's merchant cache.

type Done = 'deposited' | 'adjusted' | 'settings' | 'blocklist' | 'disabled' | 'enabled';

function merchantAction(name: string, run: (c: SignedInContext, merchant: MerchantAccount) => Promise<Done | ReturnType<typeof refused>>) {
  return action(`/console/operator/merchants/:id/${name}`, { auth: 'operator' }, async (c) => {
    const id = idParam(c.params.id);
    const merchant = id === undefined ? undefined : await merchantAccount({ ctx: c.ctx, input: { id } });
    if (!merchant) return notFound('There is no such merchant.');
    const done = await run(c, merchant);
    return typeof done === 'string' ? redirect(`/console/operator/merchants/${merchant.id}?done=${done}`) : done;
  });
}

/** The reason of a deposit or adjustment: required, so every entry the console writes says why. */
function reasonOf(c: SignedInContext, field: string): string | undefined {
  const reason = c.form.get(field)?.trim();
  return reason ? reason : undefined;
}

export const merchantActionRoutes = [
  merchantAction('deposit', async (c, m) => {
    const reason = reasonOf(c, 'reason');
    if (!reason) return refused('A deposit needs a reason: it is kept on the ledger.');
    await depositFunds({ ctx: c.ctx, input: { accessCode: m.accessCode, amount: dollarsToUnits(c.form.get('amount')), note: reason } });
    return 'deposited';
  }),

  merchantAction('adjust', async (c, m) => {
    await adjustBalance({ ctx: c.ctx, input: { accessCode: m.accessCode, amount: dollarsToUnits(c.form.get('adjustAmount')), reason: reasonOf(c, 'adjustReason') ?? '' } });
    return 'adjusted';
  }),

  merchantAction('settings', async (c, m) => {
    const policy = signaturePolicies.find((p) => p === c.form.get('signaturePolicy'));
    if (!policy) return refused(`Choose a signature policy: ${signaturePolicies.join(', ')}.`);
    const rate = c.form.get('rateLimit')?.trim() ?? '';
    const burst = c.form.get('rateBurst')?.trim() ?? '';
    await updateMerchantSettings({
      ctx: c.ctx,
      input: {
        accessCode: m.accessCode,
        signaturePolicy: policy,
        // An empty field is not 0 (unlimited): it is a number that was not given.
        rateLimit: rate === '' ? Number.NaN : Number(rate),
        ...(burst === '' ? {} : { rateBurst: Number(burst) }),
      },
    });
    return 'settings';
  }),

  merchantAction('blocklist', async (c, m) => {
    await updateMerchantSettings({ ctx: c.ctx, input: { accessCode: m.accessCode, ipBlocklist: splitBlocklist(c.form.get('ipBlocklist') ?? '') } });
    return 'blocklist';
  }),

  merchantAction('disable', async (c, m) => {
    await setMerchantDisabled({ ctx: c.ctx, input: { accessCode: m.accessCode, disabled: true } });
    return 'disabled';
  }),

  merchantAction('enable', async (c, m) => {
    await setMerchantDisabled({ ctx: c.ctx, input: { accessCode: m.accessCode, disabled: false } });
    return 'enabled';
  }),
];
