import type { Endpoint, ResponseOf } from '@esimkit/contract';
import type { z } from 'zod';
import type { MerchantContext } from '../domain/context.js';
import type { RawJson } from '../lib/raw-json.js';

/** A partner endpoint bound to the domain verb that answers it. */
export interface Route<E extends Endpoint = Endpoint> {
  endpoint: E;
  handle(ctx: MerchantContext, input: z.output<E['request']>): Promise<ResponseOf<E> | RawJson>;
}

export function route<E extends Endpoint>(endpoint: E, handle: Route<E>['handle']): Route<E> {
  return { endpoint, handle } as Route<E>;
}

