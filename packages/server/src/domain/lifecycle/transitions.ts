import { esimStatuses, LIVE_STATUSES, smdpStatuses, type EsimStatus, type LifecycleState, type SmdpStatus } from './states.js';

/** Everything that can happen to an eSIM after allocation. */
export type LifecycleEvent =
  // the partner (API)
  | 'CANCEL'
  | 'SUSPEND'
  | 'UNSUSPEND'
  | 'REVOKE'
  | 'TOP_UP'
  // the system (usage reports, the expiry sweep)
  | 'USE_UP'
  | 'EXPIRE_UNUSED'
  | 'EXPIRE_USED'
  // the SM-DP+ and the device
  | 'DOWNLOAD'
  | 'DOWNLOAD_FAILED'
  | 'INSTALL'
  | 'ENABLE'
  | 'DISABLE'
  | 'DELETE';

const SAME = 'same' as const;
const ANY_ESIM = esimStatuses;
const ANY_SMDP = smdpStatuses;

export interface Transition {
  event: LifecycleEvent;
  esimFrom: readonly EsimStatus[];
  esimTo: EsimStatus | typeof SAME;
  smdpFrom: readonly SmdpStatus[];
  smdpTo: SmdpStatus | typeof SAME;
  /** Only while the eSIM's validity (expiredTime) has not passed. */
  whileValid: boolean;
}

function row(
  event: LifecycleEvent,
  esimFrom: readonly EsimStatus[],
  esimTo: EsimStatus | typeof SAME,
  smdpFrom: readonly SmdpStatus[],
  smdpTo: SmdpStatus | typeof SAME,
  whileValid: boolean,
): Transition {
  return { event, esimFrom, esimTo, smdpFrom, smdpTo, whileValid };
}

/**
 * Every allowed transition. An event applies the first row whose `from` sets hold the
 * eSIM's two statuses; with no such row it is refused (200002). Field-notes §6 and
 * docs/decisions.md ("The eSIM lifecycle") say why each row is as it is.
 */
// prettier-ignore
export const transitions: readonly Transition[] = [
  //   event             esimStatus from                 -> esimStatus       smdpStatus from               -> smdpStatus      while valid
  row('CANCEL',          ['GOT_RESOURCE'],               'CANCEL',          ['RELEASED'],                   SAME,             true),
  row('SUSPEND',         ['IN_USE'],                     'SUSPENDED',       ANY_SMDP,                       SAME,             true),
  row('UNSUSPEND',       ['SUSPENDED'],                  'IN_USE',          ANY_SMDP,                       SAME,             true),
  row('REVOKE',          LIVE_STATUSES,                  'REVOKE',          ANY_SMDP,                       SAME,             true),
  row('TOP_UP',          ['USED_UP'],                    'IN_USE',          ANY_SMDP,                       SAME,             true),
  row('TOP_UP',          ['GOT_RESOURCE', 'IN_USE'],     SAME,              ANY_SMDP,                       SAME,             true),
  row('USE_UP',          ['IN_USE'],                     'USED_UP',         ANY_SMDP,                       SAME,             false),
  row('EXPIRE_UNUSED',   LIVE_STATUSES,                  'UNUSED_EXPIRED',  ANY_SMDP,                       SAME,             false),
  row('EXPIRE_USED',     LIVE_STATUSES,                  'USED_EXPIRED',    ANY_SMDP,                       SAME,             false),
  row('DOWNLOAD',        ['GOT_RESOURCE'],               SAME,              ['RELEASED'],                   'DOWNLOAD',       true),
  row('DOWNLOAD_FAILED', ANY_ESIM,                       SAME,              ['DOWNLOAD'],                   'RELEASED',       false),
  row('INSTALL',         ANY_ESIM,                       SAME,              ['DOWNLOAD'],                   'INSTALLATION',   false),
  // The first enable after an install puts a new eSIM in use.
  row('ENABLE',          ['GOT_RESOURCE'],               'IN_USE',          ['INSTALLATION'],               'ENABLED',        false),
  row('ENABLE',          ANY_ESIM,                       SAME,              ['INSTALLATION', 'DISABLED'],   'ENABLED',        false),
  row('DISABLE',         ANY_ESIM,                       SAME,              ['ENABLED'],                    'DISABLED',       false),
  row('DELETE',          ANY_ESIM,                       SAME,              ['ENABLED', 'DISABLED'],        'DELETED',        false),
];

/** The row `event` applies in `state`, or undefined when the event is not allowed there. */
export function transitionFor(event: LifecycleEvent, state: LifecycleState, valid: boolean): Transition | undefined {
  return transitions.find(
    (t) => t.event === event && t.esimFrom.includes(state.esimStatus) && t.smdpFrom.includes(state.smdpStatus) && (valid || !t.whileValid),
  );
}

/** The state after `transition`. */
export function stateAfter(transition: Transition, state: LifecycleState): LifecycleState {
  return {
    esimStatus: transition.esimTo === SAME ? state.esimStatus : transition.esimTo,
    smdpStatus: transition.smdpTo === SAME ? state.smdpStatus : transition.smdpTo,
  };
}
