import { formatUnits, signaturePolicies } from '@esimkit/contract';
import type { Mode } from '../../../config.js';
import type { SignaturePolicy } from '../../../db/schema.js';
import { splitBlocklist } from '../../../domain/merchants/blocklist.js';
import { createMerchant, defaultSignaturePolicy, type CreatedMerchant } from '../../../domain/merchants/create.js';
import { listMerchants, type MerchantSummary } from '../../../domain/merchants/list.js';
import { Field, PostForm, TextareaField } from '../../components.js';
import { action, page, view } from '../../routes.js';
import { dollarsToUnits, Filters, MerchantLink, NoRows, Select } from './parts.js';

// /console/operator/merchants: every merchant (search by name or access code), and a new
// merchant made through createMerchant, the verb `esimkit merchant create` calls. The new
// credentials are shown once, on the answer to the form; the secret key is never shown again.

export const merchantListRoutes = [
  page('/console/operator/merchants', { auth: 'operator' }, async (c) => {
    const search = c.query.get('q')?.trim() ?? '';
    const merchants = await listMerchants({ ctx: c.ctx, input: { search } });
    return view(
      'Merchants',
      <>
        <p class="actions-row">
          <a class="button" href="/console/operator/merchants/new">
            New merchant
          </a>
        </p>
        <Filters action="/console/operator/merchants" label="Search merchants" active={search !== ''}>
          <Field label="Name or access code" name="q" type="search" value={search} />
        </Filters>
        <MerchantTable merchants={merchants} searched={search !== ''} />
      </>,
    );
  }),

  page('/console/operator/merchants/new', { auth: 'operator' }, (c) => view('New merchant', <NewMerchantForm mode={c.ctx.config.mode} />)),

  action('/console/operator/merchants', { auth: 'operator' }, async (c) => {
    const f = c.form;
    const policy = signaturePolicies.find((p) => p === f.get('signaturePolicy'));
    const opening = f.get('balance')?.trim() ? dollarsToUnits(f.get('balance')) : 0;
    const created = await createMerchant({
      ctx: c.ctx,
      input: {
        name: f.get('name') ?? '',
        balance: opening,
        rateLimit: f.get('rateLimit')?.trim() ? Number(f.get('rateLimit')) : 8,
        ...(policy ? { signaturePolicy: policy } : {}),
        ipBlocklist: splitBlocklist(f.get('ipBlocklist') ?? ''),
      },
    });
    return view('Merchant created', <Credentials merchant={created} />, 201);
  }),
];

export function MerchantTable({ merchants, searched }: { merchants: MerchantSummary[]; searched: boolean }) {
  return (
    <div class="table-wrap">
      <table class="op-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" class="num">
              Balance
            </th>
            <th scope="col">Status</th>
            <th scope="col">Signature policy</th>
            <th scope="col" class="num">
              Rate limit
            </th>
            <th scope="col">Access code</th>
          </tr>
        </thead>
        <tbody>
          {merchants.length === 0 && <NoRows columns={6}>{searched ? 'No merchant matches this search.' : 'No merchants yet.'}</NoRows>}
          {merchants.map((m) => (
            <tr>
              <th scope="row">
                <MerchantLink id={m.id} name={m.name} />
              </th>
              <td class="num">{formatUnits(m.balance)}</td>
              <td>{m.disabled ? <span class="badge op-disabled">Disabled</span> : 'Active'}</td>
              <td>{m.signaturePolicy}</td>
              <td class="num">{m.rateLimit === 0 ? 'unlimited' : `${m.rateLimit}/s`}</td>
              <td>
                <code>{m.accessCode}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const POLICY_HINTS: Record<SignaturePolicy, string> = {
  off: 'never checked',
  warn: 'checked; problems served with a warning header',
  optional: 'checked when sent; problems refused',
  required: 'every request must be signed',
};

export function policyOptions(): [string, string][] {
  return signaturePolicies.map((p) => [p, `${p}: ${POLICY_HINTS[p]}`]);
}

function NewMerchantForm({ mode }: { mode: Mode }) {
  const policy = defaultSignaturePolicy(mode);
  return (
    <PostForm action="/console/operator/merchants" class="card form-narrow">
      <Field label="Name" name="name" required autofocus />
      <Field label="Opening balance (USD)" name="balance" value="0" hint="Written to the ledger as a deposit, for example 100 or 12.50." />
      <Field label="Rate limit (requests a second)" name="rateLimit" type="number" value="8" hint="8 is the live service's limit; 0 means unlimited." />
      <Select label="Signature policy" name="signaturePolicy" value={policy} options={policyOptions()} />
      <p class="hint">Default in {mode} mode: {policy}.</p>
      <TextareaField label="Blocked IPs" name="ipBlocklist" rows={3} hint="IP addresses or CIDR blocks, separated by commas or lines; their requests are refused with 101002." />
      <button type="submit">Create merchant</button>
    </PostForm>
  );
}

function Credentials({ merchant }: { merchant: CreatedMerchant }) {
  return (
    <>
      <div class="alert alert-ok" role="status">
        {merchant.name} is created. Copy the secret key now: it is shown only this once.
      </div>
      <dl class="op-facts op-credentials">
        <dt>Access code</dt>
        <dd>
          <code data-testid="access-code">{merchant.accessCode}</code>
        </dd>
        <dt>Secret key</dt>
        <dd>
          <code data-testid="secret-key">{merchant.secretKey}</code>
        </dd>
        <dt>Signature policy</dt>
        <dd>{merchant.signaturePolicy}</dd>
        <dt>Rate limit</dt>
        <dd>{merchant.rateLimit === 0 ? 'unlimited' : `${merchant.rateLimit} a second (bursts of ${merchant.rateBurst})`}</dd>
        <dt>Balance</dt>
        <dd>{formatUnits(merchant.balance)}</dd>
      </dl>
      <p>
        <a href={`/console/operator/merchants/${merchant.id}`}>Go to {merchant.name}</a>
      </p>
    </>
  );
}
