import { dollarsToUnits, formatUnits, sandboxDeposit, sandboxReset } from '@esimkit/contract';
import { depositTestFunds } from '../../../domain/sandbox/funds.js';
import { resetSandbox } from '../../../domain/sandbox/reset.js';
import { PostForm, Stat } from '../../components.js';
import { action, redirect } from '../../routes.js';
import { Input, panelUrl, readAs, requireSandbox, Section } from './parts.js';

// Test funds (sandbox/v1/funds/deposit) and the sandbox reset (sandbox/v1/reset), each
// through its verb: a deposit is a ledger entry, a reset empties the merchant's sandbox and
// sets the balance through an adjustment entry, and puts its clock back to real time.

/** Dollars typed in a form as the API's units; anything else is passed on for the API's refusal. */
function dollarsField(raw: string | null): number | string | undefined {
  const text = (raw ?? '').trim();
  if (text === '') return undefined;
  try {
    return dollarsToUnits(text);
  } catch {
    return text;
  }
}

export function FundsSection({ balance, esim }: { balance: number; esim: string | undefined }) {
  return (
    <Section id="funds" title="Test funds">
      <dl class="stats">
        <Stat label="Balance" value={<span data-testid="sandbox-balance">{formatUnits(balance)}</span>} />
      </dl>
      <PostForm action="/console/sandbox/funds" class="card form-narrow">
        <input type="hidden" name="esim" value={esim ?? ''} />
        <Input id="funds-amount" label="Add (USD)" name="amount" value="50" required inputmode="decimal" hint="At most $10,000 at a time." />
        <button type="submit">Add test funds</button>
      </PostForm>
    </Section>
  );
}

export function ResetSection({ balance }: { balance: number }) {
  return (
    <Section id="reset" title="Reset" stay={false}>
      <PostForm
        action="/console/sandbox/reset"
        class="card form-narrow"
        confirm="Reset the sandbox? Every order, eSIM, top-up, message, webhook event and fault of your merchant is removed, and the clock goes back to real time."
      >
        <p>
          Removes your merchant's orders, eSIMs, top-ups, messages, webhook events and faults, and puts your clock back to real time. The
          ledger keeps its history: the balance is set by an adjustment entry.
        </p>
        <Input id="reset-balance" label="Balance after the reset (USD)" name="balance" value={formatUnits(balance).replace('$', '')} inputmode="decimal" hint="Empty: $0.00." />
        <button type="submit" class="danger">
          Reset the sandbox
        </button>
      </PostForm>
    </Section>
  );
}

export const fundsRoutes = [
  action('/console/sandbox/funds', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const input = readAs(sandboxDeposit, { amount: dollarsField(c.form.get('amount')) });
    const { balance } = await depositTestFunds({ ctx: c.merchant, input });
    return redirect(panelUrl({ esim: c.form.get('esim') ?? undefined, done: 'funds', figures: { added: input.amount, balance }, section: 'funds' }));
  }),
  action('/console/sandbox/reset', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const input = readAs(sandboxReset, { balance: dollarsField(c.form.get('balance')) });
    const { balance, removedEsims } = await resetSandbox({ ctx: c.merchant, input });
    return redirect(panelUrl({ done: 'reset', figures: { removed: removedEsims, balance } }));
  }),
];
