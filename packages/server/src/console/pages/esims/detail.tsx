import { parseWireTime } from '@esimkit/contract';
import { listPackages } from '../../../domain/catalog/list-packages.js';
import { esimPlanHistory } from '../../../domain/esims/plan-history.js';
import { queryEsims } from '../../../domain/esims/query.js';
import { esimSmsMessages, esimTimeline } from '../../../domain/esims/timeline.js';
import { esimUsageHistory } from '../../../domain/esims/usage-history.js';
import { ApiError } from '../../../domain/errors.js';
import { ErrorMessage, Notice, Stat } from '../../components.js';
import { ApiErrorText, page, view, type MerchantPageContext } from '../../routes.js';
import { FactRow, formatBytes, formatTime, StatusBadge } from '../orders/parts.js';
import { EsimActions } from './actions.js';
import { InstallPanel, PlanTable, SmsList, Timeline, UsageChart } from './sections.js';

// /console/esims/:esimTranNo: one eSIM as esim/query shows it (the same verb), its QR code
// and install link, usage over time, timeline, plan and top-ups, SMS, and the actions.

export type EsimItem = Awaited<ReturnType<typeof queryEsims>>['esimList'][number];

/** What the last action did, shown once after its redirect (?done=...). */
const DONE: Record<string, string> = {
  cancel: 'The eSIM is cancelled and its price refunded.',
  suspend: 'The eSIM is suspended.',
  unsuspend: 'The eSIM is resumed.',
  revoke: 'The eSIM is revoked.',
  topup: 'Top-up added.',
  sms: 'SMS sent.',
};

/** esim/query's answer for one eSIM; undefined when it is not the merchant's (310403, as the API answers). */
async function findEsim(c: MerchantPageContext, esimTranNo: string): Promise<EsimItem | undefined> {
  try {
    return (await queryEsims({ ctx: c.merchant, input: { esimTranNo } })).esimList[0];
  } catch (error) {
    if (error instanceof ApiError && error.code === '310403') return undefined;
    throw error;
  }
}

export const esimDetailRoutes = [
  page('/console/esims/:esimTranNo', { auth: 'merchant' }, async (c) => {
    const esimTranNo = c.params.esimTranNo ?? '';
    const esim = await findEsim(c, esimTranNo);
    if (!esim) return view('eSIM not found', <ErrorMessage error={<ApiErrorText code="310403" message="The ICCID or esimTranNo does not exist." />} />, 404);
    const ref = { ctx: c.merchant, input: { esimTranNo } };
    const [timeline, sms, plan, usage, topups] = await Promise.all([
      esimTimeline(ref),
      esimSmsMessages(ref),
      esimPlanHistory(ref),
      esimUsageHistory(ref),
      listPackages(c.merchant, { type: 'TOPUP', esimTranNo }),
    ]);
    const done = DONE[c.query.get('done') ?? ''];
    return view(
      `eSIM ${esimTranNo}`,
      <>
        {done && <Notice>{done}</Notice>}
        <EsimFacts esim={esim} />
        <div class="esim-columns">
          <InstallPanel esim={esim} />
          <UsageChart usage={usage} />
        </div>
        <EsimActions esim={esim} topups={topups} />
        {c.ctx.config.mode === 'sandbox' && (
          <p class="hint">
            Install it on a simulated device, use data, send SMS or move the clock:{' '}
            <a href={`/console/sandbox?esim=${encodeURIComponent(esimTranNo)}`}>this eSIM in the sandbox panel</a>.
          </p>
        )}
        <Timeline events={timeline.eventList} />
        <PlanTable purchases={plan} />
        <SmsList messages={sms.smsList} />
      </>,
    );
  }),
];

function EsimFacts({ esim }: { esim: EsimItem }) {
  const time = (wire: string | null) => formatTime(wire ? parseWireTime(wire)?.getTime() : null);
  return (
    <>
      <dl class="stats">
        <Stat label="Status" value={<StatusBadge status={esim.esimStatus} />} />
        <Stat label="Profile (SM-DP+)" value={<StatusBadge status={esim.smdpStatus} />} />
        <Stat
          label="Data used"
          value={
            <>
              {formatBytes(esim.orderUsage)} of {formatBytes(esim.totalVolume)}
            </>
          }
        />
      </dl>
      <div class="table-wrap">
        <table class="facts">
          <tbody>
            <FactRow label="ICCID" value={<code>{esim.iccid}</code>} />
            <FactRow
              label="Order"
              value={
                <a href={`/console/orders/${encodeURIComponent(esim.orderNo)}`}>
                  <code>{esim.orderNo}</code>
                </a>
              }
            />
            <FactRow label="Plan" value={esim.packageList.map((p) => p.packageName).join(', ')} />
            <FactRow label="Validity" value={`${esim.totalDuration} days`} />
            {/* Before activation, expiredTime is the last day to install (the plan's days start at activation). */}
            <FactRow label={esim.activateTime ? 'Expires' : 'Install by'} value={time(esim.expiredTime)} />
            <FactRow label="Installed" value={time(esim.installationTime)} />
            <FactRow label="Activated" value={time(esim.activateTime)} />
            <FactRow label="MSISDN" value={<code>{esim.msisdn || '—'}</code>} />
            <FactRow label="EID" value={<code>{esim.eid || '—'}</code>} />
            <FactRow label="APN" value={<code>{esim.apn}</code>} />
            <FactRow label="SMS" value={esim.smsStatus === 0 ? 'Not supported' : 'Supported'} />
          </tbody>
        </table>
      </div>
    </>
  );
}

