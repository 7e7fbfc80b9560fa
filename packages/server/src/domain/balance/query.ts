import { formatWireTime } from '@esimkit/contract';
import type { Db } from '../../db/connect.js';
import { PreparedStatement } from '../../db/prepared.js';
import type { MerchantBalance, MerchantContext } from '../context.js';

interface PendingRead {
  promise: Promise<MerchantBalance>;
  resolve(balance: MerchantBalance): void;
  reject(error: unknown): void;
}

interface MerchantReads {
  inFlight: boolean;
  /** The read the requests that came since `inFlight` started will share; not started yet. */
  next: PendingRead | undefined;
}

/**
 * balance/query's reads, one statement for every request of a merchant waiting at the time.
 *
 * Each answer is still read fresh: a request shares only a read that starts after the request
 * came (the next one, never one already running), so it sees every write committed before it
 * was sent. The next read starts when the running one ends, or after the event loop's current
 * round of incoming requests (setImmediate) when none runs. Under load a merchant's concurrent
 * queries share one statement; alone, a query waits one turn of the loop. The statement is
 * compiled once (building it took longer than running it). docs/decisions.md (Balance).
 */
export class BalanceReads {
  private readonly statement: PreparedStatement<{ merchantId: number }, MerchantBalance>;
  private readonly merchants = new Map<number, MerchantReads>();

  constructor(private readonly db: Db) {
    this.statement = new PreparedStatement((values) => db.kysely.selectFrom('merchants').select(['balance', 'balance_updated_at']).where('id', '=', values.merchantId));
  }

  read(merchantId: number): Promise<MerchantBalance> {
    let reads = this.merchants.get(merchantId);
    if (!reads) {
      reads = { inFlight: false, next: undefined };
      this.merchants.set(merchantId, reads);
    }
    if (!reads.next) {
      reads.next = pendingRead();
      if (!reads.inFlight) setImmediate(() => this.start(merchantId, reads));
    }
    return reads.next.promise;
  }

  private start(merchantId: number, reads: MerchantReads): void {
    const read = reads.next!;
    reads.next = undefined;
    reads.inFlight = true;
    this.statement
      .run(this.db.kysely, { merchantId })
      .then(({ rows }) => (rows[0] ? read.resolve(rows[0]) : read.reject(new Error(`merchant ${merchantId} disappeared`))), read.reject)
      .finally(() => {
        reads.inFlight = false;
        if (reads.next) this.start(merchantId, reads);
        else this.merchants.delete(merchantId);
      });
  }
}

function pendingRead(): PendingRead {
  let resolve!: PendingRead['resolve'];
  let reject!: PendingRead['reject'];
  const promise = new Promise<MerchantBalance>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Reads the balance fresh from storage: the request's merchant (settings only) may be cached. */
export async function queryBalance({ ctx }: { ctx: MerchantContext }) {
  const row = await ctx.services.balanceReads.read(ctx.merchant.id);
  return { balance: Number(row.balance), lastUpdateTime: formatWireTime(new Date(Number(row.balance_updated_at))) };
}
