import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { errorCodes } from '../errors.js';
import { EsimTranNo, Iccid, WireTime } from '../fields.js';

// The sandbox API: what the real service cannot offer. Served only in sandbox mode, with the
// merchant's usual authentication and envelope; every action touches only that merchant's
// eSIMs (the clock is the instance's).
const Ref = { esimTranNo: EsimTranNo.optional(), iccid: Iccid.optional() };
const Empty = z.object({});
const SmsText = z.string().min(1).max(500);
const Phone = z.string().regex(/^\+?\d{3,15}$/, 'a phone number of 3-15 digits').describe('E.164 digits, e.g. +447700900123');

function sandbox<Req extends z.ZodType, Res extends z.ZodType>(name: string, path: string, summary: string, request: Req, response: Res) {
  return endpoint({ name: `sandbox.${name}`, path: `/sandbox/v1/${path}`, summary, request, response, successCode: '0', errors: ['200002', '310403'] });
}

const ClockState = z.object({ now: WireTime, offsetSeconds: z.number().int().describe('How far the sandbox clock is ahead of real time') });

export const sandboxClockGet = sandbox('clock.get', 'clock/get', 'The sandbox clock of the calling merchant (each merchant has its own)', Empty, ClockState);

export const sandboxClockAdvance = sandbox(
  'clock.advance',
  'clock/advance',
  'Move the clock forward by `seconds` or to `to` (never backward), running everything that falls due on the way, in order',
  z.object({
    seconds: z.number().int().min(1).max(400 * 86_400).optional(),
    to: z.string().max(40).optional().describe('ISO UTC time, later than the clock'),
  }),
  ClockState.extend({
    jobs: z.number().int().describe('Background jobs run (allocations, usage reports, retries)'),
    warned: z.number().int().describe('VALIDITY_USAGE warnings sent'),
    reset: z.number().int().describe('Daily allowances reset'),
    expired: z.number().int().describe('eSIMs expired'),
  }),
);

export const sandboxInstall = sandbox(
  'esim.install',
  'esim/install',
  'Install the profile on a simulated device: RELEASED -> DOWNLOAD -> INSTALLATION -> ENABLED, esimStatus IN_USE (fail: the download breaks off)',
  z.object({ ...Ref, eid: z.string().max(32).optional().describe('32-digit EID passing mod-97; made up when absent'), fail: z.boolean().optional() }),
  z.object({ esimTranNo: z.string(), eid: z.string(), smdpStatus: z.string(), esimStatus: z.string() }),
);

const DeviceState = z.object({ esimTranNo: z.string(), smdpStatus: z.string(), esimStatus: z.string() });
export const sandboxDisable = sandbox('esim.disable', 'esim/disable', 'Disable the profile on the device (ENABLED -> DISABLED)', z.object(Ref), DeviceState);
export const sandboxEnable = sandbox('esim.enable', 'esim/enable', 'Enable the profile on the device (DISABLED -> ENABLED)', z.object(Ref), DeviceState);
export const sandboxDelete = sandbox('esim.delete', 'esim/delete', 'Delete the profile from the device (-> DELETED)', z.object(Ref), DeviceState);
export const sandboxAttach = sandbox(
  'esim.attach',
  'esim/attach',
  'Attach the device to the network: a plan with activeType 2 starts its validity',
  z.object(Ref),
  DeviceState.extend({ activateTime: WireTime.nullable(), expiredTime: WireTime }),
);

export const sandboxConsume = sandbox(
  'esim.consume',
  'esim/consume',
  'The device uses data; it reaches orderUsage after the reporting lag',
  z.object({ ...Ref, bytes: z.number().int().min(1).max(1e15) }),
  z.object({
    esimTranNo: z.string(),
    consumed: z.number().int(),
    networkUsage: z.number().int(),
    dailyUsage: z.number().int(),
    throttled: z.boolean(),
    cutOff: z.boolean(),
  }),
);

export const sandboxSmsReceive = sandbox(
  'esim.sms.receive',
  'esim/sms/receive',
  'An SMS reaches the device from a phone (`from`), or through the API path when `from` is absent',
  z.object({ ...Ref, message: SmsText, from: Phone.optional() }),
  Empty,
);

export const sandboxSmsSend = sandbox('esim.sms.send', 'esim/sms/send', 'The device sends an SMS', z.object({ ...Ref, message: SmsText, to: Phone }), Empty);

const ErrorCodeValue = z.enum(Object.keys(errorCodes) as [keyof typeof errorCodes, ...(keyof typeof errorCodes)[]]);
const FaultRule = z.object({
  endpoint: z.string().max(80).optional().describe('Endpoint name (esim.order) or path (/api/v1/open/esim/order); any when absent'),
  packageCode: z.string().max(64).optional().describe('Only requests naming this package (code or slug)'),
  errorCode: ErrorCodeValue,
  count: z.number().int().min(1).max(10_000),
});
const FaultPlan = z.object({
  rules: z.array(FaultRule.extend({ remaining: z.number().int() }).omit({ count: true })),
  busyShare: z.number(),
  allocation: z.object({ delayMs: z.number().int().nullable(), fail: z.boolean() }),
});

export const sandboxFaultsSet = sandbox(
  'faults.set',
  'faults/set',
  'Add fault rules (the next N calls answer a code), set the share of requests answered 900001, and how allocation behaves',
  z.object({
    rules: z.array(FaultRule).max(50).optional(),
    busyShare: z.number().min(0).max(1).optional(),
    allocation: z.object({ delayMs: z.number().int().min(0).max(3_600_000).nullable().optional(), fail: z.boolean().optional() }).optional(),
  }),
  FaultPlan,
);
export const sandboxFaultsGet = sandbox('faults.get', 'faults/get', 'The fault plan in force', Empty, FaultPlan);
export const sandboxFaultsClear = sandbox('faults.clear', 'faults/clear', 'Remove every fault', Empty, FaultPlan);

export const sandboxDeposit = sandbox(
  'funds.deposit',
  'funds/deposit',
  'Add test funds to the balance (at most $10,000 a call)',
  z.object({ amount: z.number().int().min(1).max(100_000_000).describe('Units of 1/10,000 USD') }),
  z.object({ balance: z.number().int() }),
);

export const sandboxReset = sandbox(
  'reset',
  'reset',
  "Empty the merchant's sandbox: orders, eSIMs, top-ups, messages, events and faults go; the balance is set to `balance` (default 0) through the ledger",
  z.object({ balance: z.number().int().min(0).max(100_000_000).optional() }),
  z.object({ balance: z.number().int(), removedEsims: z.number().int() }),
);

export const sandboxEndpoints = [
  sandboxClockGet,
  sandboxClockAdvance,
  sandboxInstall,
  sandboxDisable,
  sandboxEnable,
  sandboxDelete,
  sandboxAttach,
  sandboxConsume,
  sandboxSmsReceive,
  sandboxSmsSend,
  sandboxFaultsSet,
  sandboxFaultsGet,
  sandboxFaultsClear,
  sandboxDeposit,
  sandboxReset,
] as const;
