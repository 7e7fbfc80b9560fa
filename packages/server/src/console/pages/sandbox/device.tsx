import { sandboxAttach, sandboxConsume, sandboxDelete, sandboxDisable, sandboxEnable, sandboxInstall, sandboxSmsReceive, sandboxSmsSend } from '@esimkit/contract';
import type { queryEsims } from '../../../domain/esims/query.js';
import {
  sandboxAttach as attach,
  sandboxConsume as consume,
  sandboxInstallProfile,
  sandboxProfileAction,
  sandboxReceiveSms,
  sandboxSendSms,
} from '../../../domain/sandbox/device.js';
import { CheckboxField, PostForm } from '../../components.js';
import { action, redirect, type MerchantPageContext } from '../../routes.js';
import { BYTES_PER_MB, esimRef, formatBytes, Input, numberField, panelUrl, readableTime, readAs, requireSandbox } from './parts.js';

// The simulated handset and network acting on one of the merchant's eSIMs: each form POSTs
// to the verb behind the matching sandbox/v1/esim/* endpoint, its fields read by that
// endpoint's parser. Another merchant's eSIM answers 310403, as the API does.

export type EsimItem = Awaited<ReturnType<typeof queryEsims>>['esimList'][number];

const disable = sandboxProfileAction('disable');
const enable = sandboxProfileAction('enable');
const remove = sandboxProfileAction('delete');

/** The eSIM's statuses and figures, as esim/query answers them. */
export function EsimState({ esim }: { esim: EsimItem }) {
  return (
    <div class="table-wrap">
      <table class="sandbox-esim">
        <tbody>
          <tr>
            <th scope="row">esimTranNo</th>
            <td>
              <code>{esim.esimTranNo}</code>
            </td>
          </tr>
          <tr>
            <th scope="row">ICCID</th>
            <td>
              <code>{esim.iccid}</code>
            </td>
          </tr>
          <tr>
            <th scope="row">Plan status (esimStatus)</th>
            <td>
              <code data-testid="esim-status">{esim.esimStatus}</code>
            </td>
          </tr>
          <tr>
            <th scope="row">Profile status (smdpStatus)</th>
            <td>
              <code data-testid="smdp-status">{esim.smdpStatus}</code>
            </td>
          </tr>
          <tr>
            <th scope="row">Data used</th>
            <td data-testid="esim-usage">
              {formatBytes(esim.orderUsage)} of {formatBytes(esim.totalVolume)}
            </td>
          </tr>
          <tr>
            <th scope="row">EID</th>
            <td>{esim.eid ? <code>{esim.eid}</code> : '—'}</td>
          </tr>
          <tr>
            <th scope="row">Activated</th>
            <td>{readableTime(esim.activateTime)}</td>
          </tr>
          <tr>
            <th scope="row">Expires</th>
            <td>{readableTime(esim.expiredTime)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** The one-click device actions, in the order the panel shows them. */
const deviceButtons: { action: string; label: string; style?: string; confirm?: string }[] = [
  { action: 'attach', label: 'Attach to network' },
  { action: 'enable', label: 'Enable profile', style: 'secondary' },
  { action: 'disable', label: 'Disable profile', style: 'secondary', confirm: 'Disable this profile on the device?' },
  { action: 'delete', label: 'Delete profile', style: 'danger', confirm: 'Delete this profile from the device? It cannot be enabled again.' },
];

/** Every device and network action on one eSIM. */
export function DeviceActions({ esimTranNo: esim }: { esimTranNo: string }) {
  const Hidden = () => <input type="hidden" name="esim" value={esim} />;
  return (
    <div class="sandbox-forms">
      <PostForm action="/console/sandbox/esim/install" class="card">
        <h3>Install on a device</h3>
        <Hidden />
        <Input id="install-eid" label="EID (optional)" name="eid" inputmode="numeric" hint="32 digits; one is made up when empty." />
        <CheckboxField id="install-fail" label="Make the download fail" name="fail" class="sandbox-check" />
        <button type="submit">Install</button>
      </PostForm>
      <div class="card">
        <h3>Device</h3>
        <div class="sandbox-buttons">
          {deviceButtons.map((b) => (
            <PostForm action={`/console/sandbox/esim/${b.action}`} {...(b.confirm ? { confirm: b.confirm } : {})}>
              <Hidden />
              <button type="submit" {...(b.style ? { class: b.style } : {})}>
                {b.label}
              </button>
            </PostForm>
          ))}
        </div>
      </div>
      <PostForm action="/console/sandbox/esim/consume" class="card">
        <h3>Use data</h3>
        <Hidden />
        <Input id="consume-mb" label="Amount (MB)" name="mb" type="number" min="0" step="any" value="100" required inputmode="decimal" />
        <button type="submit">Consume data</button>
      </PostForm>
      <PostForm action="/console/sandbox/esim/sms/receive" class="card">
        <h3>SMS to the device</h3>
        <Hidden />
        <Input id="sms-in-message" label="Message" name="message" required />
        <Input id="sms-in-from" label="From (optional)" name="from" type="tel" hint="A phone number; empty: sent through the API's path." />
        <button type="submit">Send to the device</button>
      </PostForm>
      <PostForm action="/console/sandbox/esim/sms/send" class="card">
        <h3>SMS from the device</h3>
        <Hidden />
        <Input id="sms-out-message" label="Message" name="message" required />
        <Input id="sms-out-to" label="To" name="to" type="tel" required hint="E.164 digits, e.g. +447700900123." />
        <button type="submit">Send from the device</button>
      </PostForm>
    </div>
  );
}

/** MB typed in the form as the API's `bytes` (1 MB = 1,048,576 bytes, like plan volumes). */
function megabytesToBytes(raw: string | null): number | string | undefined {
  const mb = numberField(raw);
  return typeof mb === 'number' ? Math.round(mb * BYTES_PER_MB) : mb;
}

function backToEsim(c: MerchantPageContext, done: string, figures: Record<string, string | number | boolean> = {}) {
  return redirect(panelUrl({ esim: c.form.get('esim') ?? undefined, done, figures, section: 'device' }));
}

export const deviceRoutes = [
  action('/console/sandbox/esim/install', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const input = readAs(sandboxInstall, { ...esimRef(c.form.get('esim')), eid: c.form.get('eid'), fail: c.form.get('fail') === '1' ? true : undefined });
    const state = await sandboxInstallProfile({ ctx: c.merchant, input });
    return backToEsim(c, 'install', { smdp: state.smdpStatus, plan: state.esimStatus });
  }),
  ...(
    [
      ['disable', sandboxDisable, disable],
      ['enable', sandboxEnable, enable],
      ['delete', sandboxDelete, remove],
      ['attach', sandboxAttach, attach],
    ] as const
  ).map(([name, endpoint, verb]) =>
    action(`/console/sandbox/esim/${name}`, { auth: 'merchant' }, async (c) => {
      requireSandbox(c);
      const state = await verb({ ctx: c.merchant, input: readAs(endpoint, esimRef(c.form.get('esim'))) });
      return backToEsim(c, name, { smdp: state.smdpStatus, plan: state.esimStatus });
    }),
  ),
  action('/console/sandbox/esim/consume', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const input = readAs(sandboxConsume, { ...esimRef(c.form.get('esim')), bytes: megabytesToBytes(c.form.get('mb')) });
    const used = await consume({ ctx: c.merchant, input });
    return backToEsim(c, 'consume', { consumed: used.consumed, throttled: used.throttled, cutOff: used.cutOff });
  }),
  action('/console/sandbox/esim/sms/receive', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const input = readAs(sandboxSmsReceive, { ...esimRef(c.form.get('esim')), message: c.form.get('message'), from: c.form.get('from') });
    await sandboxReceiveSms({ ctx: c.merchant, input });
    return backToEsim(c, 'sms-receive');
  }),
  action('/console/sandbox/esim/sms/send', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const input = readAs(sandboxSmsSend, { ...esimRef(c.form.get('esim')), message: c.form.get('message'), to: c.form.get('to') });
    await sandboxSendSms({ ctx: c.merchant, input });
    return backToEsim(c, 'sms-send');
  }),
];
