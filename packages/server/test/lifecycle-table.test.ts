import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/domain/errors.js';
import { applyEsimEvents } from '../src/domain/lifecycle/apply.js';
import { esimStatuses, smdpStatuses, type LifecycleState } from '../src/domain/lifecycle/states.js';
import { transitionFor, transitions, type LifecycleEvent } from '../src/domain/lifecycle/transitions.js';
import type { TestServer } from './support/harness.js';
import { esimIdOf, orderOne, startEsimServer, type Merchant } from './support/orders.js';

// Walks the transition table against a real eSIM row: for every event, in every pair of
// statuses, before and after the end of validity, the lifecycle either makes exactly the
// change the table names (with a timeline row for each status that moved) or refuses with
// 200002 and writes nothing.
let server: TestServer;
let merchant: Merchant;
let esimId: number;

const events = [...new Set(transitions.map((t) => t.event))] as LifecycleEvent[];
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 1_000_000 });
  const esim = await orderOne(server, merchant, 'JP_1_7');
  esimId = await esimIdOf(server, esim.esimTranNo);
});
afterAll(() => server?.close());

const db = () => server.runtime.ctx.db.kysely;

/** Puts the test eSIM in `state` (test set-up only: the lifecycle is the only writer in the service). */
async function putInState(state: LifecycleState, valid: boolean) {
  const now = Date.now();
  await db()
    .updateTable('esims')
    .set({ esim_status: state.esimStatus, smdp_status: state.smdpStatus, expired_time: valid ? now + 30 * DAY : now - DAY, installed_at: null })
    .where('id', '=', esimId)
    .execute();
  return db().selectFrom('esims').selectAll().where('id', '=', esimId).executeTakeFirstOrThrow();
}

async function timelineLength(): Promise<number> {
  const rows = await db().selectFrom('esim_events').select('id').where('esim_id', '=', esimId).execute();
  return rows.length;
}

describe('the transition table', () => {
  it('names only known statuses, and each event has at least one row', () => {
    for (const t of transitions) {
      for (const s of t.esimFrom) expect(esimStatuses).toContain(s);
      for (const s of t.smdpFrom) expect(smdpStatuses).toContain(s);
      if (t.esimTo !== 'same') expect(esimStatuses).toContain(t.esimTo);
      if (t.smdpTo !== 'same') expect(smdpStatuses).toContain(t.smdpTo);
    }
    expect(events.length).toBe(14);
  });

  it('keeps the documented rules (field-notes §6)', () => {
    const allowed = (event: LifecycleEvent, esimStatus: LifecycleState['esimStatus'], smdpStatus: LifecycleState['smdpStatus'], valid = true) =>
      transitionFor(event, { esimStatus, smdpStatus }, valid) !== undefined;
    expect(allowed('CANCEL', 'GOT_RESOURCE', 'RELEASED')).toBe(true);
    expect(allowed('CANCEL', 'GOT_RESOURCE', 'DOWNLOAD')).toBe(false);
    expect(allowed('CANCEL', 'GOT_RESOURCE', 'RELEASED', false)).toBe(false);
    expect(allowed('SUSPEND', 'IN_USE', 'ENABLED')).toBe(true);
    expect(allowed('SUSPEND', 'USED_UP', 'ENABLED')).toBe(false);
    expect(allowed('REVOKE', 'CANCEL', 'RELEASED')).toBe(false);
    expect(allowed('TOP_UP', 'USED_EXPIRED', 'ENABLED')).toBe(false);
    expect(allowed('USE_UP', 'SUSPENDED', 'ENABLED')).toBe(false);
    expect(allowed('EXPIRE_USED', 'SUSPENDED', 'ENABLED', false)).toBe(true);
    expect(allowed('DOWNLOAD', 'GOT_RESOURCE', 'RELEASED', false)).toBe(false);
  });

  it('every allowed transition works, every other is refused with 200002 and writes nothing', async () => {
    let applied = 0;
    let refused = 0;
    for (const event of events) {
      for (const esimStatus of esimStatuses) {
        for (const smdpStatus of smdpStatuses) {
          for (const valid of [true, false]) {
            const state = { esimStatus, smdpStatus };
            const row = await putInState(state, valid);
            const before = await timelineLength();
            const transition = transitionFor(event, state, valid);
            const label = `${event} from ${esimStatus}/${smdpStatus}${valid ? '' : ' (expired)'}`;
            const outcome = await db()
              .transaction()
              .execute((tx) => applyEsimEvents(tx, row, [event], { actor: 'system', at: new Date() }))
              .then(
                (after) => ({ after }),
                (error: unknown) => ({ error }),
              );
            const stored = await db().selectFrom('esims').select(['esim_status', 'smdp_status']).where('id', '=', esimId).executeTakeFirstOrThrow();
            if (transition) {
              applied++;
              expect('after' in outcome, label).toBe(true);
              const expected = {
                esim_status: transition.esimTo === 'same' ? esimStatus : transition.esimTo,
                smdp_status: transition.smdpTo === 'same' ? smdpStatus : transition.smdpTo,
              };
              expect(stored, label).toEqual(expected);
              const moved = Number(expected.esim_status !== esimStatus) + Number(expected.smdp_status !== smdpStatus);
              expect((await timelineLength()) - before, label).toBe(moved);
            } else {
              refused++;
              expect('error' in outcome && outcome.error instanceof ApiError && outcome.error.code, label).toBe('200002');
              expect(stored, label).toEqual({ esim_status: esimStatus, smdp_status: smdpStatus });
              expect(await timelineLength(), label).toBe(before);
            }
          }
        }
      }
    }
    expect(applied).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(500);
  }, 120_000);

  it('a change from a state read before another change committed is refused, not applied twice', async () => {
    const row = await putInState({ esimStatus: 'IN_USE', smdpStatus: 'ENABLED' }, true);
    await db()
      .transaction()
      .execute((tx) => applyEsimEvents(tx, row, ['SUSPEND'], { actor: 'merchant', at: new Date() }));
    const stale = db()
      .transaction()
      .execute((tx) => applyEsimEvents(tx, row, ['SUSPEND'], { actor: 'merchant', at: new Date() }));
    await expect(stale).rejects.toMatchObject({ code: '200002' });
  });
});
