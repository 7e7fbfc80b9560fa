import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { keyIdOf, type SecretBox } from '../../lib/secret-box.js';
import type { ServiceContext } from '../context.js';
import type { SealedMerchant } from './secrets.js';

// Brings every stored secret under one key (docs/secrets.md), in one transaction:
// - at every start (runtime.ts prepareDatabase), under the key in hand: rows still plain (a
//   database from before migration 0014) are sealed; rows sealed with another key stop the
//   start with a clear message rather than answer 000101 to every partner;
// - by `esimkit secrets rotate`, under a new key: rows sealed with the old key are opened and
//   sealed again. Rows carry their key id, so a rotation run twice, or cut short, finds the
//   rows already under the new key and leaves them.
// Each update repeats the values it read, so two processes doing the same at once (instances
// starting together) cannot both apply one row's change.

/** The key in hand is not the one the database's secrets were sealed with. */
export class SecretKeyMismatch extends Error {
  constructor(
    readonly keyId: string,
    readonly storedKeyIds: string[],
  ) {
    super(
      `the merchants' secrets in the database are sealed with key ${storedKeyIds.join(', ')}, but the secret key in hand is key ${keyId}: ` +
        'start with the key they were sealed with (ESIMKIT_SECRET_KEY; in the sandbox, the secret.key file beside the database), ' +
        'or finish a rotation with `esimkit secrets rotate` (docs/secrets.md)',
    );
  }
}

type StoredRow = SealedMerchant & { id: number };

const COLUMNS = ['id', 'access_code_hash', 'access_code_sealed', 'secret_key_sealed', 'webhook_secret_sealed', 'webhook_previous_secret_sealed'] as const;

export interface ResealResult {
  /** Rows changed now. */
  resealed: number;
  /** Rows already under the target key. */
  unchanged: number;
}

/** At start: seals plain rows under ctx.secrets; throws SecretKeyMismatch for rows under any other key. */
export async function sealPlainSecrets(ctx: ServiceContext): Promise<ResealResult> {
  return bringUnderKey(ctx, ctx.secrets, []);
}

/** Rotation: every row sealed with `from` (or still plain) sealed again with `to`. */
export async function resealSecrets({ ctx, input }: { ctx: Pick<ServiceContext, 'db'>; input: { from: SecretBox; to: SecretBox } }): Promise<ResealResult> {
  return bringUnderKey(ctx, input.to, [input.from]);
}

async function bringUnderKey(ctx: Pick<ServiceContext, 'db'>, target: SecretBox, openers: SecretBox[]): Promise<ResealResult> {
  const known = new Map([target, ...openers].map((box) => [box.keyId, box]));
  // Most starts find everything under the key already: a plain read, no lock, no transaction.
  const first = await planFor(ctx.db.kysely, false, target, known);
  if (first.changes.length === 0 && first.marker === undefined) return { resealed: 0, unchanged: first.rows };
  return ctx.db.kysely.transaction().execute(async (tx) => {
    const plan = await planFor(tx, ctx.db.dialect.skipLocked, target, known);
    let resealed = 0;
    for (const { row, next } of plan.changes) {
      const result = await tx
        .updateTable('merchants')
        .set(next)
        .where('id', '=', row.id)
        .where('access_code_hash', '=', row.access_code_hash)
        .where('secret_key_sealed', '=', row.secret_key_sealed)
        .executeTakeFirst();
      resealed += Number(result.numUpdatedRows);
    }
    if (plan.marker) await tx.updateTable('meta').set({ value: plan.marker.to }).where('key', '=', 'demo_merchant').where('value', '=', plan.marker.from).execute();
    return { resealed, unchanged: plan.rows - resealed };
  });
}

interface Plan {
  rows: number;
  changes: { row: StoredRow; next: SealedMerchant }[];
  /** The demo merchant's marker (runtime.ts) names it by its access code's hash (plain before migration 0014): it follows its merchant. */
  marker: { from: string; to: string } | undefined;
}

async function planFor(db: Kysely<Database>, lock: boolean, target: SecretBox, known: Map<string, SecretBox>): Promise<Plan> {
  let read = db.selectFrom('merchants').select(COLUMNS).orderBy('id');
  if (lock) read = read.forUpdate();
  const rows = await read.execute();
  const foreign = new Set(rows.flatMap((row) => storedValues(row).map(keyIdOf).filter((id): id is string => id !== undefined && !known.has(id))));
  if (foreign.size) throw new SecretKeyMismatch(target.keyId, [...foreign].sort());
  // Same key id: open one value to be sure (a key id is 32 bits of the key's digest).
  const sample = rows.find((row) => keyIdOf(row.secret_key_sealed) !== undefined);
  if (sample) known.get(keyIdOf(sample.secret_key_sealed)!)!.open(sample.secret_key_sealed);

  const hashes = new Map<string, string>();
  const changes: Plan['changes'] = [];
  for (const row of rows) {
    const next = resealRow(row, target, known);
    hashes.set(row.access_code_hash, next.access_code_hash);
    if (!sameRow(row, next)) changes.push({ row, next });
  }
  const stored = await db.selectFrom('meta').select('value').where('key', '=', 'demo_merchant').executeTakeFirst();
  const to = stored === undefined ? undefined : keyIdOf(stored.value) === undefined ? target.hashAccessCode(stored.value) : (hashes.get(stored.value) ?? stored.value);
  return { rows: rows.length, changes, marker: stored && to !== undefined && to !== stored.value ? { from: stored.value, to } : undefined };
}

function storedValues(row: StoredRow): string[] {
  return [row.access_code_hash, row.access_code_sealed, row.secret_key_sealed, row.webhook_secret_sealed, row.webhook_previous_secret_sealed].filter((v): v is string => v !== null);
}

/** A row's columns under `target`: plain values sealed, values under another known key opened and sealed again. */
function resealRow(row: StoredRow, target: SecretBox, known: Map<string, SecretBox>): SealedMerchant {
  const plainOf = (value: string): string => {
    const keyId = keyIdOf(value);
    return keyId === undefined ? value : known.get(keyId)!.open(value);
  };
  const reseal = (value: string | null): string | null => (value === null || keyIdOf(value) === target.keyId ? value : target.seal(plainOf(value)));
  // The access code: from its sealed copy, or from the column itself while it is still plain.
  const hashIsPlain = keyIdOf(row.access_code_hash) === undefined;
  const accessCode = row.access_code_sealed !== null ? plainOf(row.access_code_sealed) : hashIsPlain ? row.access_code_hash : null;
  const hashCurrent = keyIdOf(row.access_code_hash) === target.keyId;
  return {
    access_code_hash: hashCurrent || accessCode === null ? row.access_code_hash : target.hashAccessCode(accessCode),
    access_code_sealed: row.access_code_sealed !== null ? reseal(row.access_code_sealed) : accessCode === null ? null : target.seal(accessCode),
    secret_key_sealed: reseal(row.secret_key_sealed)!,
    webhook_secret_sealed: reseal(row.webhook_secret_sealed),
    webhook_previous_secret_sealed: reseal(row.webhook_previous_secret_sealed),
  };
}

function sameRow(a: SealedMerchant, b: SealedMerchant): boolean {
  return (
    a.access_code_hash === b.access_code_hash &&
    a.access_code_sealed === b.access_code_sealed &&
    a.secret_key_sealed === b.secret_key_sealed &&
    a.webhook_secret_sealed === b.webhook_secret_sealed &&
    a.webhook_previous_secret_sealed === b.webhook_previous_secret_sealed
  );
}
