import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// The merchant's webhook endpoint: answers 200 to everything and records each delivery by
// its notifyId, so the checks can tell a redelivery (the same notifyId again, allowed:
// delivery is at least once) from two events for one order (not allowed).

export interface WebhookReceiver {
  url: string;
  /** Deliveries seen, by notifyId. */
  deliveries: Map<string, { type: string; count: number; content: any }>;
  /** ORDER_STATUS notifyIds by orderNo. */
  orderStatus: Map<string, Set<string>>;
  /** Bodies that were not a webhook at all. */
  malformed: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const deliveries: WebhookReceiver['deliveries'] = new Map();
  const orderStatus: WebhookReceiver['orderStatus'] = new Map();
  const state = { malformed: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const seen = deliveries.get(event.notifyId);
        if (seen) seen.count += 1;
        else deliveries.set(event.notifyId, { type: event.notifyType, count: 1, content: event.content });
        if (event.notifyType === 'ORDER_STATUS') {
          const orderNo = String(event.content?.orderNo);
          const ids = orderStatus.get(orderNo) ?? new Set<string>();
          ids.add(event.notifyId);
          orderStatus.set(orderNo, ids);
        }
      } catch {
        state.malformed += 1;
      }
      response.statusCode = 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    orderStatus,
    get malformed() {
      return state.malformed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
