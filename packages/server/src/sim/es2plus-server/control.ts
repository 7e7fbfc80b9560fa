import { isValidEid } from '../../lib/identifiers.js';
import { actOnDevice, failDownload, findProfile, installOnDevice, DeviceActionError, type LaterAction } from './device.js';
import { SMDP_FUNCTIONS, type SmdpFunction } from './functions.js';
import type { Fault, SmdpState } from './state.js';

// The simulator's own control API (JSON, under /simulator/): what a test or a person does to
// the simulated SM-DP+ from outside ES2+: look at its profiles and the calls it saw, add
// stock, act as the handset, and switch faults on and off. Not part of SGP.22.

export class ControlError extends Error {}

type Body = Record<string, unknown>;

function eidOf(body: Body): string | undefined {
  if (body.eid === undefined) return undefined;
  if (typeof body.eid !== 'string' || !isValidEid(body.eid)) throw new ControlError('eid must be 32 digits that pass the mod-97 check');
  return body.eid;
}

function faultTarget(value: unknown): SmdpFunction | '*' {
  if (value === undefined || value === '*') return '*';
  if (typeof value === 'string' && (SMDP_FUNCTIONS as readonly string[]).includes(value)) return value as SmdpFunction;
  throw new ControlError(`function must be one of ${SMDP_FUNCTIONS.join(', ')} or *`);
}

function readFault(body: Body): Fault {
  const times = body.times === undefined ? {} : Number.isInteger(body.times) && (body.times as number) > 0 ? { times: body.times as number } : undefined;
  if (!times) throw new ControlError('times must be a positive whole number');
  switch (body.mode) {
    case 'down':
      return { mode: 'down', ...times };
    case 'delay':
      if (!Number.isInteger(body.delayMs) || (body.delayMs as number) < 0) throw new ControlError('delayMs must be a whole number of milliseconds');
      return { mode: 'delay', delayMs: body.delayMs as number, ...times };
    case 'fail': {
      const status = body.status ?? 'Failed';
      if (status !== 'Failed' && status !== 'Expired') throw new ControlError('status must be Failed or Expired');
      if (typeof body.subjectCode !== 'string' || typeof body.reasonCode !== 'string') throw new ControlError('a fail fault needs subjectCode and reasonCode (e.g. 8.2.5 and 3.7)');
      return { mode: 'fail', status, subjectCode: body.subjectCode, reasonCode: body.reasonCode, ...(typeof body.message === 'string' ? { message: body.message } : {}), ...times };
    }
    default:
      throw new ControlError('mode must be fail, down or delay');
  }
}

/** Answers one control request; throws ControlError for a bad one (HTTP 400). */
export async function handleControl(state: SmdpState, method: string, path: string, body: Body): Promise<unknown> {
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /simulator/profiles':
      return { profiles: state.store.list() };
    case 'POST /simulator/profiles': {
      if (typeof body.profileType !== 'string' || body.profileType === '') throw new ControlError('profileType is needed');
      const count = body.count ?? 0;
      if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > 10_000) throw new ControlError('count must be a whole number up to 10000');
      const iccids = body.iccids ?? [];
      if (!Array.isArray(iccids) || iccids.some((i) => typeof i !== 'string' || !/^\d{18,20}$/.test(i) || state.store.get(i))) throw new ControlError('iccids must be new ICCIDs of 18-20 digits');
      return { profiles: state.store.add(body.profileType, count as number, iccids as string[]).map((p) => ({ ...p })) };
    }
    case 'POST /simulator/operator': {
      // Where notifications go can be set after the start: the operator may start later.
      if (typeof body.url !== 'string' || !/^https?:\/\/\S+$/.test(body.url)) throw new ControlError('url must be the operator\'s http(s) base URL');
      if (body.token !== undefined && typeof body.token !== 'string') throw new ControlError('token must be a string');
      const current = state.device.operator;
      state.device.operator = { url: body.url, token: body.token as string | undefined, requesterId: current?.requesterId ?? 'esimkit-smdp', timeoutMs: current?.timeoutMs ?? 10_000 };
      return { operator: { url: body.url, token: body.token === undefined ? 'none' : 'set' } };
    }
    case 'GET /simulator/calls':
      return { calls: state.calls };
    case 'POST /simulator/faults':
      state.faults.set(faultTarget(body.function), readFault(body));
      return { faults: Object.fromEntries(state.faults) };
    case 'POST /simulator/faults/clear':
      if (body.function === undefined) state.faults.clear();
      else state.faults.delete(faultTarget(body.function));
      return { faults: Object.fromEntries(state.faults) };
    case 'POST /simulator/device/install':
      return installOnDevice(state.device, profileOf(state, body), eidOf(body));
    case 'POST /simulator/device/fail': {
      const stage = body.stage ?? 'eligibility';
      if (stage !== 'eligibility' && stage !== 'installation') throw new ControlError('stage must be eligibility or installation');
      return failDownload(state.device, profileOf(state, body), stage, eidOf(body));
    }
    case 'POST /simulator/device/enable':
    case 'POST /simulator/device/disable':
    case 'POST /simulator/device/delete':
      return actOnDevice(state.device, profileOf(state, body), path.slice('/simulator/device/'.length) as LaterAction);
    default:
      return undefined;
  }
}

function profileOf(state: SmdpState, body: Body) {
  try {
    return findProfile(state.store, body);
  } catch (error) {
    if (error instanceof DeviceActionError) throw new ControlError(error.message);
    throw error;
  }
}

export function isControlError(error: unknown): error is Error {
  return error instanceof ControlError || error instanceof DeviceActionError;
}
