import type { Transaction, Updateable } from 'kysely';
import type { Database, EsimsTable } from '../../db/schema.js';
import { ApiError } from '../errors.js';
import { recordStatusChanges, type Actor, type StatusChange } from './record.js';
import type { LifecycleState } from './states.js';
import { stateAfter, transitionFor, type LifecycleEvent } from './transitions.js';

// The one writer of esimStatus and smdpStatus after allocation. Every path that changes an
// eSIM (partner verbs, top-ups, usage reports, sweeps, SM-DP+ and device notifications)
// comes here with an event; the transition table decides, and the change, its timeline rows
// and its webhooks are written in the caller's transaction.

/** What apply needs to know of an eSIM. */
export interface EsimLifecycleRow {
  id: number;
  merchant_id: number;
  esim_status: LifecycleState['esimStatus'];
  smdp_status: LifecycleState['smdpStatus'];
  expired_time: number;
  installed_at: number | null;
}

/** Columns a change may write beside the statuses (activation, new totals, ...). */
export type EsimChanges = Omit<Updateable<EsimsTable>, 'id' | 'esim_status' | 'smdp_status'>;

export interface ApplyOptions {
  actor: Actor;
  at: Date;
  set?: EsimChanges;
}

const EVENT_NAMES: Record<LifecycleEvent, string> = {
  CANCEL: 'cancelled',
  SUSPEND: 'suspended',
  UNSUSPEND: 'unsuspended',
  REVOKE: 'revoked',
  TOP_UP: 'topped up',
  USE_UP: 'used up',
  EXPIRE_UNUSED: 'expired',
  EXPIRE_USED: 'expired',
  DOWNLOAD: 'downloaded',
  DOWNLOAD_FAILED: 'marked as a failed download',
  INSTALL: 'installed',
  ENABLE: 'enabled',
  DISABLE: 'disabled',
  DELETE: 'deleted',
};

interface Planned {
  state: LifecycleState;
  changes: Omit<StatusChange, 'esimId' | 'merchantId' | 'actor' | 'at'>[];
  installedNow: boolean;
}

/** Folds `events` over the eSIM's state, or names the first event that is not allowed. */
function plan(esim: EsimLifecycleRow, events: readonly LifecycleEvent[], at: Date): Planned | { refused: LifecycleEvent; state: LifecycleState } {
  const valid = esim.expired_time > at.getTime();
  let state: LifecycleState = { esimStatus: esim.esim_status, smdpStatus: esim.smdp_status };
  const changes: Planned['changes'] = [];
  for (const event of events) {
    const transition = transitionFor(event, state, valid);
    if (!transition) return { refused: event, state };
    const next = stateAfter(transition, state);
    if (next.smdpStatus !== state.smdpStatus) changes.push({ field: 'smdpStatus', from: state.smdpStatus, to: next.smdpStatus });
    if (next.esimStatus !== state.esimStatus) changes.push({ field: 'esimStatus', from: state.esimStatus, to: next.esimStatus });
    state = next;
  }
  const installedNow = esim.installed_at === null && changes.some((c) => c.field === 'smdpStatus' && c.to === 'INSTALLATION');
  return { state, changes, installedNow };
}

export function lifecycleRefusal(event: LifecycleEvent, state: LifecycleState): ApiError {
  return new ApiError(
    '200002',
    `This operation is not allowed due to the order status: the eSIM cannot be ${EVENT_NAMES[event]} while it is ${state.esimStatus} / ${state.smdpStatus}.`,
  );
}

async function write(tx: Transaction<Database>, esim: EsimLifecycleRow, planned: Planned, options: ApplyOptions): Promise<boolean> {
  const updated = await tx
    .updateTable('esims')
    .set({
      ...options.set,
      esim_status: planned.state.esimStatus,
      smdp_status: planned.state.smdpStatus,
      ...(planned.installedNow ? { installed_at: options.at.getTime() } : {}),
    })
    .where('id', '=', esim.id)
    // Repeating the state read makes the change conditional: of two concurrent changes
    // from the same state only one writes anything.
    .where('esim_status', '=', esim.esim_status)
    .where('smdp_status', '=', esim.smdp_status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await recordStatusChanges(
    tx,
    planned.changes.map((c) => ({ ...c, esimId: esim.id, merchantId: esim.merchant_id, actor: options.actor, at: options.at })),
  );
  return true;
}

/**
 * Applies `events`, in order, to one eSIM read in this transaction: one conditional UPDATE
 * with the final statuses and `options.set`, a timeline row and webhook per status change.
 * Throws 200002 when an event is not allowed, or when the eSIM changed since it was read.
 */
export async function applyEsimEvents(tx: Transaction<Database>, esim: EsimLifecycleRow, events: readonly LifecycleEvent[], options: ApplyOptions): Promise<LifecycleState> {
  const planned = plan(esim, events, options.at);
  if ('refused' in planned) throw lifecycleRefusal(planned.refused, planned.state);
  if (!(await write(tx, esim, planned, options))) throw new ApiError('200002', 'The eSIM changed while this request ran; query it and try again.');
  return planned.state;
}

/**
 * The same where an event that does not apply is no error but nothing to do (a usage
 * report on a suspended eSIM does not use it up): returns undefined and writes nothing.
 */
export async function applyEsimEventsIfAllowed(
  tx: Transaction<Database>,
  esim: EsimLifecycleRow,
  events: readonly LifecycleEvent[],
  options: ApplyOptions,
): Promise<LifecycleState | undefined> {
  const planned = plan(esim, events, options.at);
  if ('refused' in planned) return undefined;
  return (await write(tx, esim, planned, options)) ? planned.state : undefined;
}

/**
 * One event each for many eSIMs (the expiry sweep): one conditional UPDATE per group of
 * eSIMs in the same state, so a batch of 500 costs a few statements. eSIMs the event does
 * not apply to, or that changed meanwhile, are left alone. Returns the ids changed.
 */
export async function applyEsimEventToMany(
  tx: Transaction<Database>,
  items: readonly { esim: EsimLifecycleRow; event: LifecycleEvent }[],
  options: ApplyOptions,
): Promise<number[]> {
  const groups = new Map<string, { from: LifecycleState; planned: Planned; esims: EsimLifecycleRow[] }>();
  for (const { esim, event } of items) {
    const planned = plan(esim, [event], options.at);
    if ('refused' in planned || planned.changes.length === 0) continue;
    const key = `${event}:${esim.esim_status}:${esim.smdp_status}`;
    const group = groups.get(key) ?? { from: { esimStatus: esim.esim_status, smdpStatus: esim.smdp_status }, planned, esims: [] };
    group.esims.push(esim);
    groups.set(key, group);
  }
  const changed: number[] = [];
  const records: StatusChange[] = [];
  for (const { from, planned, esims } of groups.values()) {
    const rows = await tx
      .updateTable('esims')
      .set({ ...options.set, esim_status: planned.state.esimStatus, smdp_status: planned.state.smdpStatus })
      .where(
        'id',
        'in',
        esims.map((e) => e.id),
      )
      .where('esim_status', '=', from.esimStatus)
      .where('smdp_status', '=', from.smdpStatus)
      .returning('id')
      .execute();
    const ids = new Set(rows.map((r) => Number(r.id)));
    for (const esim of esims) {
      if (!ids.has(esim.id)) continue;
      changed.push(esim.id);
      for (const c of planned.changes) records.push({ ...c, esimId: esim.id, merchantId: esim.merchant_id, actor: options.actor, at: options.at });
    }
  }
  await recordStatusChanges(tx, records);
  return changed;
}
