import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type Actor = 'merchant' | 'system' | 'device' | 'operator';

export interface StatusChange {
  esimId: number;
  merchantId: number;
  field: 'esimStatus' | 'smdpStatus';
  from: string | null;
  to: string;
  actor: Actor;
  at: Date;
}

/** Records status changes (who, when, from, to) in the eSIM's timeline. */
export async function recordStatusChanges(tx: Executor, changes: StatusChange[]): Promise<void> {
  if (changes.length === 0) return;
  await tx
    .insertInto('esim_events')
    .values(
      changes.map((c) => ({
        esim_id: c.esimId,
        merchant_id: c.merchantId,
        field: c.field,
        from_value: c.from,
        to_value: c.to,
        actor: c.actor,
        at: c.at.getTime(),
      })),
    )
    .execute();
}
