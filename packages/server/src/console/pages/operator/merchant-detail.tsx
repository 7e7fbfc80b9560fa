import { formatUnits } from '@esimkit/contract';
import { merchantAccount, recentLedgerEntries, type LedgerLine, type MerchantAccount } from '../../../domain/merchants/account.js';
import { Field, Notice, PostForm, Stat, TextareaField } from '../../components.js';
import { page, view } from '../../routes.js';
import { policyOptions } from './merchants.js';
import { Facts, formatTime, idParam, NoRows, notFound, Select } from './parts.js';

// /console/operator/merchants/:id: one merchant as an operator manages it: funds (deposit,
// adjustment, each with a reason on the ledger), how the API treats it (signature policy,
// rate limit, IP block list), disable/enable, and its newest ledger entries. The forms post
// to merchant-actions.tsx, which answers with a redirect back here (`?done=`).

const DONE: Record<string, string> = {
  deposited: 'The deposit is on the ledger.',
  adjusted: 'The adjustment is on the ledger.',
  settings: 'The API settings are saved; the next request is served with them.',
  blocklist: 'The IP block list is saved; the next request is checked against it.',
  disabled: 'The merchant is disabled: the API refuses its access code (000101).',
  enabled: 'The merchant is enabled again.',
};

export const merchantDetailRoutes = [
  page('/console/operator/merchants/:id', { auth: 'operator' }, async (c) => {
    const id = idParam(c.params.id);
    const merchant = id === undefined ? undefined : await merchantAccount({ ctx: c.ctx, input: { id } });
    if (!merchant) return notFound('There is no such merchant.');
    const ledger = await recentLedgerEntries({ ctx: c.ctx, input: { merchantId: merchant.id, limit: 25 } });
    const done = DONE[c.query.get('done') ?? ''];
    return view(
      merchant.name,
      <>
        <p>
          <a href="/console/operator/merchants">All merchants</a>
        </p>
        {done && <Notice>{done}</Notice>}
        <dl class="stats">
          <Stat label="Balance" value={formatUnits(merchant.balance)} />
          <Stat label="Status" value={merchant.disabled ? 'Disabled' : 'Active'} />
          <Stat label="Access code" value={<code>{merchant.accessCode}</code>} />
        </dl>
        <Facts
          items={[
            ['Signature policy', merchant.signaturePolicy],
            ['Rate limit', merchant.rateLimit === 0 ? 'unlimited' : `${merchant.rateLimit} a second (bursts of ${merchant.rateBurst})`],
            ['Blocked IPs', merchant.ipBlocklist.length ? merchant.ipBlocklist.join(', ') : 'none'],
            ['Webhook URL', merchant.webhookUrl ?? 'none'],
            ['Created', formatTime(merchant.createdAt)],
          ]}
        />
        <Funds merchant={merchant} />
        <ApiSettings merchant={merchant} />
        <Access merchant={merchant} />
        <Ledger entries={ledger} />
      </>,
    );
  }),
];

function Funds({ merchant }: { merchant: MerchantAccount }) {
  const base = `/console/operator/merchants/${merchant.id}`;
  return (
    <section aria-labelledby="funds">
      <h2 id="funds">Funds</h2>
      <div class="op-forms">
        <PostForm action={`${base}/deposit`} class="card">
          <h3>Deposit</h3>
          <Field label="Deposit (USD)" name="amount" required hint="More than 0, for example 50 or 12.3456." />
          <Field label="Reason for the deposit" name="reason" required hint="Kept on the ledger, for example: wire 2026-12." />
          <button type="submit">Deposit</button>
        </PostForm>
        <PostForm action={`${base}/adjust`} class="card" confirm="Adjust this merchant's balance?">
          <h3>Adjust</h3>
          <Field label="Adjustment (USD, negative to debit)" name="adjustAmount" required hint="A debit never takes the balance below zero (200007)." />
          <Field label="Reason for the adjustment" name="adjustReason" required hint="Kept on the ledger, for example: refund of a failed top-up." />
          <button type="submit" class="secondary">
            Adjust
          </button>
        </PostForm>
      </div>
    </section>
  );
}

function ApiSettings({ merchant }: { merchant: MerchantAccount }) {
  const base = `/console/operator/merchants/${merchant.id}`;
  return (
    <section aria-labelledby="api-settings">
      <h2 id="api-settings">Partner API</h2>
      <div class="op-forms">
        <PostForm action={`${base}/settings`} class="card">
          <h3>Signature and rate limit</h3>
          <Select label="Signature policy" name="signaturePolicy" value={merchant.signaturePolicy} options={policyOptions()} />
          <Field label="Rate limit (requests a second)" name="rateLimit" type="number" value={String(merchant.rateLimit)} hint="0 means unlimited." />
          <Field label="Burst (requests)" name="rateBurst" type="number" value={String(merchant.rateBurst)} hint="How many requests may come at once; empty: the rate." />
          <button type="submit">Save</button>
        </PostForm>
        <PostForm action={`${base}/blocklist`} class="card">
          <h3>IP block list</h3>
          <TextareaField
            label="Blocked IPs"
            name="ipBlocklist"
            rows={4}
            value={merchant.ipBlocklist.join('\n')}
            hint="IP addresses or CIDR blocks, one a line or separated by commas; refused with 101002. Empty: none."
          />
          <button type="submit">Save block list</button>
        </PostForm>
      </div>
    </section>
  );
}

function Access({ merchant }: { merchant: MerchantAccount }) {
  const base = `/console/operator/merchants/${merchant.id}`;
  return (
    <section aria-labelledby="access">
      <h2 id="access">Access</h2>
      {merchant.disabled ? (
        <PostForm action={`${base}/enable`} confirm={`Enable ${merchant.name}? Its API access code works again.`}>
          <p>The partner API refuses this merchant's access code (000101) and its console users are refused.</p>
          <button type="submit">Enable merchant</button>
        </PostForm>
      ) : (
        <PostForm action={`${base}/disable`} confirm={`Disable ${merchant.name}? Its API requests are refused until it is enabled again.`}>
          <p>Disabling refuses the merchant's API requests (000101) and its console users. Its eSIMs keep working and its webhooks keep being sent.</p>
          <button type="submit" class="danger">
            Disable merchant
          </button>
        </PostForm>
      )}
    </section>
  );
}

function Ledger({ entries }: { entries: LedgerLine[] }) {
  return (
    <section aria-labelledby="ledger">
      <h2 id="ledger">Newest ledger entries</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Kind</th>
              <th scope="col">Reason or reference</th>
              <th scope="col" class="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 && <NoRows columns={4}>No ledger entries yet.</NoRows>}
            {entries.map((e) => (
              <tr>
                <td>{formatTime(e.createdAt)}</td>
                <td>{e.kind}</td>
                <td>{e.note ?? (e.reference ? <code>{e.reference}</code> : '—')}</td>
                <td class="num">{formatUnits(e.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

