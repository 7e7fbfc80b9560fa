import { setTimeout as sleep } from 'node:timers/promises';
import { signedPost, type Credentials } from './client.js';
import type { Instance } from './instances.js';
import { between, pick, type Random } from './random.js';

// The partners: `concurrency` loops, each placing orders one after another. An order is sent
// to a live instance picked at random and sent again, with the SAME transactionId and body,
// after anything that is not an answer (connection refused or reset by a kill, a timeout, a
// 5xx, a retryable code) until it gets one: success (an orderNo) or a refusal.

export const ORDER_PATH = '/api/v1/open/esim/order';

export interface Offer {
  packageCode: string;
  price: number;
}

export interface PlacedOrder {
  transactionId: string;
  packageCode: string;
  count: number;
  unitPrice: number;
  /** Set when an answer said success; every later success must name the same order. */
  orderNo?: string;
  /** Set when an answer refused the order (its code). */
  refusal?: string;
  attempts: number;
  /** Successes that named another orderNo than the first (a second order for one transactionId). */
  conflictingOrderNos: string[];
}

export interface LoadStats {
  requests: number;
  retries: number;
  networkErrors: number;
  timeouts: number;
  /** HTTP status of answers that were not the envelope, by status. */
  httpErrors: Map<number, number>;
  /** Envelope codes seen (success: the code, null as "success"). */
  codes: Map<string, number>;
  /** Orders whose first attempt failed and a retry got the answer. */
  ordersRetried: number;
  unexpected: string[];
}

// Answers that mean "try again": esimkit is busy or, after a crash, refuses requests signed
// before it started (a retry is signed anew). 000001 is retried too, but counted as a failure.
const RETRY_CODES = new Set(['000001', '900001', '101001', '200010']);
// Refusals a partner may see here: the balance or (production, inventory) the stock ran out.
const FINAL_REFUSALS = new Set(['200007', '200011']);

export class Load {
  readonly orders: PlacedOrder[] = [];
  readonly stats: LoadStats = {
    requests: 0,
    retries: 0,
    networkErrors: 0,
    timeouts: 0,
    httpErrors: new Map(),
    codes: new Map(),
    ordersRetried: 0,
    unexpected: [],
  };
  private placing = true;
  private stoppedAt: number | undefined;
  private counter = 0;

  constructor(
    private readonly instances: Instance[],
    private readonly credentials: Credentials,
    private readonly offers: Offer[],
    private readonly random: Random,
    private readonly runId: string,
  ) {}

  /** Runs `concurrency` loops until stop(); resolves when every order placed has its answer or the deadline passed. */
  async run(concurrency: number): Promise<void> {
    await Promise.all(Array.from({ length: concurrency }, () => this.loop()));
  }

  /** No new orders after this; orders under way keep retrying until answered. */
  stop(): void {
    this.placing = false;
    this.stoppedAt = Date.now();
  }

  /** Orders that never got an answer (only once run() resolved past its deadline). */
  unanswered(): PlacedOrder[] {
    return this.orders.filter((o) => o.orderNo === undefined && o.refusal === undefined);
  }

  private async loop(): Promise<void> {
    while (this.placing) {
      const offer = pick(this.random, this.offers);
      this.counter += 1;
      const order: PlacedOrder = {
        transactionId: `chaos-${this.runId}-${this.counter}`,
        packageCode: offer.packageCode,
        count: 1 + Math.floor(this.random() * 3),
        unitPrice: offer.price,
        attempts: 0,
        conflictingOrderNos: [],
      };
      this.orders.push(order);
      await this.settle(order);
    }
  }

  private async settle(order: PlacedOrder): Promise<void> {
    const body = {
      transactionId: order.transactionId,
      packageInfoList: [{ packageCode: order.packageCode, count: order.count, price: order.unitPrice }],
    };
    while (order.orderNo === undefined && order.refusal === undefined) {
      // Past the load, an order gets 3 more minutes (any restart takes seconds); then it is
      // reported unanswered.
      if (this.stoppedAt !== undefined && Date.now() > this.stoppedAt + 180_000) return;
      const live = this.instances.filter((i) => i.ready);
      if (live.length === 0) {
        await sleep(100);
        continue;
      }
      const instance = pick(this.random, live);
      order.attempts += 1;
      this.stats.requests += 1;
      if (order.attempts > 1) this.stats.retries += 1;
      const answer = await signedPost(instance.baseUrl, ORDER_PATH, body, this.credentials, 15_000);
      if (answer.kind === 'envelope') {
        const code = answer.success ? `success` : (answer.code ?? 'null');
        this.stats.codes.set(code, (this.stats.codes.get(code) ?? 0) + 1);
        if (answer.success) {
          const orderNo = String(answer.obj?.orderNo);
          order.orderNo = orderNo;
          if (order.attempts > 1) this.stats.ordersRetried += 1;
          return;
        }
        if (FINAL_REFUSALS.has(code)) {
          order.refusal = code;
          return;
        }
        if (!RETRY_CODES.has(code)) {
          this.stats.unexpected.push(`${order.transactionId}: answered ${code}`);
          order.refusal = code;
          return;
        }
      } else if (answer.kind === 'http-error') {
        this.stats.httpErrors.set(answer.status, (this.stats.httpErrors.get(answer.status) ?? 0) + 1);
      } else if (answer.kind === 'network-error') {
        this.stats.networkErrors += 1;
      } else {
        this.stats.timeouts += 1;
      }
      await sleep(between(this.random, 50, 250));
    }
  }

  /**
   * Asks again for orders already answered, with the same transactionId: each must name the
   * same orderNo (idempotency across crashes). Run after the load, on a quiet system.
   */
  async replayAnswered(sample: number): Promise<void> {
    const answered = this.orders.filter((o) => o.orderNo !== undefined);
    for (let i = 0; i < Math.min(sample, answered.length); i++) {
      const order = pick(this.random, answered);
      const body = { transactionId: order.transactionId, packageInfoList: [{ packageCode: order.packageCode, count: order.count, price: order.unitPrice }] };
      const live = this.instances.filter((x) => x.ready);
      if (live.length === 0) return;
      const answer = await signedPost(pick(this.random, live).baseUrl, ORDER_PATH, body, this.credentials, 15_000);
      this.stats.requests += 1;
      if (answer.kind !== 'envelope' || !answer.success) {
        this.stats.unexpected.push(`replay of ${order.transactionId}: ${JSON.stringify(answer)}`);
      } else if (String(answer.obj?.orderNo) !== order.orderNo) {
        order.conflictingOrderNos.push(String(answer.obj?.orderNo));
      }
    }
  }
}
