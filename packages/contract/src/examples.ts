import type { z } from 'zod';
import type { Endpoint } from './endpoint.js';
import * as api from './endpoints/index.js';
import * as sandbox from './endpoints/sandbox.js';
import type { NotifyType, webhookEventSchemas } from './webhook-events.js';

// One example request and one example answer (`obj`) per endpoint, and one body per webhook
// event: the OpenAPI and AsyncAPI documents and /docs show them. They tell one story (a
// Japan plan ordered, installed, used and topped up) so the identifiers agree from one
// example to the next. Typed against the schemas, and a test parses each with its
// endpoint's schemas, so they cannot drift from the contract.

export interface EndpointExample<E extends Endpoint = Endpoint> {
  request: z.input<E['request']>;
  response: z.output<E['response']>;
}

const ORDER_NO = 'B26031409150007';
const ESIM_TRAN_NO = '26031409150007';
const TOPUP_ESIM_TRAN_NO = '26031512400003';
const TRANSACTION_ID = 'shop-order-10452';
const ICCID = '8985242000000000416';
const EID = '89049032007108882600137544319616';
const BASE_URL = 'https://esim.example.com';
const NOTIFY_ID = '5f1c9a0e2b7d4c3f8e6a1b2c3d4e5f60';

const examples = new Map<string, EndpointExample>();

function example<E extends Endpoint>(endpoint: E, value: EndpointExample<E>): void {
  examples.set(endpoint.name, value as EndpointExample);
}

/** The example of an endpoint, by its name (`esim.order`); undefined when there is none. */
export function exampleOf(name: string): EndpointExample | undefined {
  return examples.get(name);
}

// --- the partner API ---------------------------------------------------------------------

example(api.packageList, {
  request: { locationCode: 'JP', type: 'BASE' },
  response: {
    packageList: [
      {
        packageCode: 'JC063',
        slug: 'JP_1_7',
        name: 'Japan 1GB 7Days',
        price: 7000,
        currencyCode: 'USD',
        volume: 1073741824,
        smsStatus: 2,
        dataType: 1,
        unusedValidTime: 180,
        duration: 7,
        durationUnit: 'DAY',
        location: 'JP',
        locationCode: 'JP',
        description: 'Japan 1GB 7Days',
        activeType: 2,
        favorite: false,
        retailPrice: 11000,
        speed: '5G',
        ipExport: 'HK',
        supportTopUpType: 2,
        fupPolicy: '',
        locationNetworkList: [
          {
            locationName: 'Japan',
            locationLogo: `${BASE_URL}/img/flags/jp.svg`,
            locationCode: 'JP',
            operatorList: [
              { operatorName: 'KDDI/au', networkType: '5G' },
              { operatorName: 'SoftBank', networkType: '5G' },
            ],
          },
        ],
      },
    ],
  },
});

example(api.esimOrder, {
  request: { transactionId: TRANSACTION_ID, amount: 7000, packageInfoList: [{ packageCode: 'JC063', count: 1, price: 7000 }] },
  response: { orderNo: ORDER_NO, transactionId: TRANSACTION_ID },
});

example(api.esimQuery, {
  request: { orderNo: ORDER_NO, pager: { pageNum: 1, pageSize: 20 } },
  response: {
    esimList: [
      {
        esimTranNo: ESIM_TRAN_NO,
        orderNo: ORDER_NO,
        transactionId: TRANSACTION_ID,
        imsi: '454421239802466',
        iccid: ICCID,
        msisdn: '',
        smsStatus: 2,
        dataType: 1,
        ac: 'LPA:1$smdp.esimkit.dev$0EB789147EA4F796114ED68BBDBA336D',
        qrCodeUrl: `${BASE_URL}/qr/0cbb76ebd6bfcd7bb3e9e334e81897db.png`,
        shortUrl: `${BASE_URL}/s/0cbb76ebd6bfcd7bb3e9e334e81897db`,
        smdpStatus: 'ENABLED',
        eid: EID,
        activeType: 2,
        expiredTime: '2026-03-21T11:02:40+0000',
        totalVolume: 1073741824,
        totalDuration: 7,
        durationUnit: 'DAY',
        orderUsage: 214748364,
        esimStatus: 'IN_USE',
        pin: '1026',
        puk: '64442742',
        apn: 'esimkit',
        activateTime: '2026-03-14T11:02:40+0000',
        installationTime: '2026-03-14T10:47:12+0000',
        packageList: [
          {
            packageName: 'Japan 1GB 7Days',
            packageCode: 'JC063',
            slug: 'JP_1_7',
            duration: 7,
            volume: 1073741824,
            locationCode: 'JP',
            createTime: '2026-03-14T09:15:03+0000',
          },
        ],
      },
    ],
    pager: { pageSize: 20, pageNum: 1, total: 1 },
  },
});

example(api.esimCancel, { request: { esimTranNo: ESIM_TRAN_NO }, response: {} });
example(api.esimSuspend, { request: { esimTranNo: ESIM_TRAN_NO }, response: {} });
example(api.esimUnsuspend, { request: { iccid: ICCID }, response: {} });
example(api.esimRevoke, { request: { esimTranNo: ESIM_TRAN_NO }, response: {} });

example(api.balanceQuery, {
  request: {},
  response: { balance: 9993000, lastUpdateTime: '2026-03-14T09:15:03+0000' },
});

example(api.esimTopup, {
  request: { esimTranNo: ESIM_TRAN_NO, packageCode: 'TOPUP_JC063', transactionId: 'shop-topup-2210', amount: 7000 },
  response: {
    transactionId: 'shop-topup-2210',
    iccid: ICCID,
    topUpEsimTranNo: TOPUP_ESIM_TRAN_NO,
    expiredTime: '2026-03-28T11:02:40+0000',
    totalVolume: 2147483648,
    totalDuration: 14,
    orderUsage: 858993459,
  },
});

example(api.sendSms, { request: { esimTranNo: ESIM_TRAN_NO, message: 'Welcome to Japan: your plan is active.' }, response: {} });

example(api.usageQuery, {
  request: { esimTranNoList: [ESIM_TRAN_NO] },
  response: {
    esimUsageList: [{ esimTranNo: ESIM_TRAN_NO, dataUsage: 858993459, totalData: 1073741824, lastUpdateTime: '2026-03-15T08:00:00+0000' }],
  },
});

example(api.locationList, {
  request: {},
  response: {
    locationList: [
      { code: 'JP', name: 'Japan', type: 1, subLocationList: null },
      {
        code: 'AUNZ-2',
        name: 'Australia & New Zealand',
        type: 2,
        subLocationList: [
          { code: 'AU', name: 'Australia' },
          { code: 'NZ', name: 'New Zealand' },
        ],
      },
    ],
  },
});

example(api.webhookSave, {
  request: { webhook: 'https://shop.example.com/hooks/esim' },
  response: { webhook: 'https://shop.example.com/hooks/esim' },
});

example(api.webhookQuery, { request: {}, response: { webhook: 'https://shop.example.com/hooks/esim' } });

// --- esimkit's additions -----------------------------------------------------------------

example(api.esimSmsList, {
  request: { esimTranNo: ESIM_TRAN_NO },
  response: {
    smsList: [
      { direction: 'MT', message: 'Welcome to Japan: your plan is active.', createTime: '2026-03-14T11:05:00+0000' },
      { direction: 'MO', message: 'Thanks!', createTime: '2026-03-14T11:06:31+0000' },
    ],
  },
});

example(api.esimTimeline, {
  request: { esimTranNo: ESIM_TRAN_NO },
  response: {
    eventList: [
      { field: 'esimStatus', from: null, to: 'GOT_RESOURCE', actor: 'system', time: '2026-03-14T09:15:03+0000' },
      { field: 'smdpStatus', from: null, to: 'RELEASED', actor: 'system', time: '2026-03-14T09:15:03+0000' },
      { field: 'smdpStatus', from: 'RELEASED', to: 'DOWNLOAD', actor: 'device', time: '2026-03-14T10:47:10+0000' },
      { field: 'smdpStatus', from: 'DOWNLOAD', to: 'INSTALLATION', actor: 'device', time: '2026-03-14T10:47:11+0000' },
      { field: 'smdpStatus', from: 'INSTALLATION', to: 'ENABLED', actor: 'device', time: '2026-03-14T10:47:12+0000' },
      { field: 'esimStatus', from: 'GOT_RESOURCE', to: 'IN_USE', actor: 'device', time: '2026-03-14T10:47:12+0000' },
    ],
  },
});

const orderStatusBody =
  `{"notifyType":"ORDER_STATUS","eventGenerateTime":"2026-03-14T09:15:03Z","notifyId":"${NOTIFY_ID}",` +
  `"content":{"orderNo":"${ORDER_NO}","orderStatus":"GOT_RESOURCE","transactionId":"${TRANSACTION_ID}"}}`;

example(api.webhookLog, {
  request: { status: 'delivered', notifyType: 'ORDER_STATUS', pager: { pageNum: 1, pageSize: 20 } },
  response: {
    eventList: [
      {
        notifyId: NOTIFY_ID,
        notifyType: 'ORDER_STATUS',
        status: 'delivered',
        attempts: 2,
        createTime: '2026-03-14T09:15:03+0000',
        deliveredTime: '2026-03-14T09:15:08+0000',
        nextAttemptTime: null,
        body: orderStatusBody,
        attemptList: [
          {
            attempt: 1,
            time: '2026-03-14T09:15:03+0000',
            url: 'https://shop.example.com/hooks/esim',
            statusCode: 503,
            latencyMs: 41,
            response: 'Service Unavailable',
            error: null,
          },
          { attempt: 2, time: '2026-03-14T09:15:08+0000', url: 'https://shop.example.com/hooks/esim', statusCode: 200, latencyMs: 23, response: 'ok', error: null },
        ],
      },
    ],
    pager: { pageSize: 20, pageNum: 1, total: 1 },
  },
});

example(api.webhookRedeliver, { request: { failedSince: '2026-03-14T00:00+00:00' }, response: { redelivered: 3 } });

example(api.webhookSecretRotate, {
  request: { overlapSeconds: 3600 },
  response: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', previousValidUntil: '2026-03-14T10:15:00+0000' },
});

example(api.webhookSecretDisable, { request: {}, response: {} });

// --- the sandbox API ---------------------------------------------------------------------

example(sandbox.sandboxClockGet, { request: {}, response: { now: '2026-03-14T11:10:00+0000', offsetSeconds: 0 } });

example(sandbox.sandboxClockAdvance, {
  request: { seconds: 7 * 86_400 },
  response: { now: '2026-03-21T11:10:00+0000', offsetSeconds: 604_800, jobs: 4, warned: 1, reset: 0, expired: 1 },
});

example(sandbox.sandboxInstall, {
  request: { esimTranNo: ESIM_TRAN_NO, eid: EID },
  response: { esimTranNo: ESIM_TRAN_NO, eid: EID, smdpStatus: 'ENABLED', esimStatus: 'IN_USE' },
});

example(sandbox.sandboxDisable, {
  request: { esimTranNo: ESIM_TRAN_NO },
  response: { esimTranNo: ESIM_TRAN_NO, smdpStatus: 'DISABLED', esimStatus: 'IN_USE' },
});

example(sandbox.sandboxEnable, {
  request: { esimTranNo: ESIM_TRAN_NO },
  response: { esimTranNo: ESIM_TRAN_NO, smdpStatus: 'ENABLED', esimStatus: 'IN_USE' },
});

example(sandbox.sandboxDelete, {
  request: { iccid: ICCID },
  response: { esimTranNo: ESIM_TRAN_NO, smdpStatus: 'DELETED', esimStatus: 'IN_USE' },
});

example(sandbox.sandboxAttach, {
  request: { esimTranNo: ESIM_TRAN_NO },
  response: {
    esimTranNo: ESIM_TRAN_NO,
    smdpStatus: 'ENABLED',
    esimStatus: 'IN_USE',
    activateTime: '2026-03-14T11:02:40+0000',
    expiredTime: '2026-03-21T11:02:40+0000',
  },
});

example(sandbox.sandboxConsume, {
  request: { esimTranNo: ESIM_TRAN_NO, bytes: 500_000_000 },
  response: { esimTranNo: ESIM_TRAN_NO, consumed: 500_000_000, networkUsage: 714_748_364, dailyUsage: 500_000_000, throttled: false, cutOff: false },
});

example(sandbox.sandboxSmsReceive, {
  request: { esimTranNo: ESIM_TRAN_NO, message: 'Your verification code is 4821', from: '+447700900123' },
  response: {},
});

example(sandbox.sandboxSmsSend, { request: { esimTranNo: ESIM_TRAN_NO, message: 'Thanks!', to: '+447700900123' }, response: {} });

const faultPlan = {
  rules: [{ endpoint: 'esim.order', errorCode: '200007' as const, remaining: 2 }],
  busyShare: 0.1,
  allocation: { delayMs: 20_000, fail: false },
};

example(sandbox.sandboxFaultsSet, {
  request: { rules: [{ endpoint: 'esim.order', errorCode: '200007', count: 2 }], busyShare: 0.1, allocation: { delayMs: 20_000 } },
  response: faultPlan,
});

example(sandbox.sandboxFaultsGet, { request: {}, response: faultPlan });

example(sandbox.sandboxFaultsClear, { request: {}, response: { rules: [], busyShare: 0, allocation: { delayMs: null, fail: false } } });

example(sandbox.sandboxDeposit, { request: { amount: 5_000_000 }, response: { balance: 14_993_000 } });

example(sandbox.sandboxReset, { request: { balance: 10_000_000 }, response: { balance: 10_000_000, removedEsims: 12 } });

// --- webhook events ----------------------------------------------------------------------

type EventOf<T extends NotifyType> = z.output<(typeof webhookEventSchemas)[T]>;

const esimRef = { orderNo: ORDER_NO, esimTranNo: ESIM_TRAN_NO, transactionId: TRANSACTION_ID, iccid: ICCID };

/** One body per notifyType, as esimkit POSTs it to the merchant's webhook URL. */
export const webhookExamples: { [T in NotifyType]: EventOf<T> } = {
  ORDER_STATUS: {
    notifyType: 'ORDER_STATUS',
    eventGenerateTime: '2026-03-14T09:15:03Z',
    notifyId: NOTIFY_ID,
    content: { orderNo: ORDER_NO, orderStatus: 'GOT_RESOURCE', transactionId: TRANSACTION_ID },
  },
  ESIM_STATUS: {
    notifyType: 'ESIM_STATUS',
    eventGenerateTime: '2026-03-14T10:47:12Z',
    notifyId: '0a9b8c7d6e5f40312233445566778899',
    content: { ...esimRef, esimStatus: 'IN_USE', smdpStatus: 'ENABLED' },
  },
  SMDP_EVENT: {
    notifyType: 'SMDP_EVENT',
    eventGenerateTime: '2026-03-14T10:47:10Z',
    notifyId: 'c4d5e6f708192a3b4c5d6e7f80910a1b',
    content: { eid: EID, iccid: ICCID, esimStatus: 'GOT_RESOURCE', smdpStatus: 'DOWNLOAD', orderNo: ORDER_NO, esimTranNo: ESIM_TRAN_NO, transactionId: TRANSACTION_ID },
  },
  DATA_USAGE: {
    notifyType: 'DATA_USAGE',
    eventGenerateTime: '2026-03-15T08:00:00Z',
    notifyId: '77e1f0d2c3b4a5968778695a4b3c2d1e',
    content: {
      orderNo: ORDER_NO,
      transactionId: TRANSACTION_ID,
      esimTranNo: ESIM_TRAN_NO,
      iccid: ICCID,
      totalVolume: 1073741824,
      orderUsage: 858993459,
      remain: 214748365,
      lastUpdateTime: '2026-03-15T08:00:00Z',
      remainThreshold: 0.25,
    },
  },
  VALIDITY_USAGE: {
    notifyType: 'VALIDITY_USAGE',
    eventGenerateTime: '2026-03-20T11:02:40Z',
    notifyId: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b',
    content: {
      orderNo: ORDER_NO,
      transactionId: TRANSACTION_ID,
      iccid: ICCID,
      esimTranNo: ESIM_TRAN_NO,
      durationUnit: 'DAY',
      totalDuration: 7,
      expiredTime: '2026-03-21T11:02:40Z',
      remain: 1,
    },
  },
  CHECK_HEALTH: {
    notifyType: 'CHECK_HEALTH',
    eventGenerateTime: '2026-03-14T08:59:41Z',
    notifyId: '1b2c3d4e5f60718293a4b5c6d7e8f901',
    content: { orderNo: '1234567890', orderStatus: 'Test' },
  },
};
