import { isValidEid } from '../../lib/identifiers.js';
import { Reason, Subject, failedStatus, readIccid, successStatus, type FunctionExecutionStatus } from '../../es2plus/wire.js';
import type { ProfileStore, SmdpProfile } from './profiles.js';

// The four ES2+ functions the simulated SM-DP+ serves (SGP.22 §5.3.1-5.3.4), over its
// profiles. Each takes the request's fields (the header already checked) and gives the
// answer: a status and, on success, the function's output fields. The codes are the ones
// docs/decisions.md lists under "ES2+ status codes".

export interface Answer {
  status: FunctionExecutionStatus;
  fields?: Record<string, unknown>;
}

export type SmdpFunction = 'downloadOrder' | 'confirmOrder' | 'cancelOrder' | 'releaseProfile';
export const SMDP_FUNCTIONS: readonly SmdpFunction[] = ['downloadOrder', 'confirmOrder', 'cancelOrder', 'releaseProfile'];

class Refused extends Error {
  constructor(readonly status: FunctionExecutionStatus) {
    super(status.statusCodeData?.message);
  }
}

function refuse(subject: string, reason: string, message: string): never {
  throw new Refused(failedStatus(subject, reason, message));
}

type Body = Record<string, unknown>;

function optionalEid(body: Body): string | undefined {
  if (body.eid === undefined || body.eid === null) return undefined;
  if (typeof body.eid !== 'string' || !isValidEid(body.eid)) refuse(Subject.eid, Reason.invalid, 'eid must be 32 digits that pass the mod-97 check.');
  return body.eid;
}

function optionalIccid(body: Body): string | undefined {
  if (body.iccid === undefined || body.iccid === null) return undefined;
  const iccid = readIccid(body.iccid);
  if (iccid === undefined) refuse(Subject.iccid, Reason.invalid, 'iccid must be 18-20 digits (a 19-digit ICCID may end in F).');
  return iccid;
}

/** The profile the request names by its mandatory iccid. */
function namedProfile(store: ProfileStore, body: Body): SmdpProfile {
  if (body.iccid === undefined) refuse(Subject.iccid, Reason.missing, 'Mandatory element iccid is missing.');
  const iccid = optionalIccid(body)!;
  const profile = store.get(iccid);
  if (!profile) refuse(Subject.iccid, Reason.unknown, `Profile ${iccid} is unknown.`);
  return profile;
}

function sameEid(profile: SmdpProfile, eid: string | undefined): void {
  if (eid !== undefined && profile.eid !== undefined && profile.eid !== eid) refuse(Subject.eid, Reason.refused, `Profile ${profile.iccid} is linked to another EID.`);
}

function downloadOrder(store: ProfileStore, body: Body): Answer {
  const eid = optionalEid(body);
  const iccid = optionalIccid(body);
  const profileType = body.profileType;
  if (profileType !== undefined && (typeof profileType !== 'string' || profileType.trim() === '')) refuse(Subject.profileType, Reason.invalid, 'profileType must be a non-empty string.');
  if (iccid === undefined && profileType === undefined) refuse(Subject.profileType, Reason.missing, 'Either iccid or profileType is needed.');
  let profile: SmdpProfile | undefined;
  if (iccid !== undefined) {
    profile = store.get(iccid);
    if (!profile) refuse(Subject.iccid, Reason.unknown, `Profile ${iccid} is unknown.`);
    if (profileType !== undefined && profile.profileType !== profileType) refuse(Subject.iccid, Reason.refused, `Profile ${iccid} is of type ${profile.profileType}, not ${profileType as string}.`);
    if (profile.state !== 'Available') refuse(Subject.iccid, Reason.conflict, `Profile ${iccid} is ${profile.state}, not Available.`);
  } else {
    if (!store.knowsType(profileType as string)) refuse(Subject.profileType, Reason.unknown, `Profile type ${profileType as string} is unknown.`);
    profile = store.takeAvailable(profileType as string);
    if (!profile) refuse(Subject.profileType, Reason.unavailable, `No profile of type ${profileType as string} is available.`);
  }
  profile.state = 'Allocated';
  profile.eid = eid;
  return { status: successStatus, fields: { iccid: profile.iccid } };
}

function confirmOrder(store: ProfileStore, body: Body, smdpAddress: string): Answer {
  const profile = namedProfile(store, body);
  if (body.releaseFlag === undefined) refuse(Subject.body, Reason.missing, 'Mandatory element releaseFlag is missing.');
  if (typeof body.releaseFlag !== 'boolean') refuse(Subject.body, Reason.invalid, 'releaseFlag must be true or false.');
  const eid = optionalEid(body);
  const matchingId = body.matchingId;
  if (matchingId !== undefined && (typeof matchingId !== 'string' || !/^[^$\s]{1,255}$/.test(matchingId))) refuse(Subject.matchingId, Reason.invalid, 'matchingId must be 1-255 characters without $ or spaces.');
  sameEid(profile, eid);
  const target = body.releaseFlag ? 'Released' : 'Confirmed';
  // The same confirmation again (a retry whose first answer was lost) is answered as the first was.
  const repeated = profile.state === target && (matchingId === undefined || matchingId === profile.matchingId);
  if (!repeated) {
    if (profile.state !== 'Allocated') refuse(Subject.iccid, Reason.refused, `Profile ${profile.iccid} is ${profile.state}, not Allocated.`);
    if (matchingId !== undefined && store.byMatchingId(matchingId as string)) refuse(Subject.matchingId, Reason.conflict, `Matching id ${matchingId as string} is already in use.`);
    profile.matchingId = (matchingId as string | undefined) ?? store.newMatchingId();
    profile.eid ??= eid;
    profile.state = target;
  }
  return { status: successStatus, fields: { matchingId: profile.matchingId, ...(profile.eid ? { eid: profile.eid } : {}), smdpAddress } };
}

function cancelOrder(store: ProfileStore, body: Body): Answer {
  const profile = namedProfile(store, body);
  const indicator = body.finalProfileStatusIndicator;
  if (indicator === undefined) refuse(Subject.body, Reason.missing, 'Mandatory element finalProfileStatusIndicator is missing.');
  if (indicator !== 'Available' && indicator !== 'Unavailable') refuse(Subject.body, Reason.invalid, 'finalProfileStatusIndicator must be Available or Unavailable.');
  sameEid(profile, optionalEid(body));
  if (body.matchingId !== undefined && body.matchingId !== profile.matchingId) refuse(Subject.matchingId, Reason.unknown, `Profile ${profile.iccid} has no order with that matching id.`);
  if (!['Allocated', 'Confirmed', 'Released'].includes(profile.state)) refuse(Subject.iccid, Reason.refused, `Profile ${profile.iccid} is ${profile.state}: only an order not yet downloaded can be cancelled.`);
  profile.state = indicator;
  profile.eid = undefined;
  profile.matchingId = undefined;
  return { status: successStatus };
}

function releaseProfile(store: ProfileStore, body: Body): Answer {
  const profile = namedProfile(store, body);
  if (profile.state !== 'Confirmed') refuse(Subject.iccid, Reason.refused, `Profile ${profile.iccid} is ${profile.state}, not Confirmed.`);
  profile.state = 'Released';
  return { status: successStatus };
}

/** Runs one function; a refusal is an answer too (Failed, nothing changed). */
export function runFunction(fn: SmdpFunction, store: ProfileStore, body: Body, smdpAddress: string): Answer {
  try {
    switch (fn) {
      case 'downloadOrder':
        return downloadOrder(store, body);
      case 'confirmOrder':
        return confirmOrder(store, body, smdpAddress);
      case 'cancelOrder':
        return cancelOrder(store, body);
      case 'releaseProfile':
        return releaseProfile(store, body);
    }
  } catch (error) {
    if (error instanceof Refused) return { status: error.status };
    throw error;
  }
}
