import { balanceQuery } from '@esimkit/contract';
import { queryBalance } from '../../domain/balance/query.js';
import { route } from '../route.js';

export const balanceQueryRoute = route(balanceQuery, (ctx) => queryBalance({ ctx }));
