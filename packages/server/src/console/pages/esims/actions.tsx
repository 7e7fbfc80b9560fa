import { randomUUID } from 'node:crypto';
import { esimCancel, esimRevoke, esimSuspend, esimTopup, esimUnsuspend, formatUnits, sendSms, type Endpoint } from '@esimkit/contract';
import type { z } from 'zod';
import type { PackageItem } from '@esimkit/contract';
import { cancelEsim } from '../../../domain/esims/cancel.js';
import { revokeEsim } from '../../../domain/esims/revoke.js';
import { sendSmsToEsim } from '../../../domain/esims/send-sms.js';
import { suspendEsim, unsuspendEsim } from '../../../domain/esims/suspend.js';
import { topUpEsim } from '../../../domain/esims/topup.js';
import { parseInput } from '../../../http/parse-input.js';
import { CsrfField, Field, PostForm, SelectField, TextareaField } from '../../components.js';
import { action, redirect, type ConsoleRoute } from '../../routes.js';
import { formatBytes } from '../orders/parts.js';
import type { EsimItem } from './detail.js';

// The eSIM's actions: each a confirmed POST form, read by the API's own parser for its
// endpoint and run by the same verb as the endpoint, so it writes the same ledger,
// timeline and webhook rows and is refused with the same code and message (the route
// helper shows an ApiError as the API answers it). Every action is offered whatever the
// eSIM's state: which ones its state allows is the lifecycle's rule, kept in one place.

/** A form's fields as the API's JSON body, read by the endpoint's parser (blank fields count as absent, as in the API). */
function apiInput<E extends Endpoint>(endpoint: E, body: Record<string, string | null>): z.output<E['request']> {
  return parseInput(endpoint, Buffer.from(JSON.stringify(body)));
}

const detail = (esimTranNo: string, done: string) => redirect(`/console/esims/${encodeURIComponent(esimTranNo)}?done=${done}`);

const STATUS_ACTIONS = [
  { op: 'suspend', label: 'Suspend', endpoint: esimSuspend, verb: suspendEsim, confirm: 'Suspend data service of this eSIM?', danger: false },
  { op: 'unsuspend', label: 'Unsuspend', endpoint: esimUnsuspend, verb: unsuspendEsim, confirm: 'Resume data service of this eSIM?', danger: false },
  { op: 'cancel', label: 'Cancel', endpoint: esimCancel, verb: cancelEsim, confirm: 'Cancel this eSIM? Its price is refunded; it can no longer be installed.', danger: true },
  { op: 'revoke', label: 'Revoke', endpoint: esimRevoke, verb: revokeEsim, confirm: 'Revoke this eSIM for good? It is not refunded.', danger: true },
] as const;

export const esimActionRoutes: ConsoleRoute[] = [
  ...STATUS_ACTIONS.map(({ op, endpoint, verb }) =>
    action(`/console/esims/:esimTranNo/${op}`, { auth: 'merchant' }, async (c) => {
      const input = apiInput(endpoint, { esimTranNo: c.params.esimTranNo ?? '' });
      await verb({ ctx: c.merchant, input });
      return detail(input.esimTranNo!, op);
    }),
  ),

  action('/console/esims/:esimTranNo/topup', { auth: 'merchant' }, async (c) => {
    const f = c.form;
    const input = apiInput(esimTopup, {
      esimTranNo: c.params.esimTranNo ?? '',
      packageCode: f.get('packageCode'),
      transactionId: f.get('transactionId'),
      periodNum: f.get('periodNum'),
    });
    await topUpEsim({ ctx: c.merchant, input });
    return detail(input.esimTranNo!, 'topup');
  }),

  action('/console/esims/:esimTranNo/sms', { auth: 'merchant' }, async (c) => {
    const input = apiInput(sendSms, { esimTranNo: c.params.esimTranNo ?? '', message: c.form.get('message') });
    await sendSmsToEsim({ ctx: c.merchant, input });
    return detail(input.esimTranNo!, 'sms');
  }),
];

export function EsimActions({ esim, topups }: { esim: EsimItem; topups: z.infer<typeof PackageItem>[] }) {
  const base = `/console/esims/${esim.esimTranNo}`;
  return (
    <section aria-labelledby="actions" class="esim-actions">
      <h2 id="actions">Actions</h2>
      <div class="action-buttons">
        {STATUS_ACTIONS.map((a) => (
          <PostForm action={`${base}/${a.op}`} confirm={a.confirm}>
            <button type="submit" class={a.danger ? 'danger' : 'secondary'}>
              {a.label}
            </button>
          </PostForm>
        ))}
      </div>
      <div class="esim-forms">
        <form method="post" action={`${base}/topup`} class="card" hx-confirm="Buy this top-up? Its price is debited from the balance.">
          <CsrfField />
          <h3>Top up</h3>
          <input type="hidden" name="transactionId" value={`console-${randomUUID()}`} />
          {topups.length === 0 ? (
            <p class="hint">No top-up package fits this eSIM's plan.</p>
          ) : (
            <>
              <SelectField
                id="f-topup-package"
                label="Top-up package"
                name="packageCode"
                value={undefined}
                options={topups.map((p) => ({
                  value: p.packageCode,
                  label: `${p.name} · ${formatBytes(p.volume)}${p.dataType === 1 ? '' : ' a day'} · ${p.duration} days · ${formatUnits(p.price)}`,
                }))}
                required
              />
              <Field id="f-topup-days" label="Days (daily top-ups only)" name="periodNum" type="number" min="1" />
              <button type="submit">Buy top-up</button>
            </>
          )}
        </form>
        <form method="post" action={`${base}/sms`} class="card" hx-confirm="Send this SMS to the eSIM?">
          <CsrfField />
          <h3>Send an SMS</h3>
          <TextareaField id="f-sms-message" label="Message" name="message" rows={3} required />
          <button type="submit">Send SMS</button>
        </form>
      </div>
    </section>
  );
}
