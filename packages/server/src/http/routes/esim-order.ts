import { esimOrder } from '@esimkit/contract';
import { placeOrder } from '../../domain/orders/place.js';
import { route } from '../route.js';

export const esimOrderRoute = route(esimOrder, (ctx, input) => placeOrder({ ctx, input }));
