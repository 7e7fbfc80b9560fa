import { formatUnits } from '@esimkit/contract';
import { queryBalance } from '../../../domain/balance/query.js';
import { ApiError } from '../../../domain/errors.js';
import { queryEsims } from '../../../domain/esims/query.js';
import { searchEsims, type EsimSummary } from '../../../domain/esims/search.js';
import { isEsimStatus, isSmdpStatus } from '../../../domain/lifecycle/states.js';
import { readClock } from '../../../domain/sandbox/clock.js';
import { getFaults } from '../../../domain/sandbox/faults.js';
import { ErrorMessage, Field, Notice } from '../../components.js';
import { ApiErrorText, page, view, type MerchantPageContext } from '../../routes.js';
import { ClockSection } from './clock.js';
import { DeviceActions, EsimState, type EsimItem } from './device.js';
import { FaultsSection } from './faults.js';
import { FundsSection, ResetSection } from './funds.js';
import { DoneContext, esimRef, formatBytes, PANEL, requireSandbox, Section, type Done } from './parts.js';

// /console/sandbox: the sandbox panel, one page of sections (clock, an eSIM's device and
// network, faults, test funds, reset), each read through the sandbox API's verbs. The eSIM
// is picked by `?esim=` (esimTranNo or ICCID), so other pages link to it.

/** The picked eSIM as esim/query answers it; the API's refusal (310403 when not the merchant's) is shown in its place. */
async function loadEsim(c: MerchantPageContext, ref: string): Promise<{ esim?: EsimItem; error?: ApiError }> {
  try {
    const { esimList } = await queryEsims({ ctx: c.merchant, input: esimRef(ref) });
    return esimList[0] ? { esim: esimList[0] } : { error: new ApiError('310403', 'The ICCID or esimTranNo does not exist.') };
  } catch (error) {
    // Only the lookup's refusal is shown in the section; the rest of the panel still works.
    if (error instanceof ApiError) return { error };
    throw error;
  }
}

/** How many of the merchant's newest eSIMs the picker lists. */
const LATEST_ESIMS = 10;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** What the action just done did, from the figures its redirect carries. */
function doneMessage(q: URLSearchParams): Done | undefined {
  const n = (key: string) => Number(q.get(key) ?? 0) || 0;
  const statuses = () => {
    const smdp = q.get('smdp') ?? '';
    const plan = q.get('plan') ?? '';
    return isSmdpStatus(smdp) && isEsimStatus(plan) ? ` Profile ${smdp}, plan ${plan}.` : '';
  };
  switch (q.get('done')) {
    case 'advanced':
      return { section: 'clock', text: `Clock advanced: ${count(n('jobs'), 'background job')} run, ${count(n('warned'), 'validity warning')}, ${count(n('reset'), 'daily allowance')} reset, ${count(n('expired'), 'eSIM')} expired.` };
    case 'install':
      // With "make the download fail", the profile is released again rather than installed.
      return { section: 'device', text: q.get('smdp') === 'RELEASED' ? `The download broke off.${statuses()}` : `Installed on the device.${statuses()}` };
    case 'attach':
      return { section: 'device', text: `Attached to the network.${statuses()}` };
    case 'enable':
      return { section: 'device', text: `Profile enabled.${statuses()}` };
    case 'disable':
      return { section: 'device', text: `Profile disabled.${statuses()}` };
    case 'delete':
      return { section: 'device', text: `Profile deleted from the device.${statuses()}` };
    case 'consume':
      return { section: 'device', text: `Used ${formatBytes(n('consumed'))} of data.${q.get('throttled') === 'true' ? ' The speed is throttled.' : ''}${q.get('cutOff') === 'true' ? ' The data is cut off.' : ''}` };
    case 'sms-receive':
      return { section: 'device', text: 'SMS delivered to the device.' };
    case 'sms-send':
      return { section: 'device', text: 'SMS sent from the device.' };
    case 'fault-rule':
      return { section: 'faults', text: 'Fault rule added.' };
    case 'fault-settings':
      return { section: 'faults', text: 'Busy answers and allocation saved.' };
    case 'faults-cleared':
      return { section: 'faults', text: 'Every fault is cleared.' };
    case 'funds':
      return { section: 'funds', text: `Added ${formatUnits(n('added'))} of test funds. Balance: ${formatUnits(n('balance'))}.` };
    case 'reset':
      return { section: 'top', text: `Sandbox reset: ${count(n('removed'), 'eSIM')} removed, the clock is back to real time. Balance: ${formatUnits(n('balance'))}.` };
    default:
      return undefined;
  }
}

export const panelRoutes = [
  page(PANEL, { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const ref = c.query.get('esim')?.trim() || undefined;
    const [clock, plan, balance, picked, latest] = await Promise.all([
      readClock({ ctx: c.merchant }),
      getFaults({ ctx: c.merchant }),
      queryBalance({ ctx: c.merchant }),
      ref ? loadEsim(c, ref) : Promise.resolve(undefined),
      searchEsims({ ctx: c.merchant, input: { pageNum: 1, pageSize: LATEST_ESIMS } }),
    ]);
    const done = doneMessage(c.query);
    const esim = picked?.esim?.esimTranNo;
    return view(
      'Sandbox',
      <>
        {done?.section === 'top' && <Notice>{done.text}</Notice>}
        <DoneContext.Provider value={done}>
        <ClockSection now={clock.now} offsetSeconds={clock.offsetSeconds} esim={esim} />
        <Section id="device" title="Device and network">
          <form method="get" action={PANEL} class="card sandbox-pick">
            <Field id="pick-esim" label="eSIM (esimTranNo or ICCID)" name="esim" type="search" value={ref ?? ''} inputmode="numeric" required />
            <button type="submit">Show</button>
          </form>
          {picked?.error && <ErrorMessage error={<ApiErrorText code={picked.error.code} message={picked.error.message} />} />}
          {picked?.esim && (
            <>
              <EsimState esim={picked.esim} />
              <DeviceActions esimTranNo={picked.esim.esimTranNo} />
            </>
          )}
          <LatestEsims esims={latest.esims} open={!picked?.esim} />
        </Section>
        <FaultsSection plan={plan} esim={esim} />
        <FundsSection balance={balance.balance} esim={esim} />
        <ResetSection balance={balance.balance} />
        </DoneContext.Provider>
      </>,
    );
  }),
];

/** The merchant's newest eSIMs, each a link that picks it (open while none is picked). */
function LatestEsims({ esims, open }: { esims: EsimSummary[]; open: boolean }) {
  if (esims.length === 0) {
    return (
      <p class="hint">
        No eSIMs yet: <a href="/console/orders/new">order one</a>, then install it on a simulated device here, use data or send SMS.
      </p>
    );
  }
  return (
    <details class="sandbox-latest" open={open}>
      <summary>Your latest eSIMs</summary>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">esimTranNo</th>
              <th scope="col">ICCID</th>
              <th scope="col">Package</th>
              <th scope="col">Plan</th>
              <th scope="col">Profile</th>
            </tr>
          </thead>
          <tbody>
            {esims.map((e) => (
              <tr>
                <th scope="row">
                  <a href={`${PANEL}?esim=${encodeURIComponent(e.esimTranNo)}#device`}>{e.esimTranNo}</a>
                </th>
                <td>
                  <code>{e.iccid}</code>
                </td>
                <td>
                  <code>{e.packageCode}</code>
                </td>
                <td>
                  <code>{e.esimStatus}</code>
                </td>
                <td>
                  <code>{e.smdpStatus}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
